import { Hono } from "hono";
import { z } from "zod";
import { readNotices, readOutbox } from "@jinguo/core/sms";
import { isMobilePhone } from "@jinguo/core/forms";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";

const byPhone = valid("query", z.object({ phone: z.string().refine(isMobilePhone) }));

/** Local stage only: the SMS that would have been sent. Mounted nowhere else (404). */
export const dev = new Hono<AppEnv>()
  .get("/outbox", byPhone, async (c) => c.json({ items: await readOutbox(c.var.deps.db, c.req.valid("query").phone) }))
  .get("/notices", byPhone, async (c) => c.json({ items: await readNotices(c.var.deps.db, c.req.valid("query").phone) }));
