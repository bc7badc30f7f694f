import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { combinedScore, rankStandings, rankedScore, resultsMode, type Basis, type Standing, type Weights } from "@jinguo/core/judging";

// ---- generators ----

/** Weights as an organiser sets them: judges in steps of 0.001, public the rest, so they sum to 1. */
const weights: fc.Arbitrary<Weights> = fc.integer({ min: 0, max: 1000 }).map((k) => ({ judges: k / 1000, public: 1 - k / 1000 }));
/** A rubric's most (rubricMax: whole thousandths, here 0.1 … 1000). */
const judgeMax = fc.integer({ min: 1, max: 10_000 }).map((k) => k / 10);
/** A judge score as shown (2 decimals), within the rubric's most. */
const scoreWithin = (max: number) => fc.integer({ min: 0, max: Math.round(max * 100) }).map((k) => Math.min(max, k / 100));

/** A list of entries the judges ranked, with votes; small ranges, so that ties are common. */
const standingsFor = (max: number) =>
  fc
    .array(
      fc.record({
        judgeScore: fc.oneof(scoreWithin(max), fc.constantFrom(0, max, rankedScore(max / 2))),
        votes: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 100_000 })),
        voided: fc.integer({ min: 0, max: 50 }),
      }),
      { minLength: 1, maxLength: 12 },
    )
    .map((rows): Standing[] => rows.map((r, i) => ({ entryId: `e${String(i).padStart(2, "0")}`, ...r })));

/** A list's basis, and one entry's judge score and votes within it. */
const basisAndInputs = fc
  .tuple(weights, judgeMax, fc.integer({ min: 0, max: 100_000 }))
  .chain(([w, max, top]) => fc.tuple(fc.constant<Basis>({ weights: w, judgeMax: max, topVotes: top }), scoreWithin(max), fc.integer({ min: 0, max: top })));

const listing = fc.tuple(weights, judgeMax).chain(([w, max]) => fc.tuple(fc.constant(w), fc.constant(max), standingsFor(max)));

// ---- the properties, written against an implementation so each can be shown to catch a wrong one ----

type Combine = (judgeScore: number, votes: number, basis: Basis) => number;
type Ranker = typeof rankStandings;

const combineProperties = {
  /** Weights that sum to 1 keep combined between 0 and 100. */
  withinRange: (impl: Combine) =>
    fc.property(basisAndInputs, ([basis, score, votes]) => {
      const c = impl(score, votes, basis);
      return c >= 0 && c <= 100;
    }),
  /** Full marks from the judges and the most votes: 100, whatever the weights. */
  topGetsHundred: (impl: Combine) =>
    fc.property(weights, judgeMax, fc.integer({ min: 1, max: 100_000 }), (w, max, top) => impl(max, top, { weights: w, judgeMax: max, topVotes: top }) === 100),
};

const rankProperties = {
  /** Raising one entry's judge score or its votes never lowers its combined nor worsens its rank. */
  monotonic: (impl: Ranker) =>
    fc.property(listing, fc.nat(), fc.boolean(), fc.nat({ max: 1000 }), ([w, max, standings], pick, judges, by) => {
      const i = pick % standings.length;
      const raised = standings.map((s, j) =>
        j !== i ? s : judges ? { ...s, judgeScore: Math.min(max, rankedScore(s.judgeScore + by / 100)) } : { ...s, votes: (s.votes ?? 0) + by },
      );
      const line = (ss: Standing[]) => impl("combined", ss, { weights: w, judgeMax: max }).lines.find((l) => l.entryId === standings[i]!.entryId)!;
      const before = line(standings);
      const after = line(raised);
      return after.combined! >= before.combined! && after.rank <= before.rank;
    }),
  /** Equal combined figures share a rank; a better one ranks higher; ranks are 1, 2, 2, 4. */
  tiesShareRank: (impl: Ranker) =>
    fc.property(listing, ([w, max, standings]) => {
      const { lines } = impl("combined", standings, { weights: w, judgeMax: max });
      return lines.every((a, i) => {
        const better = lines.filter((b) => b.combined! > a.combined!).length;
        const listedInOrder = i === 0 || lines[i - 1]!.combined! >= a.combined!;
        return a.rank === better + 1 && listedInOrder && lines.every((b) => (b.combined === a.combined) === (b.rank === a.rank));
      });
    }),
};

/** The public share the way it goes wrong: a share of all votes cast, not of the most-voted entry's. */
const shareOfAllVotes = (total: number): Combine => (score, votes, b) =>
  rankedScore(b.weights.judges * (score / b.judgeMax) * 100 + b.weights.public * (total > 0 ? (votes / total) * 100 : 0));

/** Ranking by place in the list (1, 2, 3): equal figures do not share a rank. */
const byPlace: Ranker = (mode, standings, opts) => {
  const out = rankStandings(mode, standings, opts);
  return { ...out, lines: out.lines.map((l, i) => ({ ...l, rank: i + 1 })) };
};

/** Best last: the ranks turned round. */
const upsideDown: Ranker = (mode, standings, opts) => {
  const out = rankStandings(mode, standings, opts);
  const n = out.lines.length;
  return { ...out, lines: out.lines.map((l) => ({ ...l, rank: n + 1 - l.rank })) };
};

