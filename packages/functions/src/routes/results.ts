import { Hono } from "hono";
import * as z from "zod/mini";
import * as Judging from "@jinguo/core/judging";
import * as Audit from "@jinguo/core/audit";
import { multiLineText, oneLineText } from "@jinguo/core/forms";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { requireUser } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";

const newObjection = z.strictObject({
  entryId: z.string().check(z.minLength(1), z.maxLength(64)),
  text: multiLineText(1000, { required: true }),
  contact: z.optional(oneLineText(60)),
});

// Mounted at the API root, beside the other public reading.
export const results = new Hono<AppEnv>()
  .get(
    "/campaigns/:id/results",
    doc({
      summary: "公布的结果（公示中或最终）",
      summaryEn: "Published results (publicity or final); 404 before publication",
      access: "public",
      description:
        "评委分和投票按活动的权重合成（合成分 = 评委权重 × 评委分占满分的百分比 + 投票权重 × 票数占最高票的百分比），公布时定下，公示期内不变 · " +
        "Where the campaign has judges, votes and weights: combined = weights.judges × judgeScore as % of the rubric's most + weights.public × votes as % of the most-voted entry's; frozen when published",
    }),
    async (c) => {
      const { db, clock } = c.var.deps;
      return c.json(await Judging.publicResults(db, clock, c.req.param("id")));
    },
  )
  .post(
    "/campaigns/:id/objections",
    doc({
      summary: "公示期内对结果提出异议",
      summaryEn: "Object to an entry of the published results, during the publicity period",
      access: "signed-in",
      status: 201,
      description: "每人每个活动每天最多 5 条 · At most 5 a day per person and campaign (429 beyond)",
      errors: [429],
    }),
    requireUser,
    idempotent,
    valid("json", newObjection),
    async (c) => {
      const { db, clock } = c.var.deps;
      const userId = c.var.userId!;
      const campaignId = c.req.param("id");
      const objection = await Judging.lodgeObjection(db, clock, campaignId, userId, c.req.valid("json"));
      // Ids only: what she wrote stays with the objection.
      await Audit.record(db, clock, { campaignId, actorId: userId, action: "objection.create", target: objection.id, details: { entryId: objection.entryId } });
      return c.json({ objection: { id: objection.id, entryId: objection.entryId, createdAt: objection.createdAt, status: objection.status } }, 201);
    },
  );
