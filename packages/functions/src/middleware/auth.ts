import { createMiddleware } from "hono/factory";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import type { Context } from "hono";
import {
  getUser,
  issueSessionToken,
  readSessionToken,
  isRevoked,
  SESSION_TTL_SECONDS,
  canManage,
  isOrganiser,
  type SessionClaims,
  type User,
} from "@jinguo/core/identity";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { isLocalhost } from "./guard.ts";

export const SESSION_COOKIE = "sid";

/**
 * Reads the signed session cookie, if any, into `userId`, unless it was signed out. No table
 * read per request: sign-outs are checked against the process's list in memory, which is
 * refreshed at most every few seconds (core identity/revocation.ts).
 */
export const session = createMiddleware<AppEnv>(async (c, next) => {
  const { db, clock } = c.var.deps;
  const claims = sessionClaims(c);
  if (claims && !(await isRevoked(db, clock, claims))) c.set("userId", claims.uid);
  return next();
});

/** The claims of the cookie sent, when it is validly signed and unexpired (signed out or not). */
export const sessionClaims = (c: Context<AppEnv>): SessionClaims | undefined =>
  readSessionToken(c.var.deps.secret, getCookie(c, SESSION_COOKIE), c.var.deps.clock.now());

export function startSession(c: Context<AppEnv>, userId: string) {
  const { secret, clock } = c.var.deps;
  setCookie(c, SESSION_COOKIE, issueSessionToken(secret, userId, clock.now()), {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: !isLocalhost(c.req.header("host")),
    maxAge: SESSION_TTL_SECONDS,
  });
}

export const endSession = (c: Context<AppEnv>) => deleteCookie(c, SESSION_COOKIE, { path: "/" });

/** 401 unless signed in. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.var.userId) fail("UNAUTHENTICATED");
  return next();
});

/** The signed-in person's account (roles included), or 401. */
export async function currentUser(c: Context<AppEnv>): Promise<User> {
  const id = c.var.userId ?? fail("UNAUTHENTICATED");
  return (await getUser(c.var.deps.db, id)) ?? fail("UNAUTHENTICATED");
}

/** The signed-in organiser (any unit), or 401/403. Object-level checks use `mustManage`. */
export async function currentOrganiser(c: Context<AppEnv>): Promise<User> {
  const user = await currentUser(c);
  if (!isOrganiser(user)) fail("FORBIDDEN");
  return user;
}

/** 403 unless she manages what this unit owns (own unit and below; admin: all). */
export function mustManage(user: User, orgUnit: string): void {
  if (!canManage(user, orgUnit)) fail("FORBIDDEN");
}
