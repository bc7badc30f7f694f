import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  aggregate,
  aggregateKinds,
  advancing,
  checkScores,
  entryScore,
  judgeTotal,
  mean,
  median,
  rank,
  rankedScore,
  rubricMax,
  rubricSchema,
  totalsUsed,
  trimmedMean,
  type Aggregate,
  type Criterion,
} from "@jinguo/core/judging";
import { DomainError } from "@jinguo/core/errors";

// ---- generators: everything as the integers a person types, so the oracle needs no floats ----

/** A judge's total as judgeTotal gives it: whole thousandths, here 0..100. */
const total = fc.integer({ min: 0, max: 100_000 }).map((k) => k / 1000);
/** A close contest: a few 10-point totals, so that judges often give the same one. */
const closeTotal = fc.integer({ min: 85, max: 92 }).map((k) => k / 10);
const totals = (minLength = 1) =>
  fc.oneof(fc.array(total, { minLength, maxLength: 12 }), fc.array(closeTotal, { minLength, maxLength: 12 }));
/** Totals and the same totals in another order. */
const totalsAndShuffle = (minLength = 1) =>
  totals(minLength).chain((ts) => fc.tuple(fc.constant(ts), fc.shuffledSubarray(ts, { minLength: ts.length, maxLength: ts.length })));

/** A rubric in integers (weight in hundredths, max in tenths) and the criteria built from it. */
const rubricUnits = fc.array(fc.record({ w: fc.integer({ min: 1, max: 10_000 }), m: fc.integer({ min: 1, max: 10_000 }) }), {
  minLength: 1,
  maxLength: 6,
});
const criteriaOf = (units: { w: number; m: number }[]): Criterion[] =>
  units.map((u, i) => ({ key: `c${i}`, label: `评分项${i}`, weight: u.w / 100, max: u.m / 10 }));
/** A rubric, and one judge's scores on it in tenths. */
const rubricAndTenths = rubricUnits.chain((units) =>
  fc.tuple(fc.constant(units), fc.tuple(...units.map((u) => fc.integer({ min: 0, max: u.m })))),
);
const scoresOf = (tenths: number[]) => Object.fromEntries(tenths.map((s, i) => [`c${i}`, s / 10]));

const sumInts = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ints = (ts: number[]) => ts.map((t) => Math.round(t * 1000));

// ---- the properties, written against an implementation so each can be shown to catch a wrong one ----

type TrimmedMean = (ts: number[]) => Aggregate;
const trimmedMeanProperties = {
  betweenMinAndMax: (impl: TrimmedMean) =>
    fc.property(totals(), (ts) => {
      const { score } = impl(ts);
      return score >= Math.min(...ts) && score <= Math.max(...ts);
    }),
  dropsExactlyTwo: (impl: TrimmedMean) =>
    fc.property(totals(3), (ts) => {
      const { dropped, fellBack } = impl(ts);
      return !fellBack && dropped.length === 2 && new Set(dropped).size === 2 && dropped.every((i) => i >= 0 && i < ts.length);
    }),
  /** The highest and the lowest go, and the mean of what is left is the score. */
  averagesTheRest: (impl: TrimmedMean) =>
    fc.property(totals(3), (ts) => {
      const { score, dropped } = impl(ts);
      const ks = ints(ts);
      const sorted = [...ks].sort((a, b) => a - b);
      const droppedKs = dropped.map((i) => ks[i]!).sort((a, b) => a - b);
      const rest = ks.filter((_, i) => !dropped.includes(i));
      return (
        droppedKs[0] === sorted[0] && droppedKs[1] === sorted.at(-1) && score === sumInts(rest) / ((ts.length - 2) * 1000)
      );
    }),
};

