/**
 * The arithmetic of judging: a judge's total over a rubric, a round's aggregate of the totals,
 * the ranking and who advances. Pure functions; rounds, judges and stored scores build on them.
 *
 * Exactness. A judge types scores in steps of 0.1 and an organiser sets weights in steps of 0.01,
 * so everything is done in integers: scores in tenths, weights in hundredths, totals therefore in
 * thousandths. A total is exact, an aggregate is one division of exact integers (so two equal
 * aggregates are the same double, whatever order the totals came in), and 0.1 + 0.2 is 0.3.
 */
import * as z from "zod/mini";
import type { FieldErrorCode } from "../messages/errors.ts";
import { DomainError } from "../errors/index.ts";

export const aggregateKinds = ["mean", "trimmed_mean", "median"] as const;
export type AggregateKind = (typeof aggregateKinds)[number];

/** Within this of a step counts as on it: a typed 8.7 arrives as the nearest double, not 8.7. */
const STEP_TOLERANCE = 1e-7;
/** `value` as a whole number of `1/per`, or undefined when it is off that grid. */
function inSteps(value: number, per: number): number | undefined {
  const units = Math.round(value * per);
  return Math.abs(value * per - units) < STEP_TOLERANCE ? units : undefined;
}
const onGrid = (per: number) => (v: number) => inSteps(v, per) !== undefined;

export const criterionSchema = z.object({
  key: z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/)),
  label: z.string().check(z.minLength(1), z.maxLength(200)),
  labelEn: z.optional(z.string().check(z.maxLength(200))),
  /** A multiplier, in steps of 0.01; weights need not add up to 1 (see judgeTotal). */
  weight: z.number().check(z.positive(), z.lte(100), z.refine(onGrid(100))),
  /** The most a judge may give, in steps of 0.1. */
  max: z.number().check(z.positive(), z.lte(1000), z.refine(onGrid(10))),
});
export type Criterion = z.infer<typeof criterionSchema>;

export const rubricSchema = z.object({
  criteria: z
    .array(criterionSchema)
    .check(
      z.minLength(1),
      z.maxLength(30),
      z.refine((cs) => new Set(cs.map((c) => c.key)).size === cs.length, { message: "criterion keys must differ" }),
    ),
  aggregate: z.enum(aggregateKinds),
  /** Judges see entries without their names (the arithmetic does not care). */
  blind: z.boolean(),
});
export type Rubric = z.infer<typeof rubricSchema>;

/** What the arithmetic needs of a rubric. */
export type Criteria = Pick<Rubric, "criteria">;

/** One criterion's weight (hundredths) and max (tenths), or a RangeError: rubrics pass rubricSchema first. */
function units(c: Pick<Criterion, "key" | "weight" | "max">): { weight: number; max: number } {
  const weight = inSteps(c.weight, 100);
  const max = inSteps(c.max, 10);
  if (weight === undefined || weight <= 0 || max === undefined || max <= 0)
    throw new RangeError(`criterion ${c.key}: weight must be a positive multiple of 0.01 and max of 0.1`);
  return { weight, max };
}

/**
 * Why each criterion's score would be refused (for a 422 as `details.fields`); empty when all
 * are fine. Every criterion must be scored, from 0 to its max, in steps of 0.1; nothing else.
 */
export function checkScores(rubric: Criteria, criteria: Record<string, unknown>): Record<string, FieldErrorCode> {
  // No prototype: a criterion named "__proto__" in the body must be refused, not swallowed.
  const fields: Record<string, FieldErrorCode> = Object.create(null);
  const known = new Set(rubric.criteria.map((c) => c.key));
  for (const key of Object.keys(criteria)) if (!known.has(key)) fields[key] = "SCORE_UNKNOWN_CRITERION";
  for (const c of rubric.criteria) {
    const v = Object.hasOwn(criteria, c.key) ? criteria[c.key] : undefined;
    if (v === undefined || v === null) fields[c.key] = "FIELD_REQUIRED";
    else if (typeof v !== "number" || !Number.isFinite(v)) fields[c.key] = "FIELD_INVALID";
    else if (v < 0) fields[c.key] = "FIELD_TOO_SMALL";
    else {
      const tenths = inSteps(v, 10);
      if (tenths === undefined) fields[c.key] = "SCORE_STEP";
      else if (tenths > units(c).max) fields[c.key] = "SCORE_ABOVE_MAX";
    }
  }
  return fields;
}

