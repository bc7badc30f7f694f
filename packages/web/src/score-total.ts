/**
 * A judge's running total as the server computes it (judgeTotal in
 * packages/core/src/judging/scoring.ts): Σ weight × score, in integers — weights in hundredths,
 * scores in tenths, the total in thousandths — so 0.1 + 0.2 shows as 0.3. Mirrored, not
 * imported: core's module brings zod with it, too much for a phone's first load. A unit test
 * holds the two to the same answers (test/score-total.unit.test.ts); after a save the page shows
 * the server's own total anyway.
 */

export interface CriterionLike {
  key: string;
  weight: number;
  max: number;
}

/** `value` as a whole number of tenths, or undefined when it is off that grid (8.55). */
export function tenths(value: number): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  const units = Math.round(value * 10);
  return Math.abs(value * 10 - units) < 1e-7 ? units : undefined;
}

/** Why a score of one criterion would be refused, as a message key; undefined when fine. */
export function scoreProblem(c: CriterionLike, value: number): "SCORE_STEP" | "SCORE_ABOVE_MAX" | "FIELD_TOO_SMALL" | undefined {
  if (value < 0) return "FIELD_TOO_SMALL";
  const t = tenths(value);
  if (t === undefined) return "SCORE_STEP";
  if (t > Math.round(c.max * 10)) return "SCORE_ABOVE_MAX";
  return undefined;
}

/** The total over the criteria scored so far (none scored: 0); every score must pass scoreProblem. */
export function runningTotal(criteria: readonly CriterionLike[], scores: Record<string, number | null | undefined>): number {
  let sum = 0;
  for (const c of criteria) {
    const v = scores[c.key];
    if (v === null || v === undefined) continue;
    sum += Math.round(c.weight * 100) * (tenths(v) ?? 0);
  }
  return sum / 1000;
}

/** The most a total can be, Σ weight × max (rubricMax on the server). */
export function maxTotal(criteria: readonly CriterionLike[]): number {
  return criteria.reduce((sum, c) => sum + Math.round(c.weight * 100) * Math.round(c.max * 10), 0) / 1000;
}

/** A score or total for reading: no trailing zeros, at most three decimals ("25.5", "8.55"). */
export function formatScore(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/**
 * What she typed, as a number: digits with a point or a comma (some keyboards give "8,5"), in
 * half-width or full-width (a Chinese keyboard's "８．５"). NaN when it is not a plain number;
 * null when empty.
 */
export function parseScore(text: string): number | null {
  const plain = text
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/[．。，,]/g, ".")
    .trim();
  if (plain === "") return null;
  return /^\d+(\.\d+)?$/.test(plain) ? Number(plain) : NaN;
}
