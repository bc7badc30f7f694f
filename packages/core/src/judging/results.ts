import { updateItem, isConditionFailed, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import { currentPhase, getCampaignRecent, hasCapability, openPhase, type Campaign } from "../campaigns/index.ts";
import { totals } from "../voting/index.ts";
import { rank, rankedScore, rubricMax } from "./scoring.ts";
import { getRound, listRounds, strip } from "./rounds.ts";
import { readResults } from "./close.ts";
import { unresolvedObjections } from "./objections.ts";
import {
  forget,
  lineAttribute,
  publicityEnd,
  publicLines,
  publicStatus,
  publishedRound,
  type PublicLine,
  type PublishedRound,
  type ResultsMode,
  type Shown,
} from "./publication.ts";
import type { Round } from "./model.ts";

export { publicStatus, type PublicLine, type PublishedRound, type ResultsMode } from "./publication.ts";

/** The campaign's valid and voided votes per entry (`@jinguo/core/voting`'s `totals`; tests pass their own). */
export type VoteTotals = (db: Db, campaignId: string) => Promise<Map<string, { votes: number; voided: number }>>;

// ---- the arithmetic: pure ----

export interface Weights {
  judges: number;
  public: number;
}

/** What every combined figure of one list is computed from. */
export interface Basis {
  weights: Weights;
  /** the rubric's most (rubricMax): a judge score is a percentage of it */
  judgeMax: number;
  /** the most valid votes any listed entry has: votes are a percentage of it */
  topVotes: number;
}

/**
 * weights.judges × the judge score as a percentage of the rubric's most + weights.public × the
 * votes as a percentage of the most-voted entry's (0 when nobody voted), to 2 decimals as
 * scores are ranked and shown. It is computed from the judge score as shown (2 decimals), so
 * anyone can check it from the published figures.
 */
export function combinedScore(judgeScore: number, votes: number, basis: Basis): number {
  const judges = basis.judgeMax > 0 ? (judgeScore / basis.judgeMax) * 100 : 0;
  const publicShare = basis.topVotes > 0 ? (votes / basis.topVotes) * 100 : 0;
  return rankedScore(basis.weights.judges * judges + basis.weights.public * publicShare);
}

/** An entry the judges ranked, with its votes when the campaign has voting. */
export interface Standing {
  entryId: string;
  /** the judges' aggregate, as shown (rankedScore) */
  judgeScore: number;
  votes?: number;
  voided?: number;
}

/**
 * The published list: by the judges' score, or by combined where the campaign declares weights;
 * shared ranks for figures equal to 2 decimals (scoring.ts's rank), ties listed by entry id.
 * Votes count only among the entries listed: the most-voted of them sets 100%.
 */
export function rankStandings(
  mode: ResultsMode,
  standings: readonly Standing[],
  opts: { weights?: Weights; judgeMax?: number } = {},
): { lines: (PublicLine & { entryId: string })[]; basis?: Basis } {
  const withVotes = mode !== "judges";
  const basis =
    mode === "combined"
      ? { weights: required(opts.weights, "weights"), judgeMax: required(opts.judgeMax, "judgeMax"), topVotes: Math.max(0, ...standings.map((s) => s.votes ?? 0)) }
      : undefined;
  const figured = standings.map((s) => ({
    entryId: s.entryId,
    judgeScore: s.judgeScore,
    ...(withVotes ? { votes: s.votes ?? 0, voidedVotes: s.voided ?? 0 } : {}),
    ...(basis ? { combined: combinedScore(s.judgeScore, s.votes ?? 0, basis) } : {}),
  }));
  const ranked = rank(figured.map((f) => ({ ...f, score: f.combined ?? f.judgeScore })));
  return { lines: ranked.map(({ score, ...line }, position) => ({ ...line, position })), ...(basis ? { basis } : {}) };
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new RangeError(`combined results need ${name}`);
  return value;
}

/** Judges only (a contest); votes shown beside their score (voting, no weights); or combined. */
export function resultsMode(campaign: Pick<Campaign, "kind" | "weights">): ResultsMode {
  if (!hasCapability(campaign, "voting")) return "judges";
  return campaign.weights ? "combined" : "judges_votes";
}

// ---- publishing ----

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

/** Writes this many result items at once. */
const WRITE_CONCURRENCY = 8;

/**
 * Freezes the public list of a closed round: the ranked entries with their votes counted now,
 * each line written to its result item under a new token. Nothing public changes until the
 * round names the token (so a list is never seen half-written, and two publishers at once never
 * mix their lines: the one whose round update wins is the list).
 */
async function freeze(
  db: Db,
  clock: Clock,
  campaign: Campaign,
  round: Round,
  actorId: string,
  voteTotals: VoteTotals,
  rules: { mode: ResultsMode; weights?: Weights } = { mode: resultsMode(campaign), weights: campaign.weights },
): Promise<Shown> {
  const { mode, weights } = rules;
  const results = await readResults(db, round.id);
  const votes = mode === "judges" ? new Map<string, { votes: number; voided: number }>() : await voteTotals(db, campaign.id);
  const standings = results
    .filter((r) => r.rank !== null && r.score !== null)
    .map((r) => ({ entryId: r.entryId, judgeScore: rankedScore(r.score!), votes: votes.get(r.entryId)?.votes ?? 0, voided: votes.get(r.entryId)?.voided ?? 0 }));
  const { lines, basis } = rankStandings(mode, standings, { weights, judgeMax: rubricMax(round.rubric) });
  const token = newId("s");
  const attribute = lineAttribute(token);
  let next = 0;
  async function worker() {
    for (let i = next++; i < lines.length; i = next++) {
      const { entryId, ...line } = lines[i]!;
      await updateItem(db, {
        key: keys.roundResult(round.id, entryId),
        update: "SET #line = :line",
        condition: "attribute_exists(pk)",
        names: { "#line": attribute },
        values: { ":line": line },
      });
    }
  }
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, lines.length) }, worker));
  return { token, at: clock.now().toISOString(), by: actorId, mode, ...(basis ? { weights: basis.weights, judgeMax: basis.judgeMax, topVotes: basis.topVotes } : {}) };
}

