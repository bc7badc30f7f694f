import { updateItem, isConditionFailed, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import { currentPhase, getCampaignRecent, hasCapability, openPhase, type Campaign } from "../campaigns/index.ts";
import { rankedScore } from "./scoring.ts";
import { listRounds, strip } from "./rounds.ts";
import { readResults } from "./close.ts";
import type { Round, RoundResult } from "./model.ts";

/**
 * The campaign's final round: the one no other round follows. Publishing needs exactly one, and
 * closed (ROUND_NOT_READY otherwise, saying which).
 */
export function finalRound(rounds: Round[]): Round {
  if (rounds.length === 0) fail("NO_ROUNDS");
  const followed = new Set(rounds.flatMap((r) => r.from ?? []));
  const finals = rounds.filter((r) => !followed.has(r.id));
  if (finals.length !== 1) fail("ROUND_NOT_READY", { finalRounds: finals.map((r) => r.id) });
  const final = finals[0]!;
  if (final.status !== "closed") fail("ROUND_NOT_READY", { waitingFor: [final.id] });
  return final;
}

export interface PublishedResults {
  round: Round;
  status: "publicity" | "final";
  publicityEndsAt?: string;
  /** it had been published before: nothing changed */
  already: boolean;
}

/**
 * Makes the final round's ranking public and starts 公示: the campaign's publicity phase is
 * opened now (unless it is open already) and its end is when the results become final. A
 * campaign without a publicity phase publishes them final at once. Publishing again changes nothing.
 */
export async function publishResults(db: Db, clock: Clock, campaign: Campaign, actorId: string): Promise<PublishedResults> {
  if (!hasCapability(campaign, "rounds") || !hasCapability(campaign, "results")) fail("NO_ROUNDS");
  const final = finalRound(await listRounds(db, campaign.id));
  if (final.publishedAt) return { round: final, ...publicStatus(final, clock.now()), already: true };
  let phases = campaign.phases;
  if (phases.some((p) => p.name === "publicity") && currentPhase(phases, clock.now()) !== "publicity") {
    phases = (await openPhase(db, clock, campaign.id, "publicity")).phases;
  }
  const publicityEndsAt = phases.find((p) => p.name === "publicity")?.closesAt;
  try {
    const round = await updateItem<Round & { pk: string; sk: string }>(db, {
      key: keys.round(final.id),
      update: `SET publishedAt = if_not_exists(publishedAt, :at), publishedBy = if_not_exists(publishedBy, :by)${publicityEndsAt ? ", publicityEndsAt = if_not_exists(publicityEndsAt, :ends)" : ""}`,
      condition: "#status = :closed",
      names: { "#status": "status" },
      values: { ":closed": "closed", ":at": clock.now().toISOString(), ":by": actorId, ...(publicityEndsAt ? { ":ends": publicityEndsAt } : {}) },
    });
    forget(db, campaign.id);
    const published = strip<Round>(round);
    return { round: published, ...publicStatus(published, clock.now()), already: false };
  } catch (err) {
    if (isConditionFailed(err)) fail("ROUND_NOT_READY", { waitingFor: [final.id] });
    throw err;
  }
}

const publicStatus = (round: Round, now: Date) => ({
  status: round.publicityEndsAt && now.getTime() < Date.parse(round.publicityEndsAt) ? ("publicity" as const) : ("final" as const),
  ...(round.publicityEndsAt ? { publicityEndsAt: round.publicityEndsAt } : {}),
});

// Published results are read by everyone during 公示 and change once: a few seconds' staleness
// is fine, and publishing through this process drops the entry at once.
const RESULTS_CACHE_MS = 5_000;
const cache = new WeakMap<Db, Map<string, { at: number; value: { round: Round; results: RoundResult[] } | undefined }>>();
const forget = (db: Db, campaignId: string) => cache.get(db)?.delete(campaignId);

async function publishedRound(db: Db, campaignId: string) {
  let byId = cache.get(db);
  if (!byId) cache.set(db, (byId = new Map()));
  const hit = byId.get(campaignId);
  if (hit && Date.now() - hit.at < RESULTS_CACHE_MS) return hit.value;
  const published = (await listRounds(db, campaignId)).filter((r) => r.publishedAt).sort((a, b) => (a.publishedAt! < b.publishedAt! ? 1 : -1));
  const round = published[0];
  const value = round ? { round, results: await readResults(db, round.id) } : undefined;
  byId.set(campaignId, { at: Date.now(), value });
  return value;
}

/** What anyone may read once results are published: the final ranking (404 before). */
export async function publicResults(db: Db, clock: Clock, campaignId: string) {
  const campaign = await getCampaignRecent(db, campaignId);
  if (!campaign || campaign.status !== "published") return fail("CAMPAIGN_NOT_FOUND");
  const published = await publishedRound(db, campaignId);
  if (!published) return fail("RESULTS_NOT_PUBLISHED");
  const { round, results } = published;
  return {
    roundId: round.id,
    roundName: round.name,
    publishedAt: round.publishedAt!,
    ...publicStatus(round, clock.now()),
    items: results
      .filter((r) => r.rank !== null)
      .map((r) => ({ entryId: r.entryId, title: r.title, rank: r.rank!, judgeScore: rankedScore(r.score!) })),
  };
}
