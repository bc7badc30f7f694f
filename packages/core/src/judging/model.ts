import type { Rubric } from "./scoring.ts";

/**
 * A judging stage (初赛/复赛/决赛) owned by an org unit. Open while judges score; "closing" only
 * for the moment its ranking is being computed (no score can land then), closed after.
 */
export type RoundStatus = "open" | "closing" | "closed";

export interface Round {
  id: string;
  campaignId: string;
  name: string;
  nameEn?: string;
  /** its organisers (and those above) run it; without `from` it holds the approved entries of this unit and below */
  orgUnit: string;
  rubric: Rubric;
  /** how many go on to the rounds that follow it (ties at the cut all go) */
  advance?: number;
  /** the rounds it follows: it holds exactly what advanced from them */
  from?: string[];
  status: RoundStatus;
  createdAt: string;
  createdBy: string;
  closedAt?: string;
  closedBy?: string;
  /** closed without every score (audit-logged) */
  forced?: boolean;
  /** entries frozen into its results at close */
  entryCount?: number;
  /** set on the campaign's final round when its results are made public */
  publishedAt?: string;
  publishedBy?: string;
  /** the end of 公示: after it the published results are final */
  publicityEndsAt?: string;
}

/** A judge of a round; also her assignment (gsi1), so she finds her rounds in one Query. */
export interface RoundJudge {
  roundId: string;
  campaignId: string;
  userId: string;
  invitedAt: string;
  invitedBy: string;
  /** she submitted the round: her scores are locked */
  submittedAt?: string;
}

/**
 * What one judge did with one entry of one round — one item by key, so a resave replaces it:
 * a score, or her recusal (回避), which replaces any score she gave before.
 */
export type ScoreRecord = {
  roundId: string;
  judgeId: string;
  entryId: string;
  savedAt: string;
} & (
  | { kind: "score"; criteria: Record<string, number>; total: number; comment?: string }
  | { kind: "recusal"; reason: string }
);

/** One entry's line of a closed round, as computed at close (frozen: later changes do not move it). */
export interface RoundResult {
  roundId: string;
  campaignId: string;
  entryId: string;
  title: string;
  orgUnit: string;
  /** null when no judge's total counts (all recused, or a forced close without any score) */
  rank: number | null;
  /** the aggregate, exact; shown to 2 decimals */
  score: number | null;
  advances: boolean;
  /** advances only because it tied with the last place through */
  tiedAtCut: boolean;
  /** trimmed mean with fewer than 3 totals: it is the plain mean */
  fellBack: boolean;
  scores: { judgeId: string; total: number; dropped: boolean }[];
  recused: string[];
  /** place in the ranking as listed, from 0 (ties by entry id) */
  position: number;
}