/** A total in thousandths: Σ weight (hundredths) × score (tenths). Exact. */
function totalThousandths(rubric: Criteria, criteria: Record<string, unknown>): number {
  const fields = checkScores(rubric, criteria);
  if (Object.keys(fields).length > 0) throw new DomainError("VALIDATION", { fields });
  let sum = 0;
  for (const c of rubric.criteria) sum += units(c).weight * inSteps(criteria[c.key] as number, 10)!;
  return sum;
}

/**
 * A judge's total: her weighted sum over the criteria, Σ weight × score, exact to 0.001.
 *
 * Weights are multipliers and are not normalised, so they need not add up to 1: a points rubric
 * (weights 1, maxes 30 + 30 + 30 + 10: out of 100) and a percentage rubric (weights 0.3, 0.4, 0.3
 * on 10-point scores: out of 10) both read as organisers write them, where dividing by Σ weight
 * would turn the points rubric into an average. Scaling every weight by k scales every total
 * by k and changes no ranking. Throws VALIDATION (with `details.fields`) on scores checkScores refuses.
 */
export function judgeTotal(rubric: Criteria, criteria: Record<string, unknown>): number {
  return totalThousandths(rubric, criteria) / 1000;
}

/** The most a total can be, Σ weight × max: what `combined` takes a judge score as a percentage of. */
export function rubricMax(rubric: Criteria): number {
  return rubric.criteria.map(units).reduce((sum, u) => sum + u.weight * u.max, 0) / 1000;
}

export interface Aggregate {
  score: number;
  /** Indexes (into the totals given) of the totals left out, ascending. */
  dropped: number[];
  /** trimmed_mean with fewer than 3 totals: nothing could be dropped, so it is the plain mean. */
  fellBack: boolean;
}

/**
 * Totals as whole thousandths, judgeTotal's grid (anything finer is rounded to it), so that sums
 * are exact and do not depend on the order of the judges.
 */
function thousandths(totals: readonly number[]): number[] {
  if (totals.length === 0) throw new RangeError("no totals to aggregate");
  return totals.map((t) => {
    if (!Number.isFinite(t)) throw new RangeError(`total ${t} is not a number`);
    return Math.round(t * 1000);
  });
}
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export function mean(totals: readonly number[]): number {
  const ks = thousandths(totals);
  return sum(ks) / (ks.length * 1000);
}

/** The middle total; with an even count, the mean of the middle two. */
export function median(totals: readonly number[]): number {
  const ks = thousandths(totals).sort((a, b) => a - b);
  const mid = ks.length >> 1;
  return ks.length % 2 === 1 ? ks[mid]! / 1000 : (ks[mid - 1]! + ks[mid]!) / 2000;
}

/**
 * 去掉一个最高分、一个最低分: drops one highest and one lowest total (only one each, even when
 * several judges gave it) and averages the rest. Of tied totals, the first highest and the last
 * lowest go, so that when all are equal two different judges are dropped. With fewer than 3
 * totals nothing would be left to average, so it is the mean and says so.
 */
export function trimmedMean(totals: readonly number[]): Aggregate {
  const ks = thousandths(totals);
  if (ks.length < 3) return { score: sum(ks) / (ks.length * 1000), dropped: [], fellBack: true };
  const high = ks.indexOf(Math.max(...ks));
  const low = ks.lastIndexOf(Math.min(...ks));
  const score = (sum(ks) - ks[high]! - ks[low]!) / ((ks.length - 2) * 1000);
  return { score, dropped: [high, low].sort((a, b) => a - b), fellBack: false };
}

