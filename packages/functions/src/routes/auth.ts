import { Hono } from "hono";
import * as z from "zod/mini";
import { requestOtp, verifyOtp, userForPhone, publicUser, revokeSession, revokeAllSessions } from "@jinguo/core/identity";
import { isMobilePhone } from "@jinguo/core/forms";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { startSession, endSession, sessionClaims, requireUser } from "../middleware/auth.ts";
import { clientAddress } from "../client.ts";

const phone = z.string().check(z.refine(isMobilePhone));

export const auth = new Hono<AppEnv>()
  .post(
    "/otp",
    doc({ summary: "获取验证码（短信）", summaryEn: "Ask for a sign-in code by SMS", access: "public", status: 204, errors: [429] }),
    valid("json", z.object({ phone })),
    async (c) => {
      const deps = c.var.deps;
      const client = deps.rateLimitPerClient ? clientAddress(c) : undefined;
      await requestOtp(deps, c.req.valid("json").phone, client);
      return c.body(null, 204);
    },
  )
  .post(
    "/login",
    doc({ summary: "用验证码登录", summaryEn: "Sign in with the code", access: "public", errors: [401, 429] }),
    valid("json", z.object({ phone, code: z.string().check(z.regex(/^\d{6}$/)) })),
    async (c) => {
      const deps = c.var.deps;
      const { phone, code } = c.req.valid("json");
      await verifyOtp(deps, phone, code);
      const user = await userForPhone(deps.db, deps.clock, phone);
      startSession(c, user.id);
      return c.json({ user: publicUser(user) });
    },
  )
  // Logout ends this sign-in on every copy of the cookie, not only on this device (a shared
  // phone, a forwarded WeChat link): the token is revoked, then the cookie cleared.
  .post("/logout", doc({ summary: "退出这次登录", summaryEn: "Sign out this sign-in", access: "public", status: 204 }), async (c) => {
    // Only a live sign-in is recorded: a copy already signed out adds nothing to the list.
    const claims = c.var.userId ? sessionClaims(c) : undefined;
    if (claims) await revokeSession(c.var.deps.db, c.var.deps.clock, claims);
    endSession(c);
    return c.body(null, 204);
  })
  .post("/logout-everywhere", doc({ summary: "在所有设备上退出", summaryEn: "Sign out everywhere", access: "signed-in", status: 204 }), requireUser, async (c) => {
    await revokeAllSessions(c.var.deps.db, c.var.deps.clock, c.var.userId!);
    endSession(c);
    return c.body(null, 204);
  });
