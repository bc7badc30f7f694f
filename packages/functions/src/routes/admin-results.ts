import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import * as Campaigns from "@jinguo/core/campaigns";
import * as Judging from "@jinguo/core/judging";
import * as Audit from "@jinguo/core/audit";
import { getUser, owns, publicUser, type User } from "@jinguo/core/identity";
import { multiLineText } from "@jinguo/core/forms";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { valid, encodeCursor, decodeCursor } from "../validate.ts";
import { doc } from "../openapi.ts";
import { currentOrganiser, mustManage, requireUser } from "../middleware/auth.ts";
import { listQuery } from "./list-query.ts";

/** The campaign, if she manages it: 404 when it does not exist, 403 when it is another unit's. */
async function managed(c: Context<AppEnv>, id: string) {
  const user = await currentOrganiser(c);
  const campaign = (await Campaigns.getCampaign(c.var.deps.db, id)) ?? fail("CAMPAIGN_NOT_FOUND");
  mustManage(user, campaign.orgUnit);
  return { user, campaign };
}

const audit = (c: Context<AppEnv>, user: User, campaignId: string, action: string, target?: string, details?: Record<string, unknown>) =>
  Audit.record(c.var.deps.db, c.var.deps.clock, { campaignId, actorId: user.id, action, target, details });

/**
 * An objection as organisers read it. The objector's number is always masked; the contact she
 * left is shown whole only to the unit that owns the campaign (it calls her back), masked to
 * the units above, which manage it but do not hold its people's details.
 */
function objectionView(o: Judging.Objection, objector: User | undefined, fullContact: boolean) {
  return {
    id: o.id,
    entryId: o.entryId,
    text: o.text,
    ...(o.contact ? { contact: fullContact ? o.contact : Judging.maskContact(o.contact) } : {}),
    objector: objector ? { phone: publicUser(objector).phone } : null,
    createdAt: o.createdAt,
    status: o.status,
    ...(o.resolution !== undefined ? { resolution: o.resolution, resolvedAt: o.resolvedAt } : {}),
  };
}

export const adminResults = new Hono<AppEnv>()
  .get(
    "/campaigns/:id/objections",
    doc({ summary: "公示期收到的异议", summaryEn: "Objections lodged during the publicity period, newest first (contacts masked unless her unit owns the campaign)", access: "manager" }),
    requireUser,
    valid("query", listQuery),
    async (c) => {
      const { user, campaign } = await managed(c, c.req.param("id"));
      const { limit, cursor } = c.req.valid("query");
      const { db } = c.var.deps;
      const page = await Judging.listObjections(db, campaign.id, limit, decodeCursor(cursor));
      const ids = [...new Set(page.items.map((o) => o.userId))];
      const objectors = new Map(await Promise.all(ids.map(async (id) => [id, await getUser(db, id)] as const)));
      const full = owns(user, campaign.orgUnit);
      return c.json({ items: page.items.map((o) => objectionView(o, objectors.get(o.userId), full)), cursor: encodeCursor(page.next) });
    },
  )
  .post(
    "/campaigns/:id/objections/:objectionId/resolve",
    doc({ summary: "写下异议的处理结果", summaryEn: "Write down how an objection was dealt with (again: replaces it, until the results are final)", access: "manager" }),
    requireUser,
    valid("json", z.strictObject({ resolution: multiLineText(1000, { required: true }) })),
    async (c) => {
      const { user, campaign } = await managed(c, c.req.param("id"));
      const { db, clock } = c.var.deps;
      const objection = await Judging.resolveObjection(db, clock, campaign.id, c.req.param("objectionId"), c.req.valid("json").resolution, user.id);
      await audit(c, user, campaign.id, "objection.resolve", objection.id, { entryId: objection.entryId });
      return c.json({ objection: objectionView(objection, await getUser(db, objection.userId), owns(user, campaign.orgUnit)) });
    },
  )
  .post(
    "/campaigns/:id/results/refresh",
    doc({
      summary: "公示期内重新计票（作废票数之后）",
      summaryEn: "Count the votes again and make that the published list (during the publicity period, e.g. after votes were voided)",
      access: "manager",
    }),
    requireUser,
    async (c) => {
      const { user, campaign } = await managed(c, c.req.param("id"));
      const { db, clock } = c.var.deps;
      const refreshed = await Judging.refreshResults(db, clock, campaign, user.id);
      await audit(c, user, campaign.id, "results.refresh", refreshed.round.id, { list: refreshed.round.shown?.token ?? null, previous: refreshed.previous ?? null });
      const { status, publicityEndsAt } = Judging.publicStatus(campaign, refreshed.round, clock.now());
      return c.json({ results: { status, ...(publicityEndsAt ? { publicityEndsAt } : {}), roundId: refreshed.round.id, votesCountedAt: refreshed.round.shown!.at } });
    },
  )
  .post(
    "/campaigns/:id/results/finalise",
    doc({
      summary: "公示期满后确定最终结果",
      summaryEn: "Make the published results final, after the publicity period (409 before it ends, or while objections are not dealt with)",
      access: "manager",
    }),
    requireUser,
    async (c) => {
      const { user, campaign } = await managed(c, c.req.param("id"));
      const { db, clock } = c.var.deps;
      const finalised = await Judging.finaliseResults(db, clock, campaign, user.id);
      await audit(c, user, campaign.id, "results.finalise", finalised.round.id, {
        early: finalised.early,
        ...(finalised.early ? { plannedEnd: finalised.round.publicityEndsAt ?? null } : {}),
      });
      return c.json({ results: { status: "final", finalisedAt: finalised.round.finalisedAt, roundId: finalised.round.id } });
    },
  );
