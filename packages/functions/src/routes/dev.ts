import { Hono } from "hono";
import * as z from "zod/mini";
import { readNotices, readOutbox } from "@jinguo/core/sms";
import { isMobilePhone } from "@jinguo/core/forms";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";

const byPhone = valid("query", z.object({ phone: z.string().check(z.refine(isMobilePhone)) }));

/** Local stage only: the SMS that would have been sent. Mounted nowhere else (404). */
export const dev = new Hono<AppEnv>()
  .get("/outbox", doc({ summary: "本地收到的验证码", summaryEn: "Sign-in codes sent (local)", access: "local-only" }), byPhone, async (c) =>
    c.json({ items: await readOutbox(c.var.deps.db, c.req.valid("query").phone) }),
  )
  .get("/notices", doc({ summary: "本地发出的通知短信", summaryEn: "Notices sent by SMS (local)", access: "local-only" }), byPhone, async (c) =>
    c.json({ items: await readNotices(c.var.deps.db, c.req.valid("query").phone) }),
  );
