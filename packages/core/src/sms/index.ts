import { putItem, query, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import type { Clock } from "../clock/index.ts";
import { maskPhone } from "../forms/mask.ts";

/**
 * Text messages to a mobile number: the one-time sign-in code, and notices (a waitlist place
 * turned into a seat). In the cloud a provider sends them; locally they go to the dev outbox.
 */
export interface SmsSender {
  sendOtp(phone: string, code: string): Promise<void>;
  sendNotice(phone: string, text: string): Promise<void>;
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
