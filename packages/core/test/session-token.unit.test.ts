import { describe, it, expect } from "vitest";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { claimMs, issueSessionToken, readSessionToken, SESSION_TTL_SECONDS } from "@jinguo/core/identity";

const secret = "s".repeat(43);
const now = new Date("2026-05-01T08:00:00.000Z");

describe("session tokens", () => {
  const token = issueSessionToken(secret, "u0123456789ab", now);

  it("read back, they give the user and a 30-day life", () => {
    const claims = readSessionToken(secret, token, now);
    expect(claims).toEqual({
      uid: "u0123456789ab",
      jti: expect.stringMatching(/^t[0-9a-z]{12}$/),
      iat: now.getTime() / 1000,
      exp: now.getTime() / 1000 + SESSION_TTL_SECONDS,
    });
    expect(SESSION_TTL_SECONDS).toBe(30 * 86_400);
  });

  it("each carries its own id, so one sign-in can be revoked alone", () => {
    const ids = new Set(Array.from({ length: 50 }, () => readSessionToken(secret, issueSessionToken(secret, "u0123456789ab", now), now)!.jti));
    expect(ids.size).toBe(50);
  });

  it("keep the millisecond they were issued at, and expire to the millisecond", () => {
    for (const ms of [1, 123, 999, 7]) {
      const at = new Date(now.getTime() + ms);
      const claims = readSessionToken(secret, issueSessionToken(secret, "u0123456789ab", at), at)!;
      expect(claimMs(claims.iat)).toBe(at.getTime());
      expect(claimMs(claims.exp)).toBe(at.getTime() + SESSION_TTL_SECONDS * 1000);
      const t = issueSessionToken(secret, "u0123456789ab", at);
      expect(readSessionToken(secret, t, new Date(at.getTime() + SESSION_TTL_SECONDS * 1000 - 1))).toBeDefined();
      expect(readSessionToken(secret, t, new Date(at.getTime() + SESSION_TTL_SECONDS * 1000))).toBeUndefined();
    }
  });

  it("round the fraction back to the exact millisecond, for any moment up to the year 2300", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2300, 0, 1) }), (ms) => {
        const claims = readSessionToken(secret, issueSessionToken(secret, "u0123456789ab", new Date(ms)), new Date(ms))!;
        return claimMs(claims.iat) === ms && claimMs(claims.exp) === ms + SESSION_TTL_SECONDS * 1000;
      }),
      { numRuns: 2000 },
    );
  });

  it("issued before revocation existed (no jti, whole seconds) are still read", () => {
    const iat = now.getTime() / 1000;
    const payload = Buffer.from(JSON.stringify({ uid: "u0123456789ab", iat, exp: iat + SESSION_TTL_SECONDS })).toString("base64url");
    const mac = createHmac("sha256", secret).update(`session:${payload}`).digest("base64url");
    expect(readSessionToken(secret, `${payload}.${mac}`, now)).toEqual({ uid: "u0123456789ab", iat, exp: iat + SESSION_TTL_SECONDS });
  });

  it("are refused, though signed, when a claim has the wrong type", () => {
    const iat = now.getTime() / 1000;
    const signed = (claims: unknown) => {
      const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
      return `${payload}.${createHmac("sha256", secret).update(`session:${payload}`).digest("base64url")}`;
    };
    const good = { uid: "u0123456789ab", jti: "t0123456789ab", iat, exp: iat + SESSION_TTL_SECONDS };
    expect(readSessionToken(secret, signed(good), now)).toEqual(good);
    for (const bad of [{ ...good, jti: 5 }, { ...good, iat: "1" }, { ...good, iat: undefined }, { ...good, exp: "9" }, { ...good, uid: 1 }]) {
      expect(readSessionToken(secret, signed(bad), now), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it("are refused under another secret", () => {
    expect(readSessionToken("t".repeat(43), token, now)).toBeUndefined();
  });

  it("are refused when tampered with, anywhere", () => {
    const [payload, mac] = token.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, uid: "uzzzzzzzzzzzz" })).toString("base64url");
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86_400 * 365 })).toString("base64url");
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    for (const bad of [
      `${forged}.${mac}`,
      `${longer}.${mac}`,
      `${payload}.${flip(mac, mac.length - 1)}`,
      `${payload}.${flip(mac, 0)}`,
      `${flip(payload, 3)}.${mac}`,
      `${payload}.${mac.slice(0, -1)}`,
      `${payload}.`,
      `.${mac}`,
      payload,
      `${payload}.${mac}.${mac}`,
      `${token}.x`,
    ]) {
      expect(readSessionToken(secret, bad, now), bad).toBeUndefined();
    }
  });

  it("are refused when missing, empty or absurdly long", () => {
    expect(readSessionToken(secret, undefined, now)).toBeUndefined();
    expect(readSessionToken(secret, "", now)).toBeUndefined();
    expect(readSessionToken(secret, "x".repeat(5000), now)).toBeUndefined();
    expect(readSessionToken(secret, `${token}${"=".repeat(2000)}`, now)).toBeUndefined();
  });

  it("expire after their life, to the second", () => {
    const exp = now.getTime() + SESSION_TTL_SECONDS * 1000;
    expect(readSessionToken(secret, token, new Date(exp - 1))?.uid).toBe("u0123456789ab");
    expect(readSessionToken(secret, token, new Date(exp))).toBeUndefined();
    expect(readSessionToken(secret, token, new Date(exp + 86_400_000))).toBeUndefined();
  });

  it("differ per user and per moment", () => {
    expect(issueSessionToken(secret, "u0123456789ac", now)).not.toBe(token);
    expect(issueSessionToken(secret, "u0123456789ab", new Date(now.getTime() + 1000))).not.toBe(token);
  });
});
