import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import * as Campaigns from "@jinguo/core/campaigns";
import * as Judging from "@jinguo/core/judging";
import * as Audit from "@jinguo/core/audit";
import { getUser, organiserScopes, canManage, publicUser, type User } from "@jinguo/core/identity";
import { isMobilePhone, oneLineText } from "@jinguo/core/forms";
import { covers, orgUnitIds } from "@jinguo/core/org-units";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { currentOrganiser, mustManage, requireUser } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";

// The rubric as the arithmetic takes it, its labels cleaned like every text an organiser writes
// (they are shown to every judge and printed on the ranking).
const rubric = z.extend(Judging.rubricSchema, {
  criteria: z
    .array(z.extend(Judging.criterionSchema, { label: oneLineText(200, { required: true }), labelEn: z.optional(oneLineText(200)) }))
    .check(
      z.minLength(1),
      z.maxLength(30),
      z.refine((cs) => new Set(cs.map((c) => c.key)).size === cs.length, { message: "criterion keys must differ" }),
    ),
});

const newRound = z.strictObject({
  name: oneLineText(100, { required: true }),
  nameEn: z.optional(oneLineText(200)),
  orgUnit: z.optional(z.string().check(z.maxLength(40))),
  rubric,
  advance: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10_000))),
  from: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(200))),
});

/** What organisers see of a round: as stored, less the closing lease, with the rubric's most. */
const roundView = (r: Judging.Round) => {
  const { closingToken, closingSince, ...round } = r as Judging.Round & { closingToken?: string; closingSince?: string };
  return { ...round, max: Judging.rubricMax(r.rubric) };
};

const judgeView = (j: Judging.RoundJudge, user: User | undefined) => ({
  userId: j.userId,
  judge: Judging.judgeLabel(user),
  ...(user ? { phone: publicUser(user).phone } : {}),
  ...(user?.name ? { name: user.name } : {}),
  invitedAt: j.invitedAt,
  submitted: !!j.submittedAt,
  ...(j.submittedAt ? { submittedAt: j.submittedAt } : {}),
});

const audit = (c: Context<AppEnv>, user: User, campaignId: string, action: string, target?: string, details?: Record<string, unknown>) =>
  Audit.record(c.var.deps.db, c.var.deps.clock, { campaignId, actorId: user.id, action, target, details });

/**
 * The campaign, for an organiser who runs rounds in it: she manages its unit, or a unit inside
 * it (a county runs its heat of the province's contest). 404 when it does not exist, 403 else.
 */
async function campaignForRounds(c: Context<AppEnv>, id: string) {
  const user = await currentOrganiser(c);
  const campaign = (await Campaigns.getCampaign(c.var.deps.db, id)) ?? fail("CAMPAIGN_NOT_FOUND");
  if (!canManage(user, campaign.orgUnit) && !organiserScopes(user).some((s) => covers(campaign.orgUnit, s))) fail("FORBIDDEN");
  return { user, campaign };
}

/** The round, if she runs its unit: 404 when it does not exist, 403 when it is another unit's. */
async function managedRound(c: Context<AppEnv>, roundId: string) {
  const user = await currentOrganiser(c);
  const round = (await Judging.getRound(c.var.deps.db, roundId)) ?? fail("ROUND_NOT_FOUND");
  mustManage(user, round.orgUnit);
  return { user, round };
}

/** Judges by name (or masked number) for ranking lines; those taken off the round too. */
async function judgeNames(c: Context<AppEnv>, results: Judging.RoundResult[]) {
  const ids = [...new Set(results.flatMap((r) => [...r.scores.map((s) => s.judgeId), ...r.recused]))];
  const users = await Promise.all(ids.map((id) => getUser(c.var.deps.db, id)));
  const names = new Map(ids.map((id, i) => [id, Judging.judgeLabel(users[i])]));
  return (id: string) => names.get(id) ?? "—";
}

async function rankingItems(c: Context<AppEnv>, results: Judging.RoundResult[]) {
  const name = await judgeNames(c, results);
  return results.map((r) => Judging.rankingLine(r, name));
}

