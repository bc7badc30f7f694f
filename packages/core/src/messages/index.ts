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

export const messages = {
  ...errorMessages,
  ...fieldMessages,
  ...noticeMessages,
  ...uiMessages,
  ...ticketMessages,
  ...organiserMessages,
  ...judgeMessages,
  ...deskMessages,
} satisfies Record<string, Entry>;
export type MessageKey = keyof typeof messages;

/**
 * The same table cut by where it is needed, so the web app loads each part with its pages:
 * `common` (errors, form fields, the participant's pages, her ticket) with the app itself, the
 * others with the organiser's, judge's and check-in desk's pages. Text messages (notices) are
 * the server's alone and in no area. Each key is in one area only.
 */
export const messageAreas = {
  common: { ...errorMessages, ...fieldMessages, ...uiMessages, ...ticketMessages },
  organiser: organiserMessages,
  judge: judgeMessages,
  desk: deskMessages,
} satisfies Record<string, Record<string, Entry>>;
export type MessageArea = keyof typeof messageAreas;
export const LOCALES = ["zh-CN", "en"] as const satisfies readonly Locale[];

/** Looks a message up; `{name}` placeholders are filled from `params`. */
export function t(key: MessageKey, locale: Locale = "zh-CN", params?: Record<string, string | number>): string {
  const entry: Entry = messages[key];
  let text = entry[locale] ?? entry["zh-CN"];
  if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

export { errorMessages, fieldMessages, noticeMessages, uiMessages, organiserMessages, judgeMessages, deskMessages, ticketMessages };
export type { ErrorCode, FieldErrorCode } from "./errors.ts";