/** 去掉最高分和最低分 the way it goes wrong: every judge who gave the top or bottom total is dropped. */
const dropsAllTies: TrimmedMean = (ts) => {
  if (ts.length < 3) return { score: mean(ts), dropped: [], fellBack: true };
  const hi = Math.max(...ts);
  const lo = Math.min(...ts);
  const dropped = ts.flatMap((t, i) => (t === hi || t === lo ? [i] : []));
  const rest = ts.filter((_, i) => !dropped.includes(i));
  return { score: rest.length ? rest.reduce((a, b) => a + b, 0) / rest.length : hi, dropped, fellBack: false };
};

const permutationInvariant = (impl: (ts: number[]) => number) =>
  fc.property(totalsAndShuffle(), ([ts, shuffled]) => impl(ts) === impl(shuffled));
/** The mean the obvious way, in floats: the order of the judges shows in the last bits. */
const floatMean = (ts: number[]) => ts.reduce((a, b) => a + b, 0) / ts.length;

describe("judgeTotal: Σ weight × score, exact", () => {
  it("is the weighted sum, to the thousandth, however many 0.1 steps", () => {
    fc.assert(
      fc.property(rubricAndTenths, ([units, tenths]) => {
        const exact = sumInts(units.map((u, i) => u.w * tenths[i]!)) / 1000;
        return judgeTotal({ criteria: criteriaOf(units) }, scoresOf(tenths)) === exact;
      }),
    );
  });

  it("does not drift where floats do: 0.1 + 0.2 is 0.3", () => {
    const criteria = [
      { key: "a", label: "甲", weight: 1, max: 10 },
      { key: "b", label: "乙", weight: 1, max: 10 },
    ];
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(judgeTotal({ criteria }, { a: 0.1, b: 0.2 })).toBe(0.3);
    // 0.1 + 0.2 typed by a client that added them itself is still the step 0.3.
    expect(judgeTotal({ criteria }, { a: 0.1 + 0.2, b: 0 })).toBe(0.3);
    const weighted = criteria.map((c) => ({ ...c, weight: 0.7 }));
    expect(0.7 * 0.1 + 0.7 * 0.2).not.toBe(0.21);
    expect(judgeTotal({ criteria: weighted }, { a: 0.1, b: 0.2 })).toBe(0.21);
  });

  it("negative control: the float sum Σ weight × score does drift", () => {
    const floatTotal = fc.property(rubricAndTenths, ([units, tenths]) => {
      const naive = units.reduce((acc, u, i) => acc + (u.w / 100) * (tenths[i]! / 10), 0);
      return naive === sumInts(units.map((u, i) => u.w * tenths[i]!)) / 1000;
    });
    expect(fc.check(floatTotal, { seed: 1, numRuns: 500 }).failed).toBe(true);
  });

  it("does not depend on the order of the criteria", () => {
    fc.assert(
      fc.property(rubricAndTenths, ([units, tenths]) => {
        const criteria = criteriaOf(units);
        const scores = scoresOf(tenths);
        return judgeTotal({ criteria: [...criteria].reverse() }, scores) === judgeTotal({ criteria }, scores);
      }),
    );
  });

  it("scales with the weights: k × every weight gives k × every total and the same ranking", () => {
    fc.assert(
      fc.property(
        // Weights up to 10, so that 9 × each stays within the rubric's 100.
        fc.array(fc.record({ w: fc.integer({ min: 1, max: 1000 }), m: fc.integer({ min: 1, max: 10_000 }) }), { minLength: 1, maxLength: 6 }).chain((units) =>
          fc.tuple(
            fc.constant(units),
            fc.array(fc.tuple(...units.map((u) => fc.integer({ min: 0, max: u.m }))), { minLength: 1, maxLength: 8 }),
          ),
        ),
        fc.integer({ min: 2, max: 9 }),
        ([units, judges], k) => {
          const unscaled = { criteria: criteriaOf(units) };
          const scaled = { criteria: criteriaOf(units.map((u) => ({ ...u, w: u.w * k }))) };
          const a = judges.map((t) => judgeTotal(unscaled, scoresOf(t)));
          const b = judges.map((t) => judgeTotal(scaled, scoresOf(t)));
          if (!b.every((x, i) => Math.round(x * 1000) === k * Math.round(a[i]! * 1000))) return false;
          const order = (ts: number[]) => rank(ts.map((score, i) => ({ entryId: `e${i}`, score: score * 10 }))).map((r) => r.entryId);
          // Compared on totals × 10 so the 2-decimal rounding cannot merge scores that differ.
          return JSON.stringify(order(a)) === JSON.stringify(order(b));
        },
      ),
    );
  });

  it("lies between 0 and the rubric's maximum, Σ weight × max", () => {
    fc.assert(
      fc.property(rubricAndTenths, ([units, tenths]) => {
        const rubric = { criteria: criteriaOf(units) };
        const t = judgeTotal(rubric, scoresOf(tenths));
        const full = judgeTotal(rubric, scoresOf(units.map((u) => u.m)));
        return t >= 0 && t <= rubricMax(rubric) && full === rubricMax(rubric);
      }),
    );
  });

  it("worked examples: a percentage rubric and a points rubric", () => {
    const percent = [
      { key: "theme", label: "主题", weight: 0.3, max: 10 },
      { key: "show", label: "表演", weight: 0.4, max: 10 },
      { key: "look", label: "形象", weight: 0.3, max: 10 },
    ];
    expect(judgeTotal({ criteria: percent }, { theme: 9.5, show: 8.8, look: 9 })).toBe(9.07);
    expect(rubricMax({ criteria: percent })).toBe(10);
    const points = [
      { key: "theme", label: "主题内容", weight: 1, max: 30 },
      { key: "dance", label: "舞蹈编排", weight: 1, max: 30 },
      { key: "show", label: "表演水平", weight: 1, max: 30 },
      { key: "look", label: "整体形象", weight: 1, max: 10 },
    ];
    expect(judgeTotal({ criteria: points }, { theme: 27.5, dance: 26, show: 28, look: 9.5 })).toBe(91);
    expect(rubricMax({ criteria: points })).toBe(100);
  });
});