export const adminRounds = new Hono<AppEnv>()
  .post(
    "/campaigns/:id/rounds",
    doc({ summary: "新建评审轮次（评分细则、晋级名额、上一轮）", summaryEn: "Create a judging round", access: "manager", status: 201 }),
    requireUser,
    idempotent,
    valid("json", newRound),
    async (c) => {
      const { user, campaign } = await campaignForRounds(c, c.req.param("id"));
      const input = c.req.valid("json");
      const orgUnit = input.orgUnit ?? campaign.orgUnit;
      if (!(await orgUnitIds(c.var.deps.db)).has(orgUnit)) fail("VALIDATION", { fields: { orgUnit: "FIELD_ORG_UNIT" } });
      mustManage(user, orgUnit);
      const { db, clock } = c.var.deps;
      const round = await Judging.createRound(db, clock, campaign, { ...input, orgUnit }, user.id);
      await audit(c, user, campaign.id, "round.create", round.id);
      return c.json({ round: roundView(round) }, 201);
    },
  )
  .get(
    "/campaigns/:id/rounds",
    doc({ summary: "活动的评审轮次", summaryEn: "A campaign's rounds (those she runs)", access: "manager" }),
    requireUser,
    async (c) => {
      const { user, campaign } = await campaignForRounds(c, c.req.param("id"));
      const rounds = await Judging.listRounds(c.var.deps.db, campaign.id);
      return c.json({ items: rounds.filter((r) => canManage(user, r.orgUnit)).map(roundView), cursor: null });
    },
  )
  .get("/rounds/:roundId", doc({ summary: "一个评审轮次", summaryEn: "One round", access: "manager" }), requireUser, async (c) => {
    const { round } = await managedRound(c, c.req.param("roundId"));
    return c.json({ round: { ...roundView(round), waitingFor: await Judging.waitingFor(c.var.deps.db, round) } });
  })
  .post(
    "/rounds/:roundId/judges",
    doc({ summary: "按手机号邀请评委", summaryEn: "Invite a judge by mobile number (an account is made if needed)", access: "manager", status: 201 }),
    requireUser,
    idempotent,
    valid("json", z.strictObject({ phone: z.string().check(z.refine(isMobilePhone)) })),
    async (c) => {
      const { user, round } = await managedRound(c, c.req.param("roundId"));
      const { db, clock } = c.var.deps;
      const { judge, user: invited, created } = await Judging.inviteJudge(db, clock, round, c.req.valid("json").phone, user.id);
      if (created) await audit(c, user, round.campaignId, "round.judge_invite", round.id, { judgeId: invited.id });
      return c.json({ judge: judgeView(judge, invited) }, created ? 201 : 200);
    },
  )
  .get("/rounds/:roundId/judges", doc({ summary: "本轮的评委", summaryEn: "The round's judges (numbers masked)", access: "manager" }), requireUser, async (c) => {
    const { round } = await managedRound(c, c.req.param("roundId"));
    const judges = await Judging.listJudges(c.var.deps.db, round.id);
    const users = await Judging.judgesWithUsers(c.var.deps.db, judges);
    return c.json({ items: judges.map((j) => judgeView(j, users.get(j.userId))), cursor: null });
  })
  .delete(
    "/rounds/:roundId/judges/:userId",
    doc({ summary: "移除还没打分的评委", summaryEn: "Take a judge off the round (only before she gave any score)", access: "manager", status: 204 }),
    requireUser,
    async (c) => {
      const { user, round } = await managedRound(c, c.req.param("roundId"));
      await Judging.removeJudge(c.var.deps.db, round, c.req.param("userId"));
      await audit(c, user, round.campaignId, "round.judge_remove", round.id, { judgeId: c.req.param("userId") });
      return c.body(null, 204);
    },
  )
  .get(
    "/rounds/:roundId/progress",
    doc({ summary: "评分进度", summaryEn: "Progress: per judge scored / recused / submitted, per entry how many scores", access: "manager" }),
    requireUser,
    async (c) => {
      const { round } = await managedRound(c, c.req.param("roundId"));
      const { db } = c.var.deps;
      const progress = await Judging.roundProgress(db, round);
      const users = await Judging.judgesWithUsers(db, progress.judges.map((j) => j.judge));
      return c.json({
        round: roundView(round),
        ...progress,
        judges: progress.judges.map((j) => ({ ...judgeView(j.judge, users.get(j.judge.userId)), scored: j.scored, recused: j.recused })),
      });
    },
  )
  .post(
    "/rounds/:roundId/close",
    doc({
      summary: "结束本轮，算出排名",
      summaryEn: "Close the round and compute its ranking",
      access: "manager",
      description: "需要每位评委给每个作品打分（或回避）；force: true 强制结束，记入操作日志 · Needs every judge's score or recusal; force: true closes anyway (audit-logged)",
    }),
    requireUser,
    valid("json", z.strictObject({ force: z.optional(z.boolean()) })),
    async (c) => {
      const { user, round } = await managedRound(c, c.req.param("roundId"));
      const { db, clock } = c.var.deps;
      const force = c.req.valid("json").force === true;
      const outcome = await Judging.closeRound(db, clock, round, { force, actorId: user.id });
      if (!outcome.already) {
        const missing = outcome.missing.reduce((n, m) => n + m.entries.length, 0);
        await audit(c, user, round.campaignId, outcome.forced ? "round.force_close" : "round.close", round.id, {
          entries: outcome.results.length,
          ...(outcome.forced ? { missingScores: missing, judgesMissing: outcome.missing.map((m) => m.judgeId) } : {}),
        });
      }
      return c.json({ round: roundView(outcome.round), forced: outcome.forced, items: await rankingItems(c, outcome.results) });
    },
  )
  .get(
    "/rounds/:roundId/ranking",
    doc({ summary: "本轮排名（每位评委的总分，去掉的分）", summaryEn: "The round's ranking: each judge's total, the dropped ones, who advances", access: "manager" }),
    requireUser,
    async (c) => {
      const { round } = await managedRound(c, c.req.param("roundId"));
      const { provisional, results } = await Judging.ranking(c.var.deps.db, round);
      return c.json({ round: roundView(round), provisional, items: await rankingItems(c, results) });
    },
  )
  .post(
    "/campaigns/:id/results/publish",
    doc({ summary: "公布结果，开始公示", summaryEn: "Publish the final round's results and start the publicity period", access: "manager" }),
    requireUser,
    async (c) => {
      const user = await currentOrganiser(c);
      const { db, clock } = c.var.deps;
      const campaign = (await Campaigns.getCampaign(db, c.req.param("id"))) ?? fail("CAMPAIGN_NOT_FOUND");
      mustManage(user, campaign.orgUnit);
      const published = await Judging.publishResults(db, clock, campaign, user.id);
      if (!published.already) {
        await audit(c, user, campaign.id, "results.publish", published.round.id, { publicityEndsAt: published.publicityEndsAt ?? null });
      }
      return c.json({
        results: { status: published.status, ...(published.publicityEndsAt ? { publicityEndsAt: published.publicityEndsAt } : {}), round: roundView(published.round) },
      });
    },
  );
