import { createMiddleware } from "hono/factory";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import type { Context } from "hono";
import { getUser, issueSessionToken, readSessionToken, SESSION_TTL_SECONDS, canManage, isOrganiser, type User } from "@jinguo/core/identity";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { isLocalhost } from "./guard.ts";

export const SESSION_COOKIE = "sid";

/** Reads the signed session cookie, if any, into `userId`. No table read. */
export const session = createMiddleware<AppEnv>(async (c, next) => {
  const { secret, clock } = c.var.deps;
  const claims = readSessionToken(secret, getCookie(c, SESSION_COOKIE), clock.now());
  if (claims) c.set("userId", claims.uid);
  return next();
});

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
