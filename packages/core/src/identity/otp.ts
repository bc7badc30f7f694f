import { createHmac, timingSafeEqual } from "node:crypto";
import { deleteItem, getItem, isConditionFailed, putItem, updateItem, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newOtpCode } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import { hit } from "../rate-limit/index.ts";
import type { Clock } from "../clock/index.ts";
import type { SmsSender } from "../sms/index.ts";

export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_TRIES = 5;
/**
 * The try limit the condition enforces. Writable only so the sign-in tests can lift it and
 * show that they then catch a sixth try getting through (their negative control).
 */
export const otpGuards = { maxTries: OTP_MAX_TRIES };
/** One code a minute and ten a day per number: enough for a person, useless for a spammer. */
export const otpNumberLimits = [
  { scope: "otp-number-min", windowSeconds: 60, max: 1 },
  { scope: "otp-number-day", windowSeconds: 86_400, max: 10 },
] as const;
export const otpClientLimit = { scope: "otp-client", windowSeconds: 3600, max: 30 } as const;

export interface OtpDeps {
  db: Db;
  clock: Clock;
  secret: string;
  sms: SmsSender;
}

// Codes are stored as an HMAC, so a copy of the table does not reveal live codes.
const hashCode = (secret: string, phone: string, code: string) =>
  createHmac("sha256", secret).update(`otp:${phone}:${code}`).digest("base64url");

export async function requestOtp(deps: OtpDeps, phone: string, client?: string): Promise<void> {
  const { db, clock } = deps;
  for (const limit of otpNumberLimits) if (!(await hit(db, clock, limit, phone))) fail("OTP_TOO_OFTEN");
  if (client && !(await hit(db, clock, otpClientLimit, client))) fail("RATE_LIMITED");
  const code = newOtpCode();
  const now = clock.now().getTime();
  // A new code replaces the old one and resets the tries.
  await putItem(db, {
    ...keys.otp(phone),
    codeHash: hashCode(deps.secret, phone, code),
    validUntil: now + OTP_TTL_MS,
    tries: 0,
    expiresAt: Math.floor((now + OTP_TTL_MS) / 1000) + 3600,
  });
  try {
    await deps.sms.sendOtp(phone, code);
  } catch (err) {
    // The provider refused or could not be reached: she is told to try again later, never a 500.
    console.error(`[otp] code not sent: ${(err as Error).name}`);
    fail("SMS_UNAVAILABLE");
  }
}

/**
 * Checks a code. Every try counts, right or wrong, with one conditional update, so parallel
 * guesses cannot get past the limit; from the 6th try on the code is void, even the right one.
 */
export async function verifyOtp(deps: OtpDeps, phone: string, code: string): Promise<void> {
  const { db, clock } = deps;
  let item: { codeHash: string; validUntil: number; tries: number };
  try {
    item = await updateItem(db, {
      key: keys.otp(phone),
      update: "ADD tries :one",
      condition: "attribute_exists(pk) AND tries < :max",
      values: { ":one": 1, ":max": otpGuards.maxTries },
    });
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    return fail((await getItem(db, keys.otp(phone))) ? "OTP_LOCKED" : "OTP_INVALID");
  }
  const expected = Buffer.from(item.codeHash);
  const given = Buffer.from(hashCode(deps.secret, phone, code));
  const right = expected.length === given.length && timingSafeEqual(expected, given);
  if (!right || clock.now().getTime() > item.validUntil) fail("OTP_INVALID");
  // One-time: the condition makes two sign-ins with the same code race to one winner.
  try {
    await deleteItem(db, keys.otp(phone), { expression: "codeHash = :h", values: { ":h": item.codeHash } });
  } catch (err) {
    if (isConditionFailed(err)) fail("OTP_INVALID");
    throw err;
  }
}
