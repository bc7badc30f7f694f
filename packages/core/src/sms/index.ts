import { putItem, query, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import type { Clock } from "../clock/index.ts";
import { maskPhone } from "../forms/mask.ts";
import { tencentSmsSettings } from "./tencent-settings.ts";
import type { TencentSmsOptions } from "./tencent.ts";

/** The kinds of notice an SMS template is approved for (the sign-in code has its own). */
export const noticeTemplates = ["waitlist_promoted", "session_reminder", "results_published"] as const;
export type NoticeTemplate = (typeof noticeTemplates)[number];

/**
 * A notice as a provider in China sends it: an approved template and its parameters, in the
 * template's order. The words themselves (`text`) are what the dev outbox keeps and she sees
 * under her notices; the template must say the same.
 */
export interface NoticeMessage {
  template: NoticeTemplate;
  params: string[];
}

/**
 * Text messages to a mobile number: the one-time sign-in code, and notices (a waitlist place
 * turned into a seat, a reminder). In the cloud a provider sends them; locally they go to the
 * dev outbox. A refusal is thrown as an Error whose message names no number; whether to try
 * again is the caller's decision (the outbox's, for notices).
 */
export interface SmsSender {
  sendOtp(phone: string, code: string): Promise<void>;
  sendNotice(phone: string, text: string, message: NoticeMessage): Promise<void>;
}

// The sender (tencentSms, tc3Sign, toE164, SmsError) is imported from ./tencent.ts itself, so
// that nothing here brings it onto a cold start.
export { tencentSmsSettings, tencentSmsEnvironment, tencentSmsApi } from "./tencent-settings.ts";
export type { TencentSmsSettings, TencentTemplateKind } from "./tencent-settings.ts";
export type { TencentSmsOptions, SmsFailure, Tc3Input } from "./tencent.ts";

/**
 * The cloud's SMS sender, from the environment: Tencent Cloud SMS when its settings are
 * complete. Otherwise it throws, naming each missing setting, so a stage without a provider
 * refuses to start instead of pretending to send.
 */
export function smsFromEnvironment(env: Record<string, string | undefined>, options: TencentSmsOptions = {}): SmsSender {
  const settings = tencentSmsSettings(env);
  // The sender's code loads with the first text, not at start: most requests send none.
  let sender: Promise<SmsSender> | undefined;
  const send = () =>
    (sender ??= import("./tencent.ts")
      .then((m) => m.tencentSms(settings, options))
      .catch((err: unknown) => {
        sender = undefined; // not kept: the next text tries again
        throw err;
      }));
  return {
    sendOtp: async (phone, code) => (await send()).sendOtp(phone, code),
    sendNotice: async (phone, text, message) => (await send()).sendNotice(phone, text, message),
  };
}

const DAY_SECONDS = 86_400;

/** The local stage's SMS: kept in the table for a day (`GET /api/dev/outbox`), and logged masked. */
export function devOutbox(db: Db, clock: Clock, log: (line: string) => void = console.log): SmsSender {
  const keep = () => Math.floor(clock.now().getTime() / 1000) + DAY_SECONDS;
  return {
    async sendOtp(phone, code) {
      const sentAt = clock.now().toISOString();
      await putItem(db, { ...keys.otpOutbox(phone, sentAt), phone, code, sentAt, expiresAt: keep() });
      log(`[dev outbox] 验证码 ${code} → ${maskPhone(phone)}`);
    },
    async sendNotice(phone, text) {
      const sentAt = clock.now().toISOString();
      await putItem(db, { ...keys.noticeOutbox(phone, sentAt), phone, text, sentAt, expiresAt: keep() });
      log(`[dev outbox] 通知 → ${maskPhone(phone)}: ${text}`);
    },
  };
}

/** The codes sent to a number, newest first (the API's `/api/dev/outbox`). */
export async function readOutbox(db: Db, phone: string) {
  const page = await query<{ phone: string; code: string; sentAt: string }>(db, {
    partition: keys.outboxPartition(phone),
    newestFirst: true,
    limit: 20,
  });
  return page.items.map(({ phone, code, sentAt }) => ({ phone, code, sentAt }));
}

/** The notices sent to a number, newest first (`/api/dev/notices`). */
export async function readNotices(db: Db, phone: string) {
  const page = await query<{ phone: string; text: string; sentAt: string }>(db, {
    partition: keys.noticePartition(phone),
    newestFirst: true,
    limit: 20,
  });
  return page.items.map(({ phone, text, sentAt }) => ({ phone, text, sentAt }));
}