export interface PublishedResults {
  round: PublishedRound;
  status: "publicity" | "final";
  publicityEndsAt?: string;
  /** it had been published before: nothing changed */
  already: boolean;
}

/**
 * Makes the final round's ranking public and starts 公示: the list is frozen now (judges' scores
 * as closed, votes as counted at this moment: votes voided later do not move it until the
 * organiser refreshes it), the campaign's publicity phase is opened now (unless it is open
 * already) and the organiser finalises after its end. A campaign without a publicity phase
 * publishes them final at once. Publishing again changes nothing.
 */
export async function publishResults(
  db: Db,
  clock: Clock,
  campaign: Campaign,
  actorId: string,
  voteTotals: VoteTotals = totals,
): Promise<PublishedResults> {
  if (!hasCapability(campaign, "rounds") || !hasCapability(campaign, "results")) fail("NO_ROUNDS");
  const final = finalRound(await listRounds(db, campaign.id)) as PublishedRound;
  if (final.publishedAt) return { round: final, ...statusOf(campaign, final, clock), already: true };
  const shown = await freeze(db, clock, campaign, final, actorId, voteTotals);
  let current = campaign;
  if (campaign.phases.some((p) => p.name === "publicity") && currentPhase(campaign.phases, clock.now()) !== "publicity") {
    current = await openPhase(db, clock, campaign.id, "publicity");
  }
  const publicityEndsAt = current.phases.find((p) => p.name === "publicity")?.closesAt;
  const at = clock.now().toISOString();
  try {
    const round = await updateItem<PublishedRound & { pk: string; sk: string }>(db, {
      key: keys.round(final.id),
      update: [
        "SET publishedAt = :at, publishedBy = :by, #shown = :shown",
        // No 公示: final the moment it is public.
        publicityEndsAt ? "publicityEndsAt = :ends" : "finalisedAt = :at, finalisedBy = :by",
      ].join(", "),
      condition: "#status = :closed AND attribute_not_exists(publishedAt)",
      names: { "#status": "status", "#shown": "shown" },
      values: { ":closed": "closed", ":at": at, ":by": actorId, ":shown": shown, ...(publicityEndsAt ? { ":ends": publicityEndsAt } : {}) },
    });
    forget(db, campaign.id);
    const published = strip<PublishedRound>(round);
    return { round: published, ...statusOf(current, published, clock), already: false };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    // Another organiser published it a moment ago: hers is the list.
    const now = (await getRound(db, final.id)) as PublishedRound | undefined;
    if (now?.publishedAt) return { round: now, ...statusOf(current, now, clock), already: true };
    return fail("ROUND_NOT_READY", { waitingFor: [final.id] });
  }
}

const statusOf = (campaign: Campaign, round: PublishedRound, clock: Clock) => {
  const { status, publicityEndsAt } = publicStatus(campaign, round, clock.now());
  return { status, ...(publicityEndsAt ? { publicityEndsAt } : {}) };
};

/** The published round as stored now (read by key, not from the listing index): for what changes it. */
async function publishedNow(db: Db, campaignId: string): Promise<PublishedRound> {
  const published = (await publishedRound(db, campaignId)) ?? fail("RESULTS_NOT_PUBLISHED");
  return ((await getRound(db, published.round.id)) as PublishedRound | undefined) ?? fail("RESULTS_NOT_PUBLISHED");
}

