/**
 * The one message table: every user-facing string, zh-CN first, with English.
 * Plain words a primary-school reader understands. API error messages come from here too,
 * so the web app and the API say the same thing in the same words.
 */
import { errorMessages, fieldMessages } from "./errors.ts";
import { uiMessages } from "./ui.ts";
import { noticeMessages } from "./notices.ts";
import { organiserMessages } from "./organiser.ts";
import { judgeMessages } from "./judge.ts";
import { deskMessages } from "./desk.ts";
import { ticketMessages } from "./ticket.ts";

export type Locale = "zh-CN" | "en";
export type Entry = { "zh-CN": string; en: string };

// Built by a call marked pure, so a bundle that never reads the whole table (the API's) drops it
// and the web app's strings with it; an object literal of spreads would be kept.
export const messages: typeof errorMessages &
  typeof fieldMessages &
  typeof noticeMessages &
  typeof uiMessages &
  typeof ticketMessages &
  typeof organiserMessages &
  typeof judgeMessages &
  typeof deskMessages = /* @__PURE__ */ Object.assign({}, errorMessages, fieldMessages, noticeMessages, uiMessages, ticketMessages, organiserMessages, judgeMessages, deskMessages);
export type MessageKey = keyof typeof messages;

/**
 * The same table cut by where it is needed, so the web app loads each part with its pages:
 * `common` (errors, form fields, the participant's pages, her ticket) with the app itself, the
 * others with the organiser's, judge's and check-in desk's pages. Text messages (notices) are
 * the server's alone and in no area. Each key is in one area only.
 */
export const messageAreas = /* @__PURE__ */ (() =>
  ({
    common: { ...errorMessages, ...fieldMessages, ...uiMessages, ...ticketMessages },
    organiser: organiserMessages,
    judge: judgeMessages,
    desk: deskMessages,
  }) satisfies Record<string, Record<string, Entry>>)();
export type MessageArea = keyof typeof messageAreas;
export const LOCALES = ["zh-CN", "en"] as const satisfies readonly Locale[];

/**
 * What the server itself says: error messages, field problems and text messages. `t` looks up
 * only these, so the API's bundle carries none of the web app's strings (they reach browsers
 * through the web build's own tables, see packages/web/vite.config.ts).
 */
const serverMessages = { ...errorMessages, ...fieldMessages, ...noticeMessages } satisfies Record<string, Entry>;
export type ServerMessageKey = keyof typeof serverMessages;

/** Looks a message up; `{name}` placeholders are filled from `params`. */
export function t(key: ServerMessageKey, locale: Locale = "zh-CN", params?: Record<string, string | number>): string {
  const entry: Entry = serverMessages[key];
  let text = entry[locale] ?? entry["zh-CN"];
  if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

export { errorMessages, fieldMessages, noticeMessages, uiMessages, organiserMessages, judgeMessages, deskMessages, ticketMessages };
export type { ErrorCode, FieldErrorCode } from "./errors.ts";
