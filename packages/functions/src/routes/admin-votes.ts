import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import * as Campaigns from "@jinguo/core/campaigns";
import * as Voting from "@jinguo/core/voting";
import { multiLineText } from "@jinguo/core/forms";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { currentOrganiser, mustManage, requireUser } from "../middleware/auth.ts";

const isoTime = z.iso.datetime({ offset: true });
const DEFAULT_WINDOW_MS = 24 * 3_600_000;

/** `?from=&to=`: the window of votes reviewed, by default the 24 hours up to now; at most 7 days. */
const windowQuery = z
  .object({ from: z.optional(isoTime), to: z.optional(isoTime) })
  .check(
    z.refine((w) => !w.from || !w.to || Date.parse(w.from) < Date.parse(w.to), { message: "from before to", path: ["from"] }),
    z.refine((w) => !w.from || !w.to || Date.parse(w.to) - Date.parse(w.from) <= Voting.MAX_WINDOW_MS, { message: "at most 7 days", path: ["from"] }),
  );

/** Which votes: by id, or every vote of one voter; and why (kept on each vote). */
const voidBody = z
  .strictObject({
    voteIds: z.optional(z.array(z.string().check(z.regex(Voting.VOTE_ID_PATTERN))).check(z.minLength(1), z.maxLength(500))),
    voterId: z.optional(z.string().check(z.regex(Voting.ID_PATTERN))),
    reason: multiLineText(500, { required: true }),
  })
  .check(z.refine((b) => (b.voteIds === undefined) !== (b.voterId === undefined), { message: "voteIds or voterId, one of them", path: ["voteIds"] }));

/** A campaign that takes votes, if she manages it: 404 when it does not exist, 403 when it is another unit's. */
async function managedVoting(c: Context<AppEnv>, id: string) {
  const user = await currentOrganiser(c);
  const campaign = (await Campaigns.getCampaign(c.var.deps.db, id)) ?? fail("CAMPAIGN_NOT_FOUND");
  mustManage(user, campaign.orgUnit);
  if (!Campaigns.hasCapability(campaign, "voting")) fail("NO_VOTING");
  return { user, campaign };
}

// Fraud review of a campaign's votes, mounted under /admin beside admin.ts (one sub-app per resource).
export const adminVotes = new Hono<AppEnv>()
  .use(requireUser)
  .get(
    "/campaigns/:id/votes/anomalies",
    doc({
      summary: "刷票排查：异常的投票",
      summaryEn: "Fraud review: anomalous votes",
      access: "manager",
      description:
        "Bursts on one entry far above its previous half hour, many new accounts from one network in a short time, voters whose timing is not a person's (near-constant intervals, votes within a second of sign-in). Each with its evidence: counts, vote and voter ids, the time window. `?from=&to=` (default: the last 24 hours; at most 7 days).",
    }),
    valid("query", windowQuery),
    async (c) => {
      const { campaign } = await managedVoting(c, c.req.param("id"));
      const q = c.req.valid("query");
      const now = c.var.deps.clock.now();
      const to = q.to ? new Date(q.to) : now;
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_WINDOW_MS);
      if (to.getTime() - from.getTime() > Voting.MAX_WINDOW_MS || from >= to) fail("VALIDATION", { fields: { from: "FIELD_INVALID" } });
      const review = await Voting.anomalies(c.var.deps.db, campaign.id, from, to);
      return c.json({ ...review, cursor: null });
    },
  )
  .post(
    "/campaigns/:id/votes/void",
    doc({
      summary: "作废投票（按票或按投票人，写明原因）",
      summaryEn: "Void votes, by vote or by voter, saying why",
      access: "manager",
      description:
        "`{ voteIds }` or `{ voterId }` (every vote of hers in the campaign), and `reason`. Votes are marked, never deleted; their counts move from votes to voided; audit-logged; the leaderboard shows the voided next to the valid.",
    }),
    valid("json", voidBody),
    async (c) => {
      const { user, campaign } = await managedVoting(c, c.req.param("id"));
      const body = c.req.valid("json");
      const target: Voting.VoidTarget = body.voterId !== undefined ? { voterId: body.voterId } : { voteIds: body.voteIds! };
      const { db, clock } = c.var.deps;
      return c.json(await Voting.voidVotes(db, clock, user, campaign, target, body.reason));
    },
  );