describe("checkScores: why a score is refused (422)", () => {
  const criteria = [
    { key: "theme", label: "主题", weight: 0.5, max: 10 },
    { key: "show", label: "表演", weight: 0.5, max: 8.5 },
  ];

  it("accepts every 0.1 step from 0 to max", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 85 }), (a, b) => {
        return Object.keys(checkScores({ criteria }, { theme: a / 10, show: b / 10 })).length === 0;
      }),
    );
  });

  it("refuses what is between steps, above max or below 0", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 9 }), (k, hundredth) => {
        const v = k / 10 + hundredth / 100;
        return checkScores({ criteria }, { theme: v, show: 0 }).theme === "SCORE_STEP";
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 86, max: 100_000 }), (k) => checkScores({ criteria }, { theme: 0, show: k / 10 }).show === "SCORE_ABOVE_MAX"),
    );
    expect(checkScores({ criteria }, { theme: -0.1, show: 1 })).toEqual({ theme: "FIELD_TOO_SMALL" });
  });

  it("names every broken criterion at once", () => {
    expect(checkScores({ criteria }, {})).toEqual({ theme: "FIELD_REQUIRED", show: "FIELD_REQUIRED" });
    expect(checkScores({ criteria }, { theme: "9", show: null, extra: 3 })).toEqual({
      theme: "FIELD_INVALID",
      show: "FIELD_REQUIRED",
      extra: "SCORE_UNKNOWN_CRITERION",
    });
    const proto = checkScores({ criteria }, JSON.parse('{"theme": 9, "show": 8, "__proto__": 1}'));
    expect(Object.entries(proto)).toEqual([["__proto__", "SCORE_UNKNOWN_CRITERION"]]);
    expect(checkScores({ criteria }, { theme: Number.NaN, show: Infinity })).toEqual({ theme: "FIELD_INVALID", show: "FIELD_INVALID" });
  });

  it("judgeTotal refuses the same with VALIDATION and the fields", () => {
    const err = (() => {
      try {
        judgeTotal({ criteria }, { theme: 10.5, show: 8.55 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: "VALIDATION", details: { fields: { theme: "SCORE_ABOVE_MAX", show: "SCORE_STEP" } } });
  });
});

describe("rubricSchema", () => {
  const rubric = (criteria: unknown[]) => ({ criteria, aggregate: "trimmed_mean", blind: true });
  it("takes weights in 0.01 steps and maxes in 0.1 steps, keys once each", () => {
    expect(rubricSchema.safeParse(rubric([{ key: "a", label: "甲", weight: 0.35, max: 9.5 }])).success).toBe(true);
    expect(rubricSchema.safeParse(rubric([{ key: "a", label: "甲", weight: 1 / 3, max: 10 }])).success).toBe(false);
    expect(rubricSchema.safeParse(rubric([{ key: "a", label: "甲", weight: 1, max: 9.55 }])).success).toBe(false);
    expect(rubricSchema.safeParse(rubric([{ key: "a", label: "甲", weight: 0, max: 10 }])).success).toBe(false);
    const twice = [{ key: "a", label: "甲", weight: 1, max: 10 }, { key: "a", label: "乙", weight: 1, max: 10 }];
    expect(rubricSchema.safeParse(rubric(twice)).success).toBe(false);
    expect(rubricSchema.safeParse(rubric([])).success).toBe(false);
  });
});

describe("aggregates", () => {
  it("do not depend on the order of the judges", () => {
    fc.assert(permutationInvariant(mean));
    fc.assert(permutationInvariant(median));
    fc.assert(permutationInvariant((ts) => trimmedMean(ts).score));
    for (const kind of aggregateKinds) {
      fc.assert(
        fc.property(totalsAndShuffle(), ([ts, shuffled]) => {
          const a = aggregate(kind, ts);
          const b = aggregate(kind, shuffled);
          const droppedValues = (x: Aggregate, from: number[]) => x.dropped.map((i) => from[i]).sort();
          return a.score === b.score && a.fellBack === b.fellBack && JSON.stringify(droppedValues(a, ts)) === JSON.stringify(droppedValues(b, shuffled));
        }),
      );
    }
  });

  it("negative control: the float mean does depend on the order", () => {
    expect(fc.check(permutationInvariant(floatMean), { seed: 7, numRuns: 1000 }).failed).toBe(true);
  });

  it("mean: between min and max, and n × mean is the sum", () => {
    fc.assert(
      fc.property(totals(), (ts) => {
        const m = mean(ts);
        return m >= Math.min(...ts) && m <= Math.max(...ts) && Math.abs(m * ts.length * 1000 - sumInts(ints(ts))) < 1e-6;
      }),
    );
  });

  it("trimmedMean: between min and max, drops exactly 2 from 3 on, the highest and the lowest", () => {
    fc.assert(trimmedMeanProperties.betweenMinAndMax(trimmedMean));
    fc.assert(trimmedMeanProperties.dropsExactlyTwo(trimmedMean));
    fc.assert(trimmedMeanProperties.averagesTheRest(trimmedMean));
  });

  it("negative control: dropping every tied top or bottom total is caught", () => {
    expect(fc.check(trimmedMeanProperties.dropsExactlyTwo(dropsAllTies), { seed: 3, numRuns: 1000 }).failed).toBe(true);
    expect(fc.check(trimmedMeanProperties.averagesTheRest(dropsAllTies), { seed: 3, numRuns: 1000 }).failed).toBe(true);
  });

  it("trimmedMean: equals the mean (and the total) when all judges agree", () => {
    fc.assert(
      fc.property(total, fc.integer({ min: 1, max: 12 }), (t, n) => {
        const ts = Array(n).fill(t);
        const r = trimmedMean(ts);
        return r.score === mean(ts) && r.score === t && new Set(r.dropped).size === (n >= 3 ? 2 : 0);
      }),
    );
  });

  it("trimmedMean: with fewer than 3 totals is the mean, and says so", () => {
    fc.assert(
      fc.property(totals(1).filter((ts) => ts.length < 3), (ts) => {
        const r = trimmedMean(ts);
        return r.fellBack && r.dropped.length === 0 && r.score === mean(ts);
      }),
    );
    expect(trimmedMean([9, 8])).toEqual({ score: 8.5, dropped: [], fellBack: true });
    expect(aggregate("trimmed_mean", [7.2])).toEqual({ score: 7.2, dropped: [], fellBack: true });
    expect(aggregate("mean", [9, 8])).toEqual({ score: 8.5, dropped: [], fellBack: false });
  });

  it("median: a total (odd count) or the mean of the middle two (even), with half the totals on each side", () => {
    fc.assert(
      fc.property(totals(), (ts) => {
        const m = median(ts);
        const sorted = [...ts].sort((a, b) => a - b);
        const n = ts.length;
        const expected = n % 2 ? sorted[(n - 1) / 2]! : (Math.round(sorted[n / 2 - 1]! * 1000) + Math.round(sorted[n / 2]! * 1000)) / 2000;
        const below = ts.filter((t) => t <= m).length;
        const above = ts.filter((t) => t >= m).length;
        return m === expected && below >= n / 2 && above >= n / 2 && m >= sorted[0]! && m <= sorted.at(-1)!;
      }),
    );
    fc.assert(fc.property(total, fc.integer({ min: 1, max: 12 }), (t, n) => median(Array(n).fill(t)) === t));
  });

  it("worked examples", () => {
    // 去掉一个最高分 9.5、一个最低分 7.0: (9.0 + 8.8 + 8.6) / 3
    expect(trimmedMean([9.5, 9.0, 8.8, 8.6, 7.0])).toEqual({ score: 8.8, dropped: [0, 4], fellBack: false });
    expect(aggregate("trimmed_mean", [8.6, 9.5, 7.0, 9.0, 8.8])).toEqual({ score: 8.8, dropped: [1, 2], fellBack: false });
    // Ties: one 9 and one 8 go, not both of each.
    expect(trimmedMean([9, 9, 8, 8])).toEqual({ score: 8.5, dropped: [0, 3], fellBack: false });
    expect(trimmedMean([8.5, 8.5, 8.5])).toEqual({ score: 8.5, dropped: [0, 2], fellBack: false });
    expect(mean([9.5, 9.0, 8.8, 8.6, 7.0])).toBe(8.58);
    expect(median([9.5, 9.0, 8.8, 8.6, 7.0])).toBe(8.8);
    expect(median([7, 10, 8, 9])).toBe(8.5);
    expect(aggregate("median", [9.1, 8.2])).toEqual({ score: 8.65, dropped: [], fellBack: false });
  });

  it("refuse to aggregate nothing (an entry nobody scored has no score: see entryScore)", () => {
    expect(() => mean([])).toThrow(RangeError);
    expect(() => trimmedMean([])).toThrow(RangeError);
    expect(() => median([Number.NaN])).toThrow(RangeError);
  });
});

describe("recusal (回避)", () => {
  const rubric = { criteria: [{ key: "all", label: "总分", weight: 1, max: 10 }], aggregate: "trimmed_mean" as const };
  const scores = [
    { judge: "j1", criteria: { all: 9.5 } },
    { judge: "j2", criteria: { all: 9.0 } },
    { judge: "j3", criteria: { all: 8.8 } },
    { judge: "j4", criteria: { all: 8.6 } },
    { judge: "j5", criteria: { all: 7.0 } },
  ];

  it("leaves the recused judges' totals out, as if they had not scored", () => {
    expect(totalsUsed(rubric, scores, ["j1"])).toEqual([
      { judge: "j2", total: 9 },
      { judge: "j3", total: 8.8 },
      { judge: "j4", total: 8.6 },
      { judge: "j5", total: 7 },
    ]);
    fc.assert(
      fc.property(fc.subarray(scores.map((s) => s.judge)), (recused) => {
        const used = totalsUsed(rubric, scores, recused);
        const without = scores.filter((s) => !recused.includes(s.judge));
        const alone = entryScore(rubric, without, []);
        return used.every((u) => !recused.includes(u.judge)) && used.length === without.length && entryScore(rubric, scores, recused).score === alone.score;
      }),
    );
  });

  it("gives the ranking line: totals used, which were dropped, who recused", () => {
    expect(entryScore(rubric, scores, ["j3"])).toEqual({
      score: 8.8,
      scores: [
        { judge: "j1", total: 9.5, dropped: true },
        { judge: "j2", total: 9, dropped: false },
        { judge: "j4", total: 8.6, dropped: false },
        { judge: "j5", total: 7, dropped: true },
      ],
      recused: ["j3"],
      fellBack: false,
    });
    expect(entryScore(rubric, scores.slice(0, 2), [])).toMatchObject({ score: 9.25, fellBack: true });
    expect(entryScore(rubric, scores.slice(0, 1), ["j1"])).toEqual({ score: null, scores: [], recused: ["j1"], fellBack: false });
  });
});

/** Entries with scores in hundredths, and the same entries in another order. */
const entries = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 0, maxLength: 15 })
  .chain((ids) => fc.tuple(...ids.map((id) => fc.record({ entryId: fc.constant(id), score: fc.integer({ min: 0, max: 30 }).map((h) => h / 4) }))));

