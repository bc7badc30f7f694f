import type { Db } from "../db/index.ts";
import type { Campaign } from "../campaigns/index.ts";
import { rankedScore } from "./scoring.ts";
import { listRounds } from "./rounds.ts";
import { readResults } from "./close.ts";
import type { Round, RoundResult } from "./model.ts";

/**
 * The state of a campaign's published results, shared by results.ts (publish, refresh,
 * finalise, the public list) and objections.ts (which may be lodged only during 公示).
 */

/** How a published list ranks its entries. */
export type ResultsMode =
  /** by the judges' score (a contest) */
  | "judges"
  /** by the judges' score, the votes shown next to it (voting but no declared weights) */
  | "judges_votes"
  /** by weights.judges × judge score % + weights.public × votes % */
  | "combined";

/** One line of the published list as it was frozen when published (or last refreshed). */
export interface PublicLine {
  rank: number;
  /** place in the list, from 0 (ties by entry id) */
  position: number;
  judgeScore: number;
  votes?: number;
  voidedVotes?: number;
  combined?: number;
}

/** What the public list was made with, on the round: which frozen lines are the list, and from what. */
export interface Shown {
  /** the result items' lines are in the attribute `lineAttribute(token)`; each refresh writes a new token */
  token: string;
  at: string;
  by: string;
  mode: ResultsMode;
  /** combined only: the figures every line was computed from, shown so anyone can check them */
  weights?: { judges: number; public: number };
  judgeMax?: number;
  topVotes?: number;
}

export type PublishedRound = Round & {
  shown?: Shown;
  /** the organiser finalised it after 公示 (or at publish, for a campaign without 公示) */
  finalisedAt?: string;
  finalisedBy?: string;
};

/** A result item as stored: the round's line, and the lines of every publication of it. */
export type PublishedResult = RoundResult & Record<string, unknown>;

/** The attribute of a result item holding its line of one publication. */
export const lineAttribute = (token: string) => `line_${token}`;

/**
 * The published list in order. Results published before lines were frozen (no `shown`) are
 * the judges' ranking as closed.
 */
export function publicLines(round: PublishedRound, results: PublishedResult[]): (PublicLine & { entryId: string; title: string })[] {
  const shown = round.shown;
  if (!shown) {
    return results
      .filter((r) => r.rank !== null)
      .map((r, position) => ({ entryId: r.entryId, title: r.title, rank: r.rank!, position, judgeScore: rankedScore(r.score!) }));
  }
  const attribute = lineAttribute(shown.token);
  return results
    .flatMap((r) => {
      const line = r[attribute] as PublicLine | undefined;
      return line ? [{ entryId: r.entryId, title: r.title, ...line }] : [];
    })
    .sort((a, b) => a.position - b.position);
}

/**
 * When 公示 ends: the campaign's publicity phase as it stands now, since organisers move phases
 * by hand (closing it early ends 公示 then; opening it again extends it), else the end frozen at
 * publish. Undefined: no 公示 at all.
 */
export function publicityEnd(campaign: Pick<Campaign, "phases">, round: PublishedRound): string | undefined {
  return campaign.phases.find((p) => p.name === "publicity")?.closesAt ?? round.publicityEndsAt;
}

/** Final once finalised; until then in 公示, objections taken until its end. */
export function publicStatus(campaign: Pick<Campaign, "phases">, round: PublishedRound, now: Date) {
  const ends = publicityEnd(campaign, round);
  const final = !!round.finalisedAt;
  return {
    status: final ? ("final" as const) : ("publicity" as const),
    ...(ends ? { publicityEndsAt: ends } : {}),
    ...(round.finalisedAt ? { finalisedAt: round.finalisedAt } : {}),
    objectionsOpen: !final && !!ends && now.getTime() < Date.parse(ends),
  };
}

// Published results are read by everyone during 公示 and change rarely: a few seconds' staleness
// is fine, and a publish, refresh or finalise through this process drops the entry at once.
const RESULTS_CACHE_MS = 5_000;
type Publication = { round: PublishedRound; results: PublishedResult[] };
const cache = new WeakMap<Db, Map<string, { at: number; value: Publication | undefined }>>();
export const forget = (db: Db, campaignId: string) => cache.get(db)?.delete(campaignId);

/** The campaign's published round (the latest published, should there be more) and its result items. */
export async function publishedRound(db: Db, campaignId: string): Promise<Publication | undefined> {
  let byId = cache.get(db);
  if (!byId) cache.set(db, (byId = new Map()));
  const hit = byId.get(campaignId);
  if (hit && Date.now() - hit.at < RESULTS_CACHE_MS) return hit.value;
  const published = ((await listRounds(db, campaignId)) as PublishedRound[])
    .filter((r) => r.publishedAt)
    .sort((a, b) => (a.publishedAt! < b.publishedAt! ? 1 : -1));
  const round = published[0];
  const value = round ? { round, results: (await readResults(db, round.id)) as PublishedResult[] } : undefined;
  byId.set(campaignId, { at: Date.now(), value });
  return value;
}
