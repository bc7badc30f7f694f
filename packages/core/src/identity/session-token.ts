import { createHmac, timingSafeEqual } from "node:crypto";
import { newId } from "../ids/index.ts";

/**
 * A signed, self-contained sign-in session: no table read on every request. Sign-outs are
 * checked against the in-memory revocation list (revocation.ts), not the table.
 */
export interface SessionClaims {
  /** user id */
  uid: string;
  /**
   * token id, so one sign-in can be revoked (logout). Tokens issued before revocation existed
   * have none: only "sign out everywhere" or their expiry ends them.
   */
  jti?: string;
  /**
   * issued at, epoch seconds. New tokens carry the milliseconds as a fraction (a JWT NumericDate
   * may): "sign out everywhere" ends every token issued before an instant, and a sign-in in the
   * same second right after it must survive.
   */
  iat: number;
  /** expires at, epoch seconds (with the same fraction) */
  exp: number;
}

export const SESSION_TTL_SECONDS = 30 * 86_400;

/** An epoch-seconds claim as milliseconds, rounded back to the millisecond it was made from. */
export const claimMs = (seconds: number) => Math.round(seconds * 1000);

const sign = (secret: string, payload: string) => createHmac("sha256", secret).update(`session:${payload}`).digest("base64url");

export function issueSessionToken(secret: string, uid: string, now: Date): string {
  const ms = now.getTime();
  const claims: SessionClaims = { uid, jti: newId("t"), iat: ms / 1000, exp: (ms + SESSION_TTL_SECONDS * 1000) / 1000 };
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
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
    if (typeof claims.uid !== "string" || typeof claims.exp !== "number" || typeof claims.iat !== "number") return undefined;
    if (claims.jti !== undefined && typeof claims.jti !== "string") return undefined;
    return claimMs(claims.exp) > now.getTime() ? claims : undefined;
  } catch {
    return undefined;
  }
}