/**
 * Counts the votes again and makes that the public list (after votes were voided during 公示,
 * say): only during 公示 — once it has ended, what the public saw is what is finalised. The
 * publicity end does not move (the organiser extends 公示 by the phase if the change needs it).
 * The rules (mode, weights) stay those it was published with. The earlier list stays stored on the result
 * items under its own token.
 */
export async function refreshResults(
  db: Db,
  clock: Clock,
  campaign: Campaign,
  actorId: string,
  voteTotals: VoteTotals = totals,
): Promise<{ round: PublishedRound; previous?: string }> {
  const round = await publishedNow(db, campaign.id);
  if (round.finalisedAt) fail("ALREADY_FINAL");
  if (!publicStatus(campaign, round, clock.now()).objectionsOpen) fail("PUBLICITY_CLOSED", { publicityEndsAt: publicityEnd(campaign, round) ?? null });
  // The rules stay those published: weights changed on the campaign since do not apply to this list.
  const rules = round.shown ? { mode: round.shown.mode, weights: round.shown.weights } : undefined;
  const shown = await freeze(db, clock, campaign, round, actorId, voteTotals, rules);
  const previous = round.shown?.token;
  try {
    const updated = await updateItem<PublishedRound & { pk: string; sk: string }>(db, {
      key: keys.round(round.id),
      update: "SET #shown = :shown",
      condition: `attribute_exists(publishedAt) AND attribute_not_exists(finalisedAt) AND ${previous ? "#shown.#token = :previous" : "attribute_not_exists(#shown)"}`,
      names: { "#shown": "shown", ...(previous ? { "#token": "token" } : {}) },
      values: { ":shown": shown, ...(previous ? { ":previous": previous } : {}) },
    });
    forget(db, campaign.id);
    return { round: strip<PublishedRound>(updated), ...(previous ? { previous } : {}) };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    const now = (await getRound(db, round.id)) as PublishedRound | undefined;
    // Finalised meanwhile, or another refresh landed first (try again to count once more).
    return fail(now?.finalisedAt ? "ALREADY_FINAL" : "BUSY");
  }
}

/**
 * Makes the published results final: after 公示 has ended (NOT_FINAL_YET before; closing the
 * publicity phase by hand ends it early, and `early` says so), once every objection lodged
 * during it has been dealt with (OBJECTIONS_UNRESOLVED). Once only (ALREADY_FINAL).
 */
export async function finaliseResults(
  db: Db,
  clock: Clock,
  campaign: Campaign,
  actorId: string,
): Promise<{ round: PublishedRound; early: boolean; publicityEndsAt?: string }> {
  const round = await publishedNow(db, campaign.id);
  if (round.finalisedAt) fail("ALREADY_FINAL");
  const ends = publicityEnd(campaign, round);
  if (ends && clock.now().getTime() < Date.parse(ends)) fail("NOT_FINAL_YET", { publicityEndsAt: ends });
  const open = await unresolvedObjections(db, campaign.id);
  if (open > 0) fail("OBJECTIONS_UNRESOLVED", { count: open });
  try {
    const updated = await updateItem<PublishedRound & { pk: string; sk: string }>(db, {
      key: keys.round(round.id),
      update: "SET finalisedAt = :at, finalisedBy = :by",
      condition: "attribute_exists(publishedAt) AND attribute_not_exists(finalisedAt)",
      values: { ":at": clock.now().toISOString(), ":by": actorId },
    });
    forget(db, campaign.id);
    const early = !!ends && !!round.publicityEndsAt && Date.parse(ends) < Date.parse(round.publicityEndsAt);
    return { round: strip<PublishedRound>(updated), early, ...(ends ? { publicityEndsAt: ends } : {}) };
  } catch (err) {
    if (isConditionFailed(err)) fail("ALREADY_FINAL");
    throw err;
  }
}

// ---- reading ----

/** What anyone may read once results are published: the frozen list (404 before). */
export async function publicResults(db: Db, clock: Clock, campaignId: string) {
  const campaign = await getCampaignRecent(db, campaignId);
  if (!campaign || campaign.status !== "published") return fail("CAMPAIGN_NOT_FOUND");
  const published = await publishedRound(db, campaignId);
  if (!published) return fail("RESULTS_NOT_PUBLISHED");
  const { round, results } = published;
  const shown = round.shown;
  return {
    roundId: round.id,
    roundName: round.name,
    publishedAt: round.publishedAt!,
    ...publicStatus(campaign, round, clock.now()),
    ...(shown && shown.mode !== "judges" ? { votesCountedAt: shown.at } : {}),
    ...(shown?.weights ? { combination: { weights: shown.weights, judgeMax: shown.judgeMax, topVotes: shown.topVotes } } : {}),
    items: publicLines(round, results).map(({ position, ...line }) => line),
  };
}

