import { Hono } from "hono";
import { z } from "zod";
import { requestOtp, verifyOtp, userForPhone, publicUser } from "@jinguo/core/identity";
import { isMobilePhone } from "@jinguo/core/forms";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { startSession, endSession } from "../middleware/auth.ts";
import { clientAddress } from "../client.ts";

const phone = z.string().refine(isMobilePhone);

export const auth = new Hono<AppEnv>()
  .post("/otp", valid("json", z.object({ phone })), async (c) => {
    const deps = c.var.deps;
    const client = deps.rateLimitPerClient ? clientAddress(c) : undefined;
    await requestOtp(deps, c.req.valid("json").phone, client);
    return c.body(null, 204);
  })
  .post("/login", valid("json", z.object({ phone, code: z.string().regex(/^\d{6}$/) })), async (c) => {
    const deps = c.var.deps;
    const { phone, code } = c.req.valid("json");
    await verifyOtp(deps, phone, code);
    const user = await userForPhone(deps.db, deps.clock, phone);
    startSession(c, user.id);
    return c.json({ user: publicUser(user) });
  })
  .post("/logout", async (c) => {
    endSession(c);
    return c.body(null, 204);
  });
