import { describe, it, expect } from "vitest";
import { issueSessionToken, readSessionToken, SESSION_TTL_SECONDS } from "@jinguo/core/identity";

const secret = "s".repeat(43);
const now = new Date("2026-05-01T08:00:00.000Z");

describe("session tokens", () => {
  const token = issueSessionToken(secret, "u0123456789ab", now);

  it("read back, they give the user and a 30-day life", () => {
    const claims = readSessionToken(secret, token, now);
    expect(claims).toEqual({ uid: "u0123456789ab", iat: now.getTime() / 1000, exp: now.getTime() / 1000 + SESSION_TTL_SECONDS });
    expect(SESSION_TTL_SECONDS).toBe(30 * 86_400);
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
