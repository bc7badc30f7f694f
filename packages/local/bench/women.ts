import type { Db } from "@jinguo/core/db";
import { systemClock } from "@jinguo/core/clock";
import { issueSessionToken, userForPhone } from "@jinguo/core/identity";

/** One participant of the rush: signed in, with the answers the lecture's form asks for. */
export interface Woman {
  userId: string;
  phone: string;
  /** the value of her `sid` cookie */
  token: string;
  answers: { name: string; phone: string; city: string; consent: true };
}

/** Numbers 139 0000 0000 and up: clear of the seeded local accounts (138 0000 000x). */
export const benchPhone = (i: number) => `139${String(i).padStart(8, "0")}`;

/**
 * Signs up `count` women the way a first sign-in does (core's `userForPhone`) and mints each
 * a session cookie with the stage's secret, as the OTP sign-in would. Done before the clock
 * starts: the rush measures registering, not signing in.
 */
export async function signUpWomen(db: Db, secret: string, count: number, concurrency = 16): Promise<Woman[]> {
  const women: Woman[] = new Array(count);
  let next = 0;
  const now = systemClock.now();
  async function worker() {
    for (let i = next++; i < count; i = next++) {
      const phone = benchPhone(i);
      const user = await userForPhone(db, systemClock, phone);
      women[i] = {
        userId: user.id,
        phone,
        token: issueSessionToken(secret, user.id, now),
        answers: { name: "王秀兰", phone, city: "hn.cs", consent: true },
      };
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return women;
}
