import { Hono } from "hono";
import * as z from "zod/mini";
import * as Entries from "@jinguo/core/entries";
import { answersSchema } from "@jinguo/core/forms";
import type { AppEnv } from "../env.ts";
import { valid, encodeCursor, decodeCursor } from "../validate.ts";
import { requireUser } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { doc } from "../openapi.ts";
import { listQuery } from "./list-query.ts";

const entryBody = z.strictObject({ answers: answersSchema });

// Mounted at the API root, so the sign-in check goes on each route, not on "*" (that would
// answer 401 for every unknown path after this point).
export const entries = new Hono<AppEnv>()
  .post(
    "/campaigns/:id/entries",
    doc({
      summary: "交一份报名材料（参赛队伍、推荐对象或故事）",
      summaryEn: "Submit an entry (a team, a nominee or a story)",
      access: "signed-in",
      status: 201,
      description:
        "A nomination (a selection) is made by an organiser of the entry's unit or one above it, within the unit's quota (409 QUOTA_FULL), " +
        "or by anyone where the campaign takes self-nominations (else 403 NOT_NOMINATOR); a nominee once per campaign (409 DUPLICATE_NOMINEE). " +
        "Resident IDs are stored sealed and come back masked.",
    }),
    requireUser,
    idempotent,
    valid("json", entryBody),
    async (c) => {
      const { db, clock, secret } = c.var.deps;
      const entry = await Entries.submitEntry(db, clock, {
        campaignId: c.req.param("id"),
        userId: c.var.userId!,
        answers: c.req.valid("json").answers,
        secret,
        requestKey: c.var.idempotencyKey,
      });
      return c.json({ entry: Entries.ownerView(entry) }, 201);
    },
  )
  .get(
    "/campaigns/:id/entries",
    doc({ summary: "活动里审核通过的作品（只有公开的内容）", summaryEn: "A campaign's approved entries, public fields only", access: "public" }),
    valid("query", listQuery),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await Entries.listPublic(c.var.deps.db, c.req.param("id"), { limit, cursor: decodeCursor(cursor) });
      return c.json({ items: page.items, cursor: encodeCursor(page.next) });
    },
  )
  .get("/entries/:id", doc({ summary: "一份审核通过的作品（只有公开的内容）", summaryEn: "One approved entry, public fields only", access: "public" }), async (c) =>
    c.json({ entry: await Entries.getPublic(c.var.deps.db, c.req.param("id")) }),
  )
  .patch(
    "/entries/:id",
    doc({ summary: "修改我的报名材料（报名期间，审核通过前）", summaryEn: "Change my entry (while intake is open, before approval)", access: "owner" }),
    requireUser,
    valid("json", entryBody),
    async (c) => {
      const { db, clock, secret } = c.var.deps;
      const entry = await Entries.updateEntry(db, clock, { entryId: c.req.param("id"), userId: c.var.userId!, answers: c.req.valid("json").answers, secret });
      return c.json({ entry: Entries.ownerView(entry) });
    },
  )
  .delete("/entries/:id", doc({ summary: "撤回我的报名材料", summaryEn: "Withdraw my entry", access: "owner" }), requireUser, async (c) => {
    const { db, clock } = c.var.deps;
    const entry = await Entries.withdrawEntry(db, clock, c.req.param("id"), c.var.userId!);
    return c.json({ entry: Entries.ownerView(entry) });
  })
  .get(
    "/me/entries",
    doc({ summary: "我交的报名材料（状态和审核意见）", summaryEn: "My entries, with status and the reviewer's reason", access: "signed-in" }),
    requireUser,
    valid("query", listQuery),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const page = await Entries.myEntries(c.var.deps.db, c.var.userId!, { limit, cursor: decodeCursor(cursor) });
      return c.json({ items: page.items, cursor: encodeCursor(page.next) });
    },
  );