/** The round's score of one entry from its judges' totals (none empty: see entryScore). */
export function aggregate(kind: AggregateKind, totals: readonly number[]): Aggregate {
  switch (kind) {
    case "mean":
      return { score: mean(totals), dropped: [], fellBack: false };
    case "median":
      return { score: median(totals), dropped: [], fellBack: false };
    case "trimmed_mean":
      return trimmedMean(totals);
  }
}

export interface JudgeScore {
  judge: string;
  criteria: Record<string, unknown>;
}

/**
 * 回避: the totals that count for an entry. A recused judge's score is simply absent, whether or
 * not she had scored before stepping aside; the others keep their order.
 */
export function totalsUsed(rubric: Criteria, scores: readonly JudgeScore[], recused: Iterable<string>): { judge: string; total: number }[] {
  const out = new Set(recused);
  return scores.filter((s) => !out.has(s.judge)).map((s) => ({ judge: s.judge, total: judgeTotal(rubric, s.criteria) }));
}

export interface EntryScore {
  /** null when no judge's total counts (none scored, or all recused): such an entry is not ranked. */
  score: number | null;
  scores: { judge: string; total: number; dropped: boolean }[];
  recused: string[];
  fellBack: boolean;
}

/** One entry's line of a round's ranking: the totals used, which were dropped, the aggregate. */
export function entryScore(rubric: Criteria & Pick<Rubric, "aggregate">, scores: readonly JudgeScore[], recused: Iterable<string>): EntryScore {
  const recusedList = [...new Set(recused)];
  const used = totalsUsed(rubric, scores, recusedList);
  if (used.length === 0) return { score: null, scores: [], recused: recusedList, fellBack: false };
  const { score, dropped, fellBack } = aggregate(rubric.aggregate, used.map((u) => u.total));
  return { score, scores: used.map((u, i) => ({ ...u, dropped: dropped.includes(i) })), recused: recusedList, fellBack };
}

/** Scores are ranked, and shown, to this many decimals: closer than that is a tie. */
export const RANK_DECIMALS = 2;
/** Half a hundredth counts as reached within this, so noise under a .xx5 never splits a tie. */
const HALF_TOLERANCE = 1e-6;
/** A score as ranked and shown: to 2 decimals, half up. */
export function rankedScore(score: number): number {
  return hundredths(score) / 100;
}
function hundredths(score: number): number {
  if (!Number.isFinite(score)) throw new RangeError(`score ${score} is not a number`);
  return Math.round(score * 10 ** RANK_DECIMALS + HALF_TOLERANCE);
}

export type Ranked<T> = T & { rank: number };

/**
 * Best first, with competition ranking (1, 2, 2, 4): scores equal to 2 decimals share a rank and
 * the next rank skips. Ties are listed by entryId, so the same scores always list the same way.
 */
export function rank<T extends { entryId: string; score: number }>(entries: readonly T[]): Ranked<T>[] {
  const keyed = entries.map((e) => ({ e, k: hundredths(e.score) }));
  keyed.sort((a, b) => b.k - a.k || (a.e.entryId < b.e.entryId ? -1 : a.e.entryId > b.e.entryId ? 1 : 0));
  let rankOfRun = 0;
  return keyed.map(({ e, k }, i) => {
    if (i === 0 || k !== keyed[i - 1]!.k) rankOfRun = i + 1;
    return { ...e, rank: rankOfRun };
  });
}

/**
 * Who goes on to the next round: the top n of a ranking (as rank gives it), and every entry tied
 * with the last of them, since ties at the cut all advance; `extendedByTie` says that happened.
 */
export function advancing<T extends { rank: number }>(ranked: readonly T[], n: number): { advancing: T[]; extendedByTie: boolean } {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`advance ${n} is not a whole number of entries`);
  if (n === 0) return { advancing: [], extendedByTie: false };
  if (n >= ranked.length) return { advancing: [...ranked], extendedByTie: false };
  const cut = ranked[n - 1]!.rank;
  const through = ranked.filter((e) => e.rank <= cut);
  return { advancing: through, extendedByTie: through.length > n };
}
