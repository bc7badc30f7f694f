import { createHmac, timingSafeEqual } from "node:crypto";

/** A signed, self-contained sign-in session: no table read on every request. */
export interface SessionClaims {
  /** user id */
  uid: string;
  /** issued at, epoch seconds */
  iat: number;
  /** expires at, epoch seconds */
  exp: number;
}

export const SESSION_TTL_SECONDS = 30 * 86_400;

const sign = (secret: string, payload: string) => createHmac("sha256", secret).update(`session:${payload}`).digest("base64url");

export function issueSessionToken(secret: string, uid: string, now: Date): string {
  const iat = Math.floor(now.getTime() / 1000);
  const payload = Buffer.from(JSON.stringify({ uid, iat, exp: iat + SESSION_TTL_SECONDS })).toString("base64url");
  return `${payload}.${sign(secret, payload)}`;
}

export function readSessionToken(secret: string, token: string | undefined, now: Date): SessionClaims | undefined {
  if (!token || token.length > 1024) return undefined;
  // Exactly "payload.mac": a token with anything appended is not one we issued.
  const parts = token.split(".");
  if (parts.length !== 2) return undefined;
  const [payload, mac] = parts;
  if (!payload || !mac) return undefined;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as SessionClaims;
    if (typeof claims.uid !== "string" || typeof claims.exp !== "number") return undefined;
    return claims.exp * 1000 > now.getTime() ? claims : undefined;
  } catch {
    return undefined;
  }
}