type RankFn = typeof rank;
/** Competition ranking, from its definition: 1 + how many are strictly better. */
const competitionRanking = (impl: RankFn) =>
  fc.property(entries, (es) => {
    const ranked = impl(es);
    return (
      ranked.length === es.length &&
      ranked.every((r) => r.rank === 1 + es.filter((e) => rankedScore(e.score) > rankedScore(r.score)).length) &&
      ranked.every((r, i) => i === 0 || rankedScore(ranked[i - 1]!.score) > rankedScore(r.score) || ranked[i - 1]!.entryId < r.entryId)
    );
  });
/**
 * Scores a person sees as equal (to 2 decimals) are equal, however the float got there, also
 * on a half hundredth (1.005 is 1.00499… as a double, and 100.49999… once multiplied by 100).
 */
const noiseNeverSplitsATie = (impl: RankFn) =>
  fc.property(fc.integer({ min: 0, max: 200_000 }), fc.double({ min: -1e-9, max: 1e-9, noNaN: true }), (halfHundredths, noise) => {
    const ranked = impl([
      { entryId: "a", score: halfHundredths / 200 },
      { entryId: "b", score: halfHundredths / 200 + noise },
    ]);
    return ranked[0]!.rank === 1 && ranked[1]!.rank === 1;
  });
