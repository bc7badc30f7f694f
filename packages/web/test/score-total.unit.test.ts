/**
 * The judge console's running total is a copy of the server's arithmetic (core's scoring.ts is
 * not bundled): both must give the same total, and refuse the same scores, for any rubric.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { checkScores, judgeTotal, rubricMax } from "@jinguo/core/judging";
import { formatScore, maxTotal, parseScore, runningTotal, scoreProblem } from "../src/score-total.ts";

/** A rubric as organisers write them: weights in steps of 0.01, maxes in steps of 0.1. */
const criterion = fc.record({
  weight: fc.integer({ min: 1, max: 500 }).map((h) => h / 100),
  max: fc.integer({ min: 1, max: 1000 }).map((t) => t / 10),
});
const rubric = fc
  .array(criterion, { minLength: 1, maxLength: 8 })
  .map((cs) => cs.map((c, i) => ({ key: `c${i}`, label: `第${i + 1}项`, ...c })));

/** Scores on the grid: typed in tenths, up to each criterion's max. */
const scored = rubric.chain((criteria) =>
  fc
    .tuple(...criteria.map((c) => fc.integer({ min: 0, max: Math.round(c.max * 10) }).map((t) => t / 10)))
    .map((values) => ({ criteria, scores: Object.fromEntries(criteria.map((c, i) => [c.key, values[i]!])) })),
);

describe("the console's running total", () => {
  it("is the server's judgeTotal for every rubric and every score on the grid", () => {
    fc.assert(
      fc.property(scored, ({ criteria, scores }) => {
        expect(runningTotal(criteria, scores)).toBe(judgeTotal({ criteria }, scores));
      }),
      { numRuns: 500 },
    );
  });

  it("has the server's most (rubricMax)", () => {
    fc.assert(
      fc.property(rubric, (criteria) => {
        expect(maxTotal(criteria)).toBe(rubricMax({ criteria }));
      }),
    );
  });

  it("adds up without floating-point noise, and weights are multipliers", () => {
    const criteria = [
      { key: "a", weight: 0.3, max: 10 },
      { key: "b", weight: 0.7, max: 10 },
    ];
    expect(runningTotal(criteria, { a: 0.1, b: 0.2 })).toBe(0.17);
    expect(formatScore(runningTotal(criteria, { a: 8.5, b: 9.1 }))).toBe("8.92");
    expect(runningTotal([{ key: "a", weight: 1, max: 1 }, { key: "b", weight: 1, max: 1 }], { a: 0.1, b: 0.2 })).toBe(0.3);
    // not scored yet: left out of the running total
    expect(runningTotal(criteria, { a: 5, b: null })).toBe(1.5);
  });

  it("refuses what the server refuses, and only that", () => {
    const values = fc.oneof(
      fc.integer({ min: -20, max: 1200 }).map((t) => t / 10),
      fc.double({ min: -5, max: 120, noNaN: true }),
      fc.integer({ min: -2000, max: 12000 }).map((h) => h / 100),
    );
    fc.assert(
      fc.property(criterion, values, (c, v) => {
        const server = checkScores({ criteria: [{ key: "x", label: "x", ...c }] }, { x: v }).x;
        expect(scoreProblem({ key: "x", ...c }, v) !== undefined).toBe(server !== undefined);
      }),
      { numRuns: 1000 },
    );
  });

  it("reads what a judge types on any keyboard", () => {
    expect(parseScore("8.5")).toBe(8.5);
    expect(parseScore(" 8,5 ")).toBe(8.5);
    expect(parseScore("８．５")).toBe(8.5);
    expect(parseScore("9。5")).toBe(9.5);
    expect(parseScore("")).toBeNull();
    expect(parseScore("abc")).toBeNaN();
    expect(parseScore("-1")).toBeNaN();
    expect(parseScore("1e1")).toBeNaN();
  });
});
