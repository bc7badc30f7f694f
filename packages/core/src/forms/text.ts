import * as z from "zod/mini";
import type { FieldErrorCode } from "../messages/errors.ts";

/**
 * The one cleaning of free text a person or an organiser types: form answers (text, textarea,
 * phone, idNumber), campaign and session titles, venues and descriptions, a person's name.
 * Text is shown on pages, printed on lists and exported to spreadsheets, so what is kept is
 * plain, visible, and spelled one way only.
 *
 *  1. Refused (`FIELD_CHARACTERS`), since no keyboard types them and they hide or disguise
 *     text: C0 controls except tab and line breaks, DEL, C1 controls, lone surrogates, bidi
 *     embeddings, overrides and isolates (U+202A–202E, U+2066–2069), noncharacters and the
 *     interlinear annotation controls (U+FFF9–FFFB).
 *  2. Line breaks (CRLF, CR, U+2028, U+2029) become "\n". A multi-line text keeps them and
 *     tabs; a one-line text turns tabs into spaces and refuses a break inside it
 *     (`FIELD_ONE_LINE`) — a browser's one-line input never sends one.
 *  3. Invisible characters are removed wherever they are — zero-width space and non-joiner, word joiner, BOM,
 *     soft hyphen, direction marks, Hangul fillers, … — so "王\u200B秀兰" is "王秀兰" and a name
 *     of only such characters is blank. Two kinds stay where they draw something: a zero-width
 *     joiner between two emoji (👩‍👩‍👧) and the tag characters of a flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
 *     Variation selectors stay too (❤️, CJK variants).
 *  4. NFC, so the same words are the same string (for search, dedupe and masking).
 *  5. Whitespace at both ends is trimmed (JavaScript's trim: includes U+3000 and NBSP).
 *
 * Cleaning twice gives the same text; the unit tests check this on random input.
 */
export type TextKind = "oneLine" | "multiLine";
export type TextProblem = Extract<FieldErrorCode, "FIELD_CHARACTERS" | "FIELD_ONE_LINE">;
export type Cleaned = { ok: true; value: string } | { ok: false; reason: TextProblem };

const loneSurrogate = /\p{Surrogate}/u;
const refused = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFF9-\uFFFB\p{Noncharacter_Code_Point}]/u;
const lineBreak = /\r\n|[\r\u2028\u2029]/g;
const invisible =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B\u200C\u200E\u200F\u2060-\u2064\u206A-\u206F\u3164\uFEFF\uFFA0\u{1D173}-\u{1D17A}]/gu;
/** A flag's tag sequence (black flag, tag letters, cancel tag) is kept; any other tag character goes. */
const tags = /\u{1F3F4}[\u{E0020}-\u{E007E}]{1,32}\u{E007F}|[\u{E0000}-\u{E007F}]/gu;
/** A joiner that joins nothing visible: anywhere but between an emoji (with its modifier) and the next. */
const strayJoiner = /(?<!\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

export function cleanText(raw: string, kind: TextKind): Cleaned {
  if (loneSurrogate.test(raw) || refused.test(raw)) return { ok: false, reason: "FIELD_CHARACTERS" };
  let v = raw.replace(lineBreak, "\n");
  if (kind === "oneLine") v = v.replaceAll("\t", " ");
  v = v
    .replace(invisible, "")
    .replace(tags, (m) => (m.startsWith("\u{1F3F4}") ? m : ""))
    .replace(strayJoiner, "")
    .normalize("NFC")
    .trim();
  if (kind === "oneLine" && v.includes("\n")) return { ok: false, reason: "FIELD_ONE_LINE" };
  return { ok: true, value: v };
}

/** Length as a person counts it: characters (code points), not UTF-16 units or bytes. */
export const textLength = (v: string) => [...v].length;

type TextOptions = { /** blank once cleaned is `FIELD_REQUIRED` */ required?: boolean };

/**
 * zod for a cleaned text of at most `max` characters. A refusal names its reason in
 * `params.reason` (a FIELD_* code), which the API's validation passes on as the field's reason.
 */
function textSchema(kind: TextKind, max: number, { required = false }: TextOptions) {
  return z.pipe(
    z.string(),
    z.transform((raw: string, ctx) => {
      const checked = checkText(raw, kind, max, required);
      if (typeof checked === "string") {
        // zod/mini's transform has no ctx.addIssue: the issue as zod's own addIssue makes it.
        ctx.issues.push({ code: "custom", message: checked, params: { reason: checked }, input: raw });
        return z.NEVER;
      }
      return checked.value;
    }),
  );
}

/** Cleaned, then blank and length checked: the text answers of a form go through this too. */
export function checkText(raw: string, kind: TextKind, max: number, required: boolean): FieldErrorCode | { value: string } {
  const cleaned = cleanText(raw, kind);
  if (!cleaned.ok) return cleaned.reason;
  if (required && cleaned.value === "") return "FIELD_REQUIRED";
  return textLength(cleaned.value) > max ? "FIELD_TOO_LONG" : { value: cleaned.value };
}

/** A name, a title, a venue: one line. */
export const oneLineText = (max: number, opts: TextOptions = {}) => textSchema("oneLine", max, opts);
/** A description, a story: line breaks and tabs kept. */
export const multiLineText = (max: number, opts: TextOptions = {}) => textSchema("multiLine", max, opts);
