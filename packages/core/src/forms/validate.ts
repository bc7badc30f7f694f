import * as z from "zod/mini";
import { isMobilePhone } from "./personal.ts";
import type { FieldErrorCode } from "../messages/errors.ts";
import { DomainError } from "../errors/index.ts";
import { isFieldKey, isStorableNumber, maxFields, type Form, type FormField } from "./model.ts";
import { cleanText, textLength, type TextKind } from "./text.ts";

export type Answers = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v));

/**
 * The `answers` of a request, as plain data: an object whose own keys are field keys (see
 * `isFieldKey`), copied into an object with no prototype. Any other key — `__proto__`,
 * `constructor`, `toString` — is `FIELD_UNKNOWN` (no form can have it) rather than dropped or
 * kept, and more keys than a form can have is `FIELD_INVALID`.
 */
export const answersSchema = z.pipe(
  z.custom<Answers>(isPlainObject, { params: { reason: "FIELD_INVALID" } }),
  z.transform((input: Answers, ctx): Answers => {
    const keys = Object.keys(input);
    if (keys.length > maxFields) {
      // zod/mini's transform has no ctx.addIssue: issues go in as zod's own addIssue makes them.
      ctx.issues.push({ code: "custom", message: "FIELD_INVALID", params: { reason: "FIELD_INVALID" }, input });
      return z.NEVER;
    }
    const out: Answers = Object.create(null);
    for (const key of keys) {
      if (isFieldKey(key)) out[key] = input[key];
      else ctx.issues.push({ code: "custom", path: [key], message: "FIELD_UNKNOWN", params: { reason: "FIELD_UNKNOWN" }, input });
    }
    return out;
  }),
);

/**
 * A number answer: a JSON number, or a string in plain decimal notation — an optional minus,
 * ASCII digits, optionally a point and more digits ("12", "-3.5", "007" is 7), spaces around
 * allowed. Never hex, octal or binary prefixes, exponents, a leading "+", "Infinity", digit
 * separators, ".5" or "5.". Returns NaN for anything else; -0 is 0.
 */
export function decimalNumber(raw: unknown): number {
  const v = typeof raw === "number" ? raw : typeof raw === "string" && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  return v === 0 ? 0 : v;
}

const idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idCheckChars = "10X98765432";

/** GB 11643: 17 digits, a valid birth date, and the ISO 7064 MOD 11-2 check character. */
export function isResidentId(v: string): boolean {
  if (!/^\d{17}[\dX]$/.test(v)) return false;
  const birth = v.slice(6, 14);
  const d = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10).replaceAll("-", "") !== birth) return false;
  const sum = idWeights.reduce((acc, w, i) => acc + w * Number(v[i]), 0);
  return idCheckChars[sum % 11] === v[17];
}

/**
 * Checks answers against the campaign's form and returns them cleaned (trimmed, normalised,
 * only the declared keys: we keep no more than the form asks for).
 * Throws VALIDATION with `details.fields[key]` = why, for every broken field at once.
 */
export function validateAnswers(form: Form, answers: Answers, orgUnitIds: ReadonlySet<string>): Answers {
  // Own keys only, into objects with no prototype: a key named `__proto__` or `toString` is
  // just a key, never read through, nor written into, Object.prototype.
  const fields: Record<string, FieldErrorCode> = Object.create(null);
  const clean: Answers = Object.create(null);
  const declared = new Set(form.fields.map((f) => f.key));
  for (const key of Object.keys(answers)) if (!declared.has(key) || !isFieldKey(key)) fields[key] = "FIELD_UNKNOWN";
  for (const field of form.fields) {
    // Only a form saved before keys had their pattern can get here with another key; its answers
    // cannot be taken (a `constructor` key cannot even be stored), so the organiser must rename it.
    if (!isFieldKey(field.key)) {
      fields[field.key] = "FIELD_INVALID";
      continue;
    }
    const result = checkField(field, Object.hasOwn(answers, field.key) ? answers[field.key] : undefined, orgUnitIds);
    if (typeof result === "string") fields[field.key] = result;
    else if (result.value !== undefined) clean[field.key] = result.value;
  }
  if (Object.keys(fields).length > 0) throw new DomainError("VALIDATION", { fields });
  return clean;
}

