import { Hono } from "hono";
import * as z from "zod/mini";
import * as Entries from "@jinguo/core/entries";
import { multiLineText } from "@jinguo/core/forms";
import type { AppEnv } from "../env.ts";
import { valid, encodeCursor, decodeCursor } from "../validate.ts";
import { currentOrganiser, requireUser } from "../middleware/auth.ts";
import { doc } from "../openapi.ts";
import { listQuery } from "./list-query.ts";

/** Why an entry is rejected or sent back: she reads it, so in words, and not too long. */
const reasonBody = z.strictObject({ reason: multiLineText(500, { required: true }) });

const reviewDoc = (summary: string, summaryEn: string) =>
  doc({ summary, summaryEn, access: "manager", description: "Organisers of the entry's unit or of the campaign's unit (or a unit above either), and admins." });

// The review queue, mounted under /admin beside admin.ts (one sub-app per resource).
export const adminEntries = new Hono<AppEnv>()
  .use(requireUser)
  .get(
    "/campaigns/:id/entries",
    doc({
      summary: "审核报名材料：按状态列出（只看自己管的单位）",
      summaryEn: "Entries by status, for review (only the units she manages)",
      access: "manager",
      description: "Default status: submitted (the review queue). Personal answers are masked.",
    }),
    valid("query", z.extend(listQuery, { status: z._default(z.enum(Entries.entryStatuses), "submitted") })),
    async (c) => {
      const user = await currentOrganiser(c);
      const q = c.req.valid("query");
      const page = await Entries.listForReview(c.var.deps.db, user, c.req.param("id"), q.status, { limit: q.limit, cursor: decodeCursor(q.cursor) });
      return c.json({ items: page.items, cursor: encodeCursor(page.next) });
    },
  )
  .get(
    "/campaigns/:id/quotas",
    doc({
      summary: "推荐名额：各单位用了几个、还剩几个",
      summaryEn: "Nomination quotas: used and left, unit by unit",
      access: "organiser",
      description: "The unit asked for (default: the campaign's, or hers within it) and the units directly below it; `quota` null is unlimited.",
    }),
    valid("query", z.object({ unit: z.optional(z.string().check(z.maxLength(40))) })),
    async (c) => {
      const user = await currentOrganiser(c);
      return c.json(await Entries.quotaUsage(c.var.deps.db, user, c.req.param("id"), c.req.valid("query").unit));
    },
  )
  .post("/entries/:id/approve", reviewDoc("审核通过", "Approve an entry"), async (c) => {
    const user = await currentOrganiser(c);
    const { entry, campaign } = await Entries.approve(c.var.deps.db, c.var.deps.clock, user, c.req.param("id"));
    return c.json({ entry: Entries.organiserView(campaign, entry) });
  })
  .post("/entries/:id/reject", reviewDoc("审核不通过（写明原因）", "Reject an entry, saying why"), valid("json", reasonBody), async (c) => {
    const user = await currentOrganiser(c);
    const { entry, campaign } = await Entries.reject(c.var.deps.db, c.var.deps.clock, user, c.req.param("id"), c.req.valid("json").reason);
    return c.json({ entry: Entries.organiserView(campaign, entry) });
  })
  .post("/entries/:id/request-changes", reviewDoc("退回修改（写明要改什么）", "Send an entry back for changes, saying what"), valid("json", reasonBody), async (c) => {
    const user = await currentOrganiser(c);
    const { entry, campaign } = await Entries.requestChanges(c.var.deps.db, c.var.deps.clock, user, c.req.param("id"), c.req.valid("json").reason);
    return c.json({ entry: Entries.organiserView(campaign, entry) });
  });