/** Ranking on the raw floats. */
const rawRank: RankFn = (es) => {
  const sorted = [...es].sort((a, b) => b.score - a.score || (a.entryId < b.entryId ? -1 : 1));
  return sorted.map((e) => ({ ...e, rank: 1 + sorted.filter((o) => o.score > e.score).length }));
};

describe("rank", () => {
  it("is competition ranking: equal scores share a rank and the next rank skips; ties by entryId", () => {
    fc.assert(competitionRanking(rank));
    expect(
      rank([
        { entryId: "d", score: 8.5 },
        { entryId: "c", score: 8.8 },
        { entryId: "a", score: 9.07 },
        { entryId: "b", score: 8.8 },
      ]).map((r) => [r.entryId, r.rank]),
    ).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 2],
      ["d", 4],
    ]);
  });

  it("lists the same entries the same way whatever order they came in", () => {
    fc.assert(
      fc.property(
        entries.chain((es) => fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length }))),
        ([es, shuffled]) => JSON.stringify(rank(es)) === JSON.stringify(rank(shuffled)),
      ),
    );
  });

  it("compares to 2 decimals, so float noise never splits a tie", () => {
    fc.assert(noiseNeverSplitsATie(rank));
    const [a, b] = rank([
      { entryId: "a", score: 0.1 + 0.2 },
      { entryId: "b", score: 0.3 },
    ]);
    expect([a!.rank, b!.rank]).toEqual([1, 1]);
    // 8.845 is 8.8449999… as a double; half up still makes it 8.85, whichever way it was computed.
    expect(rankedScore(8.845)).toBe(8.85);
    expect(rankedScore(17.69 / 2)).toBe(8.85);
    expect(rankedScore(8.8449)).toBe(8.84);
    fc.assert(fc.property(fc.integer({ min: 0, max: 100_000 }), (k) => rankedScore((2 * k + 1) / 200) === (k + 1) / 100));
    expect(rankedScore(1.005)).toBe(1.01);
    // The same 0.145 by two roads: 0.145 × 100 is 14.4999…, (0.0145 × 10) × 100 is 14.5000…
    expect(rank([{ entryId: "a", score: 0.145 }, { entryId: "b", score: (29 / 2000) * 10 }]).map((r) => r.rank)).toEqual([1, 1]);
    expect(rank([{ entryId: "x", score: 8.844 }, { entryId: "y", score: 8.846 }]).map((r) => r.rank)).toEqual([1, 2]);
  });

  it("negative control: ranking the raw floats splits ties", () => {
    expect(fc.check(noiseNeverSplitsATie(rawRank), { seed: 5, numRuns: 500 }).failed).toBe(true);
    expect(fc.check(competitionRanking((es) => rank(es).map((r, i) => ({ ...r, rank: i + 1 }))), { seed: 5, numRuns: 500 }).failed).toBe(true);
  });
});

