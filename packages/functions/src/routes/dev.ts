import { Hono } from "hono";
import { z } from "zod";
import { readOutbox } from "@jinguo/core/identity";
import { isMobilePhone } from "@jinguo/core/forms";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";

/** Local stage only: the SMS that would have been sent. Mounted nowhere else (404). */
export const dev = new Hono<AppEnv>().get(
  "/outbox",
  valid("query", z.object({ phone: z.string().refine(isMobilePhone) })),
  async (c) => c.json({ items: await readOutbox(c.var.deps.db, c.req.valid("query").phone) }),
);
