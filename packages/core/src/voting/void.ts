import { getItem, queryAll, transact, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import type { Campaign } from "../campaigns/index.ts";
import type { Actor } from "../identity/index.ts";
import * as Audit from "../audit/index.ts";
import { forgetLeaderboard, totals } from "./board.ts";
import { parseVoteId, voteKey, type Tally, type Vote } from "./model.ts";

/** Lost races on one vote before the organiser is told to try again (BUSY). */
const MAX_ATTEMPTS = 12;
/** Votes voided at the same time. */
const PARALLEL = 8;
/** Vote ids the audit entry lists (it says how many there were). */
const AUDIT_IDS = 500;

type Stored = Vote & { pk: string; sk: string };

export type VoidTarget = { voteIds: string[] } | { voterId: string };

export interface VoidOutcome {
  /** voided by this request */
  voided: string[];
  /** voided before */
  alreadyVoided: string[];
  /** ids that name no vote of this campaign */
  notFound: string[];
  /** the totals of the entries concerned, as the counters now say */
  entries: ({ entryId: string } & Tally)[];
}

/**
 * Voids votes — by id, or every vote of one voter in the campaign — saying why. A voided vote
 * is marked, never deleted (the evidence stays), and moves from `votes` to `voided` in its own
 * counter shard in the same transaction as the mark; her allowance is not given back. The
 * leaderboard is rebuilt from the counters at its next read, and the audit log says who voided
 * what (ids only: the reason stays on the votes, as organisers' words may quote people).
 */
export async function voidVotes(db: Db, clock: Clock, actor: Actor, campaign: Campaign, target: VoidTarget, reason: string): Promise<VoidOutcome> {
  const { found, notFound } = "voterId" in target ? { found: await votesOfVoter(db, campaign.id, target.voterId), notFound: [] } : await votesById(db, campaign.id, target.voteIds);
  const outcome: VoidOutcome = { voided: [], alreadyVoided: [], notFound, entries: [] };
  const at = clock.now().toISOString();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let i = next++; i < found.length; i = next++) {
        const vote = found[i]!;
        if (vote.voidedAt) outcome.alreadyVoided.push(vote.id);
        else outcome[(await voidOne(db, vote, { at, by: actor.id, reason })) ? "voided" : "alreadyVoided"].push(vote.id);
      }
    }),
  );
  if (outcome.voided.length > 0) {
    await forgetLeaderboard(db, campaign.id);
    await Audit.record(db, clock, {
      campaignId: campaign.id,
      actorId: actor.id,
      action: "votes.void",
      target: "voterId" in target ? target.voterId : undefined,
      details: {
        by: "voterId" in target ? "voter" : "vote",
        voided: outcome.voided.length,
        alreadyVoided: outcome.alreadyVoided.length,
        notFound: outcome.notFound.length,
        voteIds: outcome.voided.slice(0, AUDIT_IDS),
      },
    });
  }
  const concerned = new Set(found.map((v) => v.entryId));
  const now = await totals(db, campaign.id);
  outcome.entries = [...concerned].sort().map((entryId) => ({ entryId, ...(now.get(entryId) ?? { votes: 0, voided: 0 }) }));
  return outcome;
}

/** One vote's mark and its counter's move, together; false when it had been voided meanwhile. */
async function voidOne(db: Db, vote: Stored, mark: { at: string; by: string; reason: string }): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const result = await transact(db, [
      {
        update: {
          key: { pk: vote.pk, sk: vote.sk },
          update: "SET voidedAt = :at, voidedBy = :by, voidReason = :reason",
          condition: "attribute_exists(pk) AND attribute_not_exists(voidedAt)",
          values: { ":at": mark.at, ":by": mark.by, ":reason": mark.reason },
        },
      },
      {
        update: {
          key: keys.voteCounterShard(vote.campaignId, vote.shard, vote.entryId),
          update: "ADD #votes :minusOne, #voided :one SET #entryId = :entryId",
          names: { "#votes": "votes", "#voided": "voided", "#entryId": "entryId" },
          values: { ":minusOne": -1, ":one": 1, ":entryId": vote.entryId },
        },
      },
    ]);
    if (result.ok) return true;
    if (result.failed.includes(0)) return false;
  }
  return fail("BUSY");
}

async function votesById(db: Db, campaignId: string, ids: string[]): Promise<{ found: Stored[]; notFound: string[] }> {
  const unique = [...new Set(ids)];
  const read = await Promise.all(
    unique.map(async (id) => {
      const parts = parseVoteId(id);
      if (!parts) return undefined;
      const item = await getItem<Stored>(db, voteKey(campaignId, parts.day, parts.voterId, parts.entryId, parts.ordinal));
      return item && item.id === id && item.campaignId === campaignId ? item : undefined;
    }),
  );
  return { found: read.filter((v): v is Stored => !!v), notFound: unique.filter((_, i) => !read[i]) };
}

/** Every vote of one voter in the campaign, every day (gsi2). */
const votesOfVoter = (db: Db, campaignId: string, voterId: string) =>
  queryAll<Stored>(db, { index: "gsi2", partition: keys.voterVotesPartition(campaignId, voterId) });

// Jittered, growing pauses: racing writers spread out instead of colliding again.
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