describe("combined: judges' score and public votes by the campaign's weights", () => {
  it("a worked example: 0.6 × 90% + 0.4 × 100% = 94; 0.6 × 100% + 0.4 × (10 ÷ 30) = 73.33", () => {
    const basis = { weights: { judges: 0.6, public: 0.4 }, judgeMax: 30, topVotes: 30 };
    expect(combinedScore(27, 30, basis)).toBe(94);
    expect(combinedScore(30, 10, basis)).toBe(73.33);
    const { lines, basis: used } = rankStandings(
      "combined",
      [
        { entryId: "a", judgeScore: 27, votes: 30, voided: 5 },
        { entryId: "b", judgeScore: 30, votes: 10, voided: 40 },
      ],
      { weights: basis.weights, judgeMax: 30 },
    );
    expect(used).toEqual(basis);
    expect(lines).toEqual([
      { entryId: "a", judgeScore: 27, votes: 30, voidedVotes: 5, combined: 94, rank: 1, position: 0 },
      { entryId: "b", judgeScore: 30, votes: 10, voidedVotes: 40, combined: 73.33, rank: 2, position: 1 },
    ]);
  });

  it("stays between 0 and 100 when the weights sum to 1", () => {
    fc.assert(combineProperties.withinRange(combinedScore));
  });

  it("gives 100 to full marks from the judges with the most votes", () => {
    fc.assert(combineProperties.topGetsHundred(combinedScore));
  });

  it("negative control: votes as a share of all votes cast do not give the top entry 100", () => {
    const wrong = fc.property(weights, judgeMax, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (w, max, top, others) =>
      shareOfAllVotes(top + others)(max, top, { weights: w, judgeMax: max, topVotes: top }) === 100,
    );
    expect(fc.check(wrong, { seed: 1 }).failed).toBe(true);
  });

  it("counts nobody's votes as 0, not as a division by nothing", () => {
    fc.assert(
      fc.property(basisAndInputs, ([basis, score]) =>
        combinedScore(score, 0, { ...basis, topVotes: 0 }) === rankedScore(basis.weights.judges * (score / basis.judgeMax) * 100),
      ),
    );
    const { lines, basis } = rankStandings("combined", [{ entryId: "a", judgeScore: 8 }, { entryId: "b", judgeScore: 6 }], { weights: { judges: 0.7, public: 0.3 }, judgeMax: 10 });
    expect(basis!.topVotes).toBe(0);
    expect(lines.map((l) => [l.entryId, l.combined, l.votes, l.rank])).toEqual([["a", 56, 0, 1], ["b", 42, 0, 2]]);
  });

  it("is monotonic: more from the judges or more votes never lowers an entry", () => {
    fc.assert(rankProperties.monotonic(rankStandings), { numRuns: 300 });
  });

  it("negative control: a ranking turned round is caught", () => {
    expect(fc.check(rankProperties.monotonic(upsideDown), { seed: 1, numRuns: 300 }).failed).toBe(true);
  });

  it("gives equal combined figures one shared rank (1, 2, 2, 4)", () => {
    fc.assert(rankProperties.tiesShareRank(rankStandings), { numRuns: 300 });
    const { lines } = rankStandings(
      "combined",
      [
        { entryId: "c", judgeScore: 5, votes: 10 },
        { entryId: "b", judgeScore: 10, votes: 0 },
        { entryId: "a", judgeScore: 5, votes: 10 },
        { entryId: "d", judgeScore: 0, votes: 0 },
      ],
      { weights: { judges: 0.5, public: 0.5 }, judgeMax: 10 },
    );
    expect(lines.map((l) => [l.entryId, l.combined, l.rank])).toEqual([["a", 75, 1], ["c", 75, 1], ["b", 50, 3], ["d", 0, 4]]);
  });

  it("negative control: ranks by place split ties", () => {
    expect(fc.check(rankProperties.tiesShareRank(byPlace), { seed: 1, numRuns: 300 }).failed).toBe(true);
  });
});

describe("how a campaign's results are ranked", () => {
  it("a contest by the judges; voting without weights by the judges, votes beside; with weights combined", () => {
    expect(resultsMode({ kind: "contest" })).toBe("judges");
    expect(resultsMode({ kind: "collection" })).toBe("judges_votes");
    expect(resultsMode({ kind: "collection", weights: { judges: 0.5, public: 0.5 } })).toBe("combined");
    expect(resultsMode({ kind: "selection", weights: { judges: 0.7, public: 0.3 } })).toBe("combined");
  });

  it("judges' ranking leaves votes out of the order, and shows them when the campaign has voting", () => {
    const standings = [
      { entryId: "a", judgeScore: 80, votes: 900, voided: 3 },
      { entryId: "b", judgeScore: 85, votes: 1, voided: 0 },
    ];
    expect(rankStandings("judges", standings).lines).toEqual([
      { entryId: "b", judgeScore: 85, rank: 1, position: 0 },
      { entryId: "a", judgeScore: 80, rank: 2, position: 1 },
    ]);
    expect(rankStandings("judges_votes", standings).lines.map((l) => [l.entryId, l.rank, l.votes, l.voidedVotes, l.combined])).toEqual([
      ["b", 1, 1, 0, undefined],
      ["a", 2, 900, 3, undefined],
    ]);
  });
});
