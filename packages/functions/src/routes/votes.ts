import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import * as z from "zod/mini";
import * as Voting from "@jinguo/core/voting";
import { claimMs } from "@jinguo/core/identity";
import { hit } from "@jinguo/core/rate-limit";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { requireUser, sessionClaims } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { clientAddress } from "../client.ts";

/**
 * Votes per client address a minute, beside the per-voter rules (which always hold). Generous:
 * a school or a mobile carrier puts many people behind one address; a script from one machine
 * is what it stops. On in the cloud, off locally unless asked for (API.md).
 */
export const voteClientLimit = { scope: "vote-client", windowSeconds: 60, max: 120 } as const;

const perClient = createMiddleware<AppEnv>(async (c, next) => {
  const { db, clock, secret, rateLimitPerClient } = c.var.deps;
  // Keyed by a keyed hash: the limiter's counters never hold an address either.
  if (rateLimitPerClient && !(await hit(db, clock, voteClientLimit, Voting.clientSubject(secret, clientAddress(c))))) fail("RATE_LIMITED");
  return next();
});

const voteBody = z.strictObject({ entryId: z.string().check(z.regex(Voting.ID_PATTERN)) });

// Mounted at the API root, so the sign-in check goes on each route, not on "*" (that would
// answer 401 for every unknown path after this point).
export const votes = new Hono<AppEnv>()
  .post(
    "/campaigns/:id/votes",
    doc({
      summary: "给一个作品投票（每天有票数限制）",
      summaryEn: "Vote for an entry (a daily allowance)",
      access: "signed-in",
      status: 201,
      errors: [429],
      description:
        "During the campaign's voting phase, for one of its approved entries. 409 ALREADY_VOTED (this entry today), 429 DAILY_LIMIT (today's votes used), 409 PHASE_CLOSED, 429 RATE_LIMITED (per client, where on). The day is the China calendar day; a voided vote does not give the allowance back.",
    }),
    requireUser,
    perClient,
    idempotent,
    valid("json", voteBody),
    async (c) => {
      const { db, clock, secret } = c.var.deps;
      const claims = sessionClaims(c);
      const { vote, remainingToday } = await Voting.castVote(db, clock, {
        campaignId: c.req.param("id"),
        entryId: c.req.valid("json").entryId,
        voterId: c.var.userId!,
        evidence: Voting.voteEvidence(secret, clientAddress(c), c.req.header("user-agent"), claims ? new Date(claimMs(claims.iat)) : undefined),
        requestKey: c.var.idempotencyKey,
      });
      return c.json({ vote: Voting.ownView(vote), remainingToday }, 201);
    },
  )
  .get(
    "/campaigns/:id/leaderboard",
    doc({
      summary: "投票排行（几秒钟更新一次）",
      summaryEn: "The vote leaderboard (a few seconds old at most)",
      access: "public",
      description: "Most votes first; `voidedVotes` beside `votes` where votes were voided. When the campaign hides counts, the entries without them.",
    }),
    async (c) => {
      const { db } = c.var.deps;
      const campaign = await Voting.votingCampaign(db, c.req.param("id"));
      const board = await Voting.leaderboard(db, campaign);
      // The same for everyone and a few seconds old anyway: a shared cache may keep it as long.
      // The CSRF cookie every response sets stays out of it, or a cache would hand one token to all.
      const res = c.json(board);
      res.headers.set("cache-control", "public, max-age=5");
      res.headers.delete("set-cookie");
      return res;
    },
  )
  .get(
    "/me/votes",
    doc({ summary: "我今天的投票（还能投几票）", summaryEn: "My votes today and how many are left", access: "signed-in" }),
    requireUser,
    valid("query", z.object({ campaignId: z.string().check(z.regex(Voting.ID_PATTERN)) })),
    async (c) => {
      const { db, clock } = c.var.deps;
      return c.json(await Voting.myDay(db, clock, c.req.valid("query").campaignId, c.var.userId!));
    },
  );