type AdvancingFn = typeof advancing;
const advancingProperties = (impl: AdvancingFn) =>
  fc.property(entries, fc.integer({ min: 0, max: 20 }), (es, n) => {
    const ranked = rank(es);
    const { advancing: through, extendedByTie } = impl(ranked, n);
    const cut = n > 0 && n <= ranked.length ? ranked[n - 1]!.rank : undefined;
    return (
      through.length >= Math.min(n, ranked.length) &&
      JSON.stringify(through) === JSON.stringify(ranked.slice(0, through.length)) &&
      (cut === undefined || ranked.every((r) => (r.rank <= cut) === through.includes(r))) &&
      extendedByTie === through.length > n
    );
  });
/** The top n and no more. */
const topN: AdvancingFn = (ranked, n) => ({ advancing: ranked.slice(0, n), extendedByTie: false });

describe("advancing", () => {
  it("is the top n and everyone tied at the cut, and says when a tie extended it", () => {
    fc.assert(advancingProperties(advancing));
  });

  it("negative control: the plain top n leaves ties at the cut behind", () => {
    expect(fc.check(advancingProperties(topN), { seed: 11, numRuns: 1000 }).failed).toBe(true);
  });

  it("worked examples", () => {
    const ranked = rank([
      { entryId: "a", score: 9.07 },
      { entryId: "b", score: 8.8 },
      { entryId: "c", score: 8.8 },
      { entryId: "d", score: 8.5 },
    ]);
    const ids = (n: number) => {
      const r = advancing(ranked, n);
      return [r.advancing.map((e) => e.entryId).join(""), r.extendedByTie];
    };
    expect(ids(1)).toEqual(["a", false]);
    expect(ids(2)).toEqual(["abc", true]);
    expect(ids(3)).toEqual(["abc", false]);
    expect(ids(4)).toEqual(["abcd", false]);
    expect(ids(9)).toEqual(["abcd", false]);
    expect(ids(0)).toEqual(["", false]);
    expect(() => advancing(ranked, -1)).toThrow(RangeError);
    expect(() => advancing(ranked, 1.5)).toThrow(RangeError);
  });
});
