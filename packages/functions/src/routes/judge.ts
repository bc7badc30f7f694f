import { Hono } from "hono";
import * as z from "zod/mini";
import * as Campaigns from "@jinguo/core/campaigns";
import * as Judging from "@jinguo/core/judging";
import { multiLineText } from "@jinguo/core/forms";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { requireUser } from "../middleware/auth.ts";

const scoreBody = z.strictObject({
  // Each criterion's value is checked against the rubric (checkScores), which names each one.
  criteria: z.record(z.string().check(z.maxLength(40)), z.unknown()),
  comment: z.optional(multiLineText(1000)),
});

const recuseBody = z.strictObject({ reason: multiLineText(500, { required: true }) });

/** What a judge sees of a round: its rubric, not who runs it. */
const roundForJudge = (round: Judging.Round, campaign: Campaigns.Campaign | undefined, judge: Judging.RoundJudge) => ({
  id: round.id,
  name: round.name,
  ...(round.nameEn ? { nameEn: round.nameEn } : {}),
  campaignId: round.campaignId,
  ...(campaign ? { campaignTitle: campaign.title } : {}),
  status: round.status,
  rubric: round.rubric,
  max: Judging.rubricMax(round.rubric),
  submitted: !!judge.submittedAt,
  ...(judge.submittedAt ? { submittedAt: judge.submittedAt } : {}),
});

const recordView = (r: Judging.ScoreRecord) =>
  r.kind === "score"
    ? { entryId: r.entryId, kind: r.kind, criteria: r.criteria, total: r.total, ...(r.comment ? { comment: r.comment } : {}), savedAt: r.savedAt }
    : { entryId: r.entryId, kind: r.kind, reason: r.reason, savedAt: r.savedAt };

// A judge sees only her rounds: every route finds the round through her own assignment, and
// anything else (another round, another campaign's, none) is ROUND_NOT_FOUND.
export const judging = new Hono<AppEnv>()
  .use(requireUser)
  .get("/assignments", doc({ summary: "我要评的轮次和进度", summaryEn: "The rounds assigned to me, with progress", access: "signed-in" }), async (c) => {
    const { db } = c.var.deps;
    const assignments = await Judging.assignmentsOf(db, c.var.userId!);
    const items = await Promise.all(
      assignments.map(async (a) => {
        const round = await Judging.getRound(db, a.roundId);
        if (!round) return undefined;
        const campaign = await Campaigns.getCampaignRecent(db, round.campaignId);
        return { round: roundForJudge(round, campaign, a), progress: await Judging.judgeProgress(db, round, a) };
      }),
    );
    return c.json({ items: items.filter((i) => i !== undefined), cursor: null });
  })
  .get(
    "/rounds/:roundId/entries",
    doc({ summary: "本轮要评的作品和我的打分", summaryEn: "The entries I score (anonymised in a blind round), with my saved scores", access: "judge" }),
    async (c) => {
      const { db } = c.var.deps;
      const { round, judge } = await Judging.judgedRound(db, c.req.param("roundId"), c.var.userId!);
      const campaign = (await Campaigns.getCampaignRecent(db, round.campaignId)) ?? fail("ROUND_NOT_FOUND");
      const lines = await Judging.scoreSheet(db, round, judge.userId, campaign.form);
      const shown = new Set(Judging.judgeFields(campaign.form, round.rubric.blind).map((f) => f.key));
      return c.json({
        round: roundForJudge(round, campaign, judge),
        // The questions of the answers shown, for their labels.
        fields: campaign.form.fields
          .filter((f) => shown.has(f.key))
          .map((f) => ({ key: f.key, label: f.label, ...(f.labelEn ? { labelEn: f.labelEn } : {}), type: f.type })),
        items: lines.map((l) => ({ ...l, mine: l.mine ? recordView({ ...l.mine, entryId: l.entryId } as Judging.ScoreRecord) : null })),
        cursor: null,
      });
    },
  )
  .put(
    "/rounds/:roundId/entries/:entryId/score",
    doc({ summary: "保存我对一个作品的打分", summaryEn: "Save my score of one entry (replaces what I saved before)", access: "judge" }),
    valid("json", scoreBody),
    async (c) => {
      const { db, clock } = c.var.deps;
      const { round, judge } = await Judging.judgedRound(db, c.req.param("roundId"), c.var.userId!);
      const record = await Judging.saveScore(db, clock, round, judge.userId, c.req.param("entryId"), c.req.valid("json"));
      return c.json({ score: recordView(record) });
    },
  )
  .post(
    "/rounds/:roundId/entries/:entryId/recuse",
    doc({ summary: "回避一个作品（有利益关系）", summaryEn: "Recuse myself from one entry (conflict of interest)", access: "judge" }),
    valid("json", recuseBody),
    async (c) => {
      const { db, clock } = c.var.deps;
      const { round, judge } = await Judging.judgedRound(db, c.req.param("roundId"), c.var.userId!);
      const record = await Judging.recuse(db, clock, round, judge.userId, c.req.param("entryId"), c.req.valid("json").reason);
      return c.json({ recusal: recordView(record) });
    },
  )
  .post(
    "/rounds/:roundId/submit",
    doc({ summary: "提交本轮打分（提交后不能再改）", summaryEn: "Submit my scores of the round: they are locked after", access: "judge" }),
    async (c) => {
      const { db, clock } = c.var.deps;
      const found = await Judging.judgedRound(db, c.req.param("roundId"), c.var.userId!);
      const submitted = await Judging.submitRound(db, clock, found.round, found.judge);
      const campaign = await Campaigns.getCampaignRecent(db, found.round.campaignId);
      return c.json({ round: roundForJudge(found.round, campaign, submitted) });
    },
  );
