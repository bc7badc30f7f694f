import { Hono } from "hono";
import * as z from "zod/mini";
import { publicUser, updateProfile } from "@jinguo/core/identity";
import { oneLineText } from "@jinguo/core/forms";
import * as Registration from "@jinguo/core/registration";
import * as Outbox from "@jinguo/core/outbox";
import { orgUnitIds } from "@jinguo/core/org-units";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { currentUser, requireUser } from "../middleware/auth.ts";
import { requestOrigin } from "../middleware/guard.ts";
import { valid, encodeCursor, decodeCursor } from "../validate.ts";
import { doc } from "../openapi.ts";
import { listQuery } from "./list-query.ts";

export const me = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", doc({ summary: "我的账号", summaryEn: "My account", access: "signed-in" }), async (c) => c.json({ user: publicUser(await currentUser(c)) }))
  .patch(
    "/",
    doc({ summary: "改我的姓名或所在单位", summaryEn: "Change my name or unit", access: "signed-in" }),
    valid("json", z.strictObject({ name: z.optional(oneLineText(20, { required: true })), orgUnit: z.optional(z.string().check(z.maxLength(40))) })),
    async (c) => {
      const change = c.req.valid("json");
      const { db } = c.var.deps;
      if (change.orgUnit && !(await orgUnitIds(db)).has(change.orgUnit)) fail("VALIDATION", { fields: { orgUnit: "FIELD_ORG_UNIT" } });
      return c.json({ user: publicUser(await updateProfile(db, c.var.userId!, change)) });
    },
  )
  .get("/registrations", doc({ summary: "我的报名", summaryEn: "My registrations", access: "signed-in" }), valid("query", listQuery), async (c) => {
    const { db } = c.var.deps;
    const { limit, cursor } = c.req.valid("query");
    const page = await Registration.listMine(db, c.var.userId!, limit, decodeCursor(cursor));
    return c.json({ items: page.items, cursor: encodeCursor(page.next) });
  })
  .get("/notices", doc({ summary: "平台发给我的消息", summaryEn: "Messages the platform sent me", access: "signed-in" }), valid("query", listQuery), async (c) => {
    const { db, publicUrl } = c.var.deps;
    const { limit, cursor } = c.req.valid("query");
    // A notice not yet sent shows the words it will carry, link included.
    const origin = publicUrl ?? requestOrigin(c.req.url, c.req.header("host"), c.req.header("x-forwarded-proto"));
    const page = await Outbox.listNotices(db, c.var.userId!, limit, decodeCursor(cursor), { publicUrl: origin });
    return c.json({ items: page.items, cursor: encodeCursor(page.next) });
  });