/** The field types whose answers are typed text: cleaned (see cleanText) before any other check. */
const typed: Partial<Record<FormField["type"], TextKind>> = {
  text: "oneLine",
  textarea: "multiLine",
  phone: "oneLine",
  idNumber: "oneLine",
};

const isEmpty = (v: unknown) =>
  v === undefined || v === null || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);

function checkField(f: FormField, given: unknown, orgUnitIds: ReadonlySet<string>): FieldErrorCode | { value: unknown } {
  let raw = given;
  const kind = typed[f.type];
  if (kind && typeof raw === "string") {
    const cleaned = cleanText(raw, kind);
    if (!cleaned.ok) return cleaned.reason;
    raw = cleaned.value;
  }
  if (f.type === "consent") {
    if (raw === true) return { value: true };
    if (f.required) return "FIELD_CONSENT";
    return raw === undefined || raw === false ? { value: raw } : "FIELD_INVALID";
  }
  if (isEmpty(raw)) return f.required ? "FIELD_REQUIRED" : { value: undefined };
  switch (f.type) {
    case "text":
    case "textarea": {
      if (typeof raw !== "string") return "FIELD_INVALID";
      const max = f.maxLength ?? (f.type === "text" ? 200 : 5000);
      return textLength(raw) > max ? "FIELD_TOO_LONG" : { value: raw };
    }
    case "phone": {
      const v = typeof raw === "string" ? raw.replace(/[\s-]/g, "") : "";
      return isMobilePhone(v) ? { value: v } : "FIELD_PHONE";
    }
    case "idNumber": {
      const v = typeof raw === "string" ? raw.trim().toUpperCase() : "";
      return isResidentId(v) ? { value: v } : "FIELD_ID_NUMBER";
    }
    case "number": {
      const v = decimalNumber(raw);
      if (Number.isNaN(v)) return "FIELD_INVALID";
      // A decimal string too long for a double ("1" and 400 zeros) is still a number, just too large.
      if (!Number.isFinite(v)) return "FIELD_TOO_LARGE";
      // Unbounded fields still take only what the table can store (else a 5xx on write).
      if (Math.abs(v) > Number.MAX_SAFE_INTEGER) return "FIELD_TOO_LARGE";
      if (!isStorableNumber(v)) return "FIELD_INVALID";
      if (f.min !== undefined && v < f.min) return "FIELD_TOO_SMALL";
      if (f.max !== undefined && v > f.max) return "FIELD_TOO_LARGE";
      return { value: v };
    }
    case "choice": {
      const ok = typeof raw === "string" && (f.options ?? []).some((o) => o.value === raw);
      return ok ? { value: raw } : "FIELD_CHOICE";
    }
    case "multichoice": {
      if (!Array.isArray(raw) || raw.length > 50) return "FIELD_CHOICE";
      const allowed = new Set((f.options ?? []).map((o) => o.value));
      const ok = raw.every((v) => typeof v === "string" && allowed.has(v));
      return ok ? { value: [...new Set(raw as string[])] } : "FIELD_CHOICE";
    }
    case "date": {
      if (typeof raw !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return "FIELD_DATE";
      const d = new Date(`${raw}T00:00:00Z`);
      const min = f.min, max = f.max; // years, when set
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== raw) return "FIELD_DATE";
      if (min !== undefined && d.getUTCFullYear() < min) return "FIELD_TOO_SMALL";
      if (max !== undefined && d.getUTCFullYear() > max) return "FIELD_TOO_LARGE";
      return { value: raw };
    }
    case "orgUnit":
      return typeof raw === "string" && orgUnitIds.has(raw) ? { value: raw } : "FIELD_ORG_UNIT";
    case "image": {
      // Upload ids (whether each exists and is hers, the module taking the answers checks);
      // `max` is how many images the field takes (default 9).
      const ok = Array.isArray(raw) && raw.length <= (f.max ?? 9) && raw.every((v) => typeof v === "string" && /^up[0-9a-z]{12}$/.test(v));
      return ok ? { value: raw } : "FIELD_INVALID";
    }
  }
}
