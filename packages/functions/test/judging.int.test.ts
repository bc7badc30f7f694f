import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { putItem } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
import { newId } from "@jinguo/core/ids";
import type { Entry } from "@jinguo/core/entries";
// Test-only: the invariant switches are not part of the judging module's public face.
import { guards, guardsOff } from "../../core/src/judging/guards.ts";
import { testApi, type TestApi } from "../../../test/harness.ts";

const original = { ...guards };
afterEach(() => Object.assign(guards, original));

type Client = ReturnType<TestApi["client"]>;
let api: TestApi;
let admin: Client;

beforeAll(async () => {
  api = await testApi();
  admin = api.client();
  await admin.signIn("13800000000");
});

// ---- fixtures ----

async function ok<T = any>(res: Promise<{ status: number; json: any; text: string }>, status = 200): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status} ${r.text}`);
  return r.json as T;
}

/** A contest campaign (a draft is enough to run rounds in); published when results are to be read. */
async function contest(orgUnit = "hn", publish = false): Promise<string> {
  const id = (await ok(admin.post("/api/admin/campaigns", { kind: "contest", title: "评审测试大赛", orgUnit }), 201)).campaign.id as string;
  if (publish) await ok(admin.post(`/api/admin/campaigns/${id}/publish`));
  return id;
}

const LEADER = "赵春花";
const LEADER_PHONE = "13911112222";

/** An approved team entry of the unit, written as the entries module stores it. */
async function approvedEntry(campaignId: string, orgUnit: string, title = `队伍${Math.random().toString(36).slice(2, 8)}`): Promise<string> {
  const id = newId("e");
  const now = new Date().toISOString();
  const entry: Entry = {
    id,
    campaignId,
    userId: newId("u"),
    orgUnit,
    status: "approved",
    title,
    answers: { teamName: title, leaderName: LEADER, leaderPhone: LEADER_PHONE, memberCount: 12, county: orgUnit, description: "我们跳的是采茶舞", consent: true },
    reviewedAt: now,
    reviewedBy: "u-reviewer",
    createdAt: now,
    updatedAt: now,
    version: 2,
  };
  await putItem(api.db, {
    ...keys.entry(id),
    ...keys.entryByStatus(campaignId, "approved", now, id),
    ...keys.entryByOwner(entry.userId, now, id),
    ...entry,
  });
  return id;
}

const oneCriterion = (aggregate: "mean" | "trimmed_mean" | "median", blind = false) => ({
  criteria: [{ key: "show", label: "表演", weight: 1, max: 100 }],
  aggregate,
  blind,
});
const threeCriteria = {
  criteria: [
    { key: "art", label: "艺术表现", weight: 1, max: 40 },
    { key: "skill", label: "动作规范", weight: 1, max: 40 },
    { key: "spirit", label: "精神面貌", weight: 1, max: 20 },
  ],
  aggregate: "trimmed_mean",
  blind: true,
};

async function newRound(campaignId: string, body: Record<string, unknown>): Promise<string> {
  return (await ok(admin.post(`/api/admin/campaigns/${campaignId}/rounds`, { name: "测试轮", ...body }), 201)).round.id as string;
}

/** Judges invited to the round by number, each signed in on her own phone. */
async function judges(roundId: string, n: number): Promise<{ c: Client; id: string }[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const phone = api.newPhone();
      const invited = await ok(admin.post(`/api/admin/rounds/${roundId}/judges`, { phone }), 201);
      const c = api.client();
      await c.signIn(phone);
      return { c, id: invited.judge.userId as string };
    }),
  );
}

const score = (j: Client, roundId: string, entryId: string, criteria: Record<string, unknown>) =>
  j.put(`/api/judge/rounds/${roundId}/entries/${entryId}/score`, { criteria });
const show = (j: Client, roundId: string, entryId: string, total: number) => ok(score(j, roundId, entryId, { show: total }));

const ranking = async (roundId: string) => (await ok(admin.get(`/api/admin/rounds/${roundId}/ranking`))).items as any[];

// ---- isolation ----

describe("a judge sees only her rounds", () => {
  let campaign: string;
  let round: string;
  let other: string;
  let foreign: string;
  let entry: string;
  let elsewhere: string;
  let judge: { c: Client; id: string } | undefined;

  beforeAll(async () => {
    campaign = await contest("hn.cs");
    entry = await approvedEntry(campaign, "hn.cs.yl", "岳麓姐妹舞蹈队");
    elsewhere = await approvedEntry(campaign, "hn.cs.fr");
    round = await newRound(campaign, { orgUnit: "hn.cs.yl", rubric: threeCriteria });
    other = await newRound(campaign, { orgUnit: "hn.cs.fr", rubric: threeCriteria });
    foreign = await newRound(await contest("hn.zz"), { rubric: threeCriteria });
    [judge] = await judges(round, 1);
    await judges(other, 1);
    await judges(foreign, 1);
  });

  it("another round, another campaign's, one that does not exist: 404 ROUND_NOT_FOUND, like an entrant's", async () => {
    const entrant = api.client();
    await entrant.signIn(api.newPhone());
    const attempts = [
      judge!.c.get(`/api/judge/rounds/${other}/entries`),
      judge!.c.get(`/api/judge/rounds/${foreign}/entries`),
      judge!.c.get(`/api/judge/rounds/r-nope/entries`),
      score(judge!.c, other, elsewhere, { art: 1, skill: 1, spirit: 1 }),
      judge!.c.post(`/api/judge/rounds/${other}/submit`),
      judge!.c.post(`/api/judge/rounds/${foreign}/entries/${entry}/recuse`, { reason: "认识" }),
      entrant.get(`/api/judge/rounds/${round}/entries`),
      score(entrant, round, entry, { art: 1, skill: 1, spirit: 1 }),
      admin.get(`/api/judge/rounds/${round}/entries`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("ROUND_NOT_FOUND");
    }
    expect((await api.client().get(`/api/judge/rounds/${round}/entries`)).status).toBe(401);
    const mine = await ok(judge!.c.get("/api/judge/assignments"));
    expect(mine.items.map((i: any) => i.round.id)).toEqual([round]);
    expect((await ok(entrant.get("/api/judge/assignments"))).items).toEqual([]);
  });

  it("an entry that is not in her round is 404, even of the same campaign", async () => {
    const res = await score(judge!.c, round, elsewhere, { art: 1, skill: 1, spirit: 1 });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("ENTRY_NOT_FOUND");
  });

  it("a blind round shows an entry number and no team or leader name, phone or unit", async () => {
    const sheet = await ok(judge!.c.get(`/api/judge/rounds/${round}/entries`));
    expect(sheet.items).toHaveLength(1);
    const [line] = sheet.items;
    expect(line.entryId).toBe(entry);
    expect(line.number).toBe("1号");
    expect(line).not.toHaveProperty("title");
    expect(line).not.toHaveProperty("orgUnit");
    expect(Object.keys(line.answers).sort()).toEqual(["description", "memberCount"]);
    const text = JSON.stringify(sheet);
    for (const secret of ["岳麓姐妹舞蹈队", LEADER, LEADER_PHONE, "hn.cs.yl\"", "teamName", "leaderPhone", "county"]) expect(text).not.toContain(secret);
    // The round itself says which rubric, and nothing of who runs it.
    expect(sheet.round.rubric.blind).toBe(true);
    expect(sheet.round.max).toBe(100);
  });

  it("a round that is not blind shows the team and its unit, still no leader name or phone", async () => {
    const open = await newRound(campaign, { orgUnit: "hn.cs.yl", rubric: { ...threeCriteria, blind: false } });
    const [j] = await judges(open, 1);
    const sheet = await ok(j!.c.get(`/api/judge/rounds/${open}/entries`));
    expect(sheet.items[0].title).toBe("岳麓姐妹舞蹈队");
    expect(sheet.items[0].orgUnit).toBe("hn.cs.yl");
    const text = JSON.stringify(sheet);
    expect(text).not.toContain(LEADER);
    expect(text).not.toContain(LEADER_PHONE);
  });
});

// ---- scores ----

describe("scores", () => {
  let campaign: string;

  beforeAll(async () => {
    campaign = await contest("hn.cs");
  });

  it("out of range, off the 0.1 step, missing or unknown: 422 naming each criterion", async () => {
    const entry = await approvedEntry(campaign, "hn.cs.tx");
    const round = await newRound(campaign, { orgUnit: "hn.cs.tx", rubric: threeCriteria });
    const [j] = await judges(round, 1);
    const res = await score(j!.c, round, entry, { art: 40.1, skill: 8.55, nope: 1 });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("VALIDATION");
    expect(res.json.error.details.fields).toEqual({
      "criteria.art": "SCORE_ABOVE_MAX",
      "criteria.skill": "SCORE_STEP",
      "criteria.spirit": "FIELD_REQUIRED",
      "criteria.nope": "SCORE_UNKNOWN_CRITERION",
    });
    const more = await score(j!.c, round, entry, { art: -1, skill: "8", spirit: 20 });
    expect(more.json.error.details.fields).toEqual({ "criteria.art": "FIELD_TOO_SMALL", "criteria.skill": "FIELD_INVALID" });
    const saved = await ok(score(j!.c, round, entry, { art: 40, skill: 0.1, spirit: 19.9 }));
    expect(saved.score.total).toBe(60);
    // A resave replaces: still one record, with the new total.
    await ok(score(j!.c, round, entry, { art: 30.5, skill: 30, spirit: 10 }));
    const sheet = await ok(j!.c.get(`/api/judge/rounds/${round}/entries`));
    expect(sheet.items[0].mine).toMatchObject({ kind: "score", criteria: { art: 30.5, skill: 30, spirit: 10 }, total: 70.5 });
    const progress = await ok(admin.get(`/api/admin/rounds/${round}/progress`));
    expect(progress.items).toEqual([expect.objectContaining({ entryId: entry, scores: 1 })]);
  });

  it("submit needs every entry scored or recused (409 ROUND_INCOMPLETE naming those left); after it, scores are locked (409 ROUND_LOCKED)", async () => {
    const [a, b] = [await approvedEntry(campaign, "hn.cs.kf"), await approvedEntry(campaign, "hn.cs.kf")];
    const round = await newRound(campaign, { orgUnit: "hn.cs.kf", rubric: oneCriterion("mean") });
    const [j] = await judges(round, 1);
    await show(j!.c, round, a, 80);
    const early = await j!.c.post(`/api/judge/rounds/${round}/submit`);
    expect(early.status).toBe(409);
    expect(early.json.error.code).toBe("ROUND_INCOMPLETE");
    expect(early.json.error.details).toEqual({ count: 1, entries: [{ entryId: b, number: expect.stringMatching(/号$/) }] });
    await ok(j!.c.post(`/api/judge/rounds/${round}/entries/${b}/recuse`, { reason: "领队是我亲戚" }));
    const done = await ok(j!.c.post(`/api/judge/rounds/${round}/submit`));
    expect(done.round.submitted).toBe(true);
    const late = await score(j!.c, round, a, { show: 90 });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe("ROUND_LOCKED");
    expect((await j!.c.post(`/api/judge/rounds/${round}/entries/${a}/recuse`, { reason: "晚了" })).json.error.code).toBe("ROUND_LOCKED");
    const sheet = await ok(j!.c.get(`/api/judge/rounds/${round}/entries`));
    expect(sheet.items.find((i: any) => i.entryId === a).mine.total).toBe(80);
    // Submitting again changes nothing.
    expect((await ok(j!.c.post(`/api/judge/rounds/${round}/submit`))).round.submittedAt).toBe(done.round.submittedAt);
  });

  it("negative control: without the lock, a save after submitting goes through — the test above would catch it", async () => {
    const a = await approvedEntry(campaign, "hn.cs.yh");
    const round = await newRound(campaign, { orgUnit: "hn.cs.yh", rubric: oneCriterion("mean") });
    const [j] = await judges(round, 1);
    await show(j!.c, round, a, 80);
    await ok(j!.c.post(`/api/judge/rounds/${round}/submit`));
    Object.assign(guards, { notSubmitted: guardsOff.notSubmitted });
    expect((await score(j!.c, round, a, { show: 90 })).status).toBe(200);
  });

  it("recusal: the aggregate uses the other judges' totals, and the ranking names her among the recused", async () => {
    const entry = await approvedEntry(campaign, "hn.cs.wc");
    const round = await newRound(campaign, { orgUnit: "hn.cs.wc", rubric: oneCriterion("trimmed_mean") });
    const js = await judges(round, 4);
    // She scored first, then stepped aside: her 100 must not count.
    await show(js[0]!.c, round, entry, 100);
    await ok(js[0]!.c.post(`/api/judge/rounds/${round}/entries/${entry}/recuse`, { reason: "是我们村的队" }));
    await show(js[1]!.c, round, entry, 60);
    await show(js[2]!.c, round, entry, 70);
    await show(js[3]!.c, round, entry, 90);
    const closed = await ok(admin.post(`/api/admin/rounds/${round}/close`, {}));
    expect(closed.forced).toBe(false);
    const [line] = await ranking(round);
    // Three totals left: 60 and 90 dropped, 70 is the score.
    expect(line.score).toBe(70);
    expect(line.scores.map((s: any) => [s.total, s.dropped])).toEqual(expect.arrayContaining([[60, true], [70, false], [90, true]]));
    expect(line.scores).toHaveLength(3);
    expect(line.recused).toHaveLength(1);
    expect(line.recused[0]).toMatch(/^1\d{2}\*{4}\d{4}$/);
    expect(line.fellBack).toBe(false);
  });
});

// ---- many judges at once ----

describe("nine judges saving at once on the same entries", () => {
  /** Every judge scores every entry at the same moment; how many of the 9 × n scores are not there after. */
  async function rush(entriesCount: number) {
    const campaign = await contest("hn.cs");
    const unit = "hn.cs.ly";
    const entries = await Promise.all(Array.from({ length: entriesCount }, () => approvedEntry(campaign, unit)));
    const round = await newRound(campaign, { orgUnit: unit, rubric: oneCriterion("mean") });
    const js = await judges(round, 9);
    // Each judge gives her own total, so a score that landed in the wrong place shows.
    // In tenths over 10, as judgeTotal computes it: the same double, so totals compare exactly.
    const given = (j: number, e: number) => (100 + j * 100 + e) / 10;
    const answers = await Promise.all(js.flatMap((j, ji) => entries.map((e, ei) => score(j.c, round, e, { show: given(ji, ei) }))));
    const statuses = answers.map((a) => a.status);
    const progress = await ok(admin.get(`/api/admin/rounds/${round}/progress`));
    const lines = await ranking(round);
    let lost = 0;
    for (const [ei, e] of entries.entries()) {
      const line = lines.find((l) => l.entryId === e);
      for (const [ji, j] of js.entries()) {
        if (!line?.scores.some((s: any) => s.judgeId === j.id && s.total === given(ji, ei))) lost++;
      }
    }
    return { statuses, lost, scored: progress.judges.map((j: any) => j.scored), perEntry: progress.items.map((i: any) => i.scores) };
  }

  it("lose no score: each judge's score of each entry is there, once", async () => {
    const { statuses, lost, scored, perEntry } = await rush(4);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(lost).toBe(0);
    expect(scored).toEqual(Array(9).fill(4));
    expect(perEntry).toEqual(Array(4).fill(9));
  });

  it("negative control: with one score item per entry shared by all judges, scores are lost and the test sees it", async () => {
    Object.assign(guards, { scoreKey: guardsOff.scoreKey });
    const { lost } = await rush(4);
    // Of each entry's nine scores, at most the last one written is left.
    expect(lost).toBeGreaterThanOrEqual(4 * 8);
  });
});

// ---- closing ----

describe("closing a round", () => {
  it("needs every non-recused score (409 ROUND_INCOMPLETE saying what is missing); force closes anyway and is in the audit log", async () => {
    const campaign = await contest("hn.cs");
    const [a, b] = [await approvedEntry(campaign, "hn.cs.nx"), await approvedEntry(campaign, "hn.cs.nx")];
    const round = await newRound(campaign, { orgUnit: "hn.cs.nx", rubric: oneCriterion("mean") });
    const [j1, j2] = await judges(round, 2);
    await show(j1!.c, round, a, 80);
    await show(j1!.c, round, b, 70);
    await show(j2!.c, round, a, 60);
    const refused = await admin.post(`/api/admin/rounds/${round}/close`, {});
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("ROUND_INCOMPLETE");
    expect(refused.json.error.details).toEqual({ count: 1, missing: [{ judgeId: j2!.id, count: 1, entries: [b] }] });
    // Still open: the missing score can be given.
    expect((await ok(admin.get(`/api/admin/rounds/${round}`))).round.status).toBe("open");
    await show(j2!.c, round, a, 65);

    const forced = await ok(admin.post(`/api/admin/rounds/${round}/close`, { force: true }));
    expect(forced.forced).toBe(true);
    expect(forced.round.status).toBe("closed");
    expect(forced.items.map((i: any) => [i.entryId, i.rank, i.score])).toEqual([
      [a, 1, 72.5],
      [b, 2, 70],
    ]);
    const audit = await ok(admin.get(`/api/admin/audit?campaignId=${campaign}`));
    expect(audit.items).toContainEqual(expect.objectContaining({ action: "round.force_close", target: round, details: expect.objectContaining({ missingScores: 1 }) }));
    // Closed: no more scores, and closing again changes nothing.
    expect((await score(j2!.c, round, b, { show: 50 })).json.error.code).toBe("ROUND_LOCKED");
    expect((await ok(admin.post(`/api/admin/rounds/${round}/close`, {}))).items).toEqual(forced.items);
  });
});

// ---- county → city → province ----

describe("the three levels: two county rounds feed a city round, the city round the province final", () => {
  it("holds exactly the winners of the rounds before (ties at the cut included), drops one highest and one lowest, and publishes", async () => {
    const campaign = await contest("hn", true);
    // 岳麓: 4 teams, the 2nd and 3rd tie at the cut of 2: three go on. 芙蓉: 3 teams, 2 go on.
    const yl = await Promise.all(["岳麓一队", "岳麓二队", "岳麓三队", "岳麓四队"].map((t) => approvedEntry(campaign, "hn.cs.yl", t)));
    const fr = await Promise.all(["芙蓉一队", "芙蓉二队", "芙蓉三队"].map((t) => approvedEntry(campaign, "hn.cs.fr", t)));
    // Not in either county round, nor in what follows them.
    const tx = await approvedEntry(campaign, "hn.cs.tx", "天心队");
    await approvedEntry(campaign, "hn.zz.ht", "荷塘队");

    const ylRound = await newRound(campaign, { name: "岳麓区初赛", orgUnit: "hn.cs.yl", rubric: oneCriterion("mean"), advance: 2 });
    const frRound = await newRound(campaign, { name: "芙蓉区初赛", orgUnit: "hn.cs.fr", rubric: oneCriterion("mean"), advance: 2 });
    const city = await newRound(campaign, { name: "长沙市复赛", orgUnit: "hn.cs", rubric: oneCriterion("trimmed_mean"), advance: 2, from: [ylRound, frRound] });

    // A round may follow only rounds of its campaign, below its unit, that send someone on.
    const bad = await admin.post(`/api/admin/campaigns/${campaign}/rounds`, { name: "x", orgUnit: "hn.zz", rubric: oneCriterion("mean"), from: [ylRound, "r-none"] });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.fields).toEqual({ "from.0": "FIELD_INVALID", "from.1": "FIELD_INVALID" });

    // The city round waits for its county rounds.
    const [cj1, cj2, cj3] = await judges(city, 3);
    expect((await cj1!.c.get(`/api/judge/rounds/${city}/entries`)).json.error.code).toBe("ROUND_NOT_READY");
    expect((await admin.post(`/api/admin/rounds/${city}/close`, {})).json.error.code).toBe("ROUND_NOT_READY");
    expect((await ok(cj1!.c.get("/api/judge/assignments"))).items[0].progress).toMatchObject({ ready: false });

    const [ylJudge] = await judges(ylRound, 1);
    for (const [e, total] of [[yl[0], 90], [yl[1], 80], [yl[2], 80], [yl[3], 50]] as const) await show(ylJudge!.c, ylRound, e!, total);
    const [frJudge] = await judges(frRound, 1);
    for (const [e, total] of [[fr[0], 70], [fr[1], 85], [fr[2], 60]] as const) await show(frJudge!.c, frRound, e!, total);
    await ok(admin.post(`/api/admin/rounds/${ylRound}/close`, {}));
    expect((await admin.post(`/api/admin/rounds/${city}/close`, {})).json.error.code).toBe("ROUND_NOT_READY");
    await ok(admin.post(`/api/admin/rounds/${frRound}/close`, {}));

    const ylRanking = await ranking(ylRound);
    expect(ylRanking.map((l) => [l.entryId, l.rank, l.advances, l.tiedAtCut])).toEqual([
      [yl[0], 1, true, false],
      ...[yl[1], yl[2]].sort().map((e) => [e, 2, true, true]),
      [yl[3], 4, false, false],
    ]);

    const sheet = await ok(cj1!.c.get(`/api/judge/rounds/${city}/entries`));
    const inCity = sheet.items.map((i: any) => i.entryId).sort();
    expect(inCity).toEqual([yl[0], yl[1], yl[2], fr[0], fr[1]].sort());
    expect(inCity).not.toContain(tx);

    // Three judges, trimmed mean: one highest and one lowest dropped, the middle one counts.
    const cityTotals: Record<string, [number, number, number]> = {
      [yl[0]!]: [90, 50, 70],
      [yl[1]!]: [60, 60, 61],
      [yl[2]!]: [95, 80, 85],
      [fr[0]!]: [40, 99, 75],
      [fr[1]!]: [30, 31, 32],
    };
    for (const [e, [x, y, z]] of Object.entries(cityTotals)) {
      await show(cj1!.c, city, e, x);
      await show(cj2!.c, city, e, y);
      await show(cj3!.c, city, e, z);
    }
    for (const j of [cj1, cj2, cj3]) await ok(j!.c.post(`/api/judge/rounds/${city}/submit`));
    await ok(admin.post(`/api/admin/rounds/${city}/close`, {}));
    const cityRanking = await ranking(city);
    expect(cityRanking.map((l) => [l.entryId, l.score, l.advances])).toEqual([
      [yl[2], 85, true],
      [fr[0], 75, true],
      [yl[0], 70, false],
      [yl[1], 60, false],
      [fr[1], 31, false],
    ]);
    const top = cityRanking[0];
    expect(top.scores.map((s: any) => [s.total, s.dropped]).sort()).toEqual([[80, true], [85, false], [95, true]]);

    // The province final follows the city round and holds its two.
    const final = await newRound(campaign, { name: "全省决赛", rubric: oneCriterion("median"), from: [city] });
    const [fj1, fj2] = await judges(final, 2);
    const finalSheet = await ok(fj1!.c.get(`/api/judge/rounds/${final}/entries`));
    expect(finalSheet.items.map((i: any) => i.entryId).sort()).toEqual([yl[2], fr[0]].sort());

    // Nothing public before publication.
    const before = await api.client().get(`/api/campaigns/${campaign}/results`);
    expect(before.status).toBe(404);
    expect(before.json.error.code).toBe("RESULTS_NOT_PUBLISHED");
    expect((await admin.post(`/api/admin/campaigns/${campaign}/results/publish`)).json.error.code).toBe("ROUND_NOT_READY");

    for (const [e, x, y] of [[yl[2], 88, 92], [fr[0], 95, 97]] as const) {
      await show(fj1!.c, final, e!, x);
      await show(fj2!.c, final, e!, y);
    }
    await ok(admin.post(`/api/admin/rounds/${final}/close`, {}));
    const published = await ok(admin.post(`/api/admin/campaigns/${campaign}/results/publish`));
    expect(published.results.status).toBe("publicity");
    expect(Date.parse(published.results.publicityEndsAt)).toBeGreaterThan(Date.now());

    const results = await ok(api.client().get(`/api/campaigns/${campaign}/results`));
    expect(results).toMatchObject({ status: "publicity", publicityEndsAt: published.results.publicityEndsAt });
    expect(results.items).toEqual([
      { entryId: fr[0], title: "芙蓉一队", rank: 1, judgeScore: 96 },
      { entryId: yl[2], title: "岳麓三队", rank: 2, judgeScore: 90 },
    ]);
    const campaignNow = await ok(api.client().get(`/api/campaigns/${campaign}`));
    expect(campaignNow.campaign.phase).toBe("publicity");
    const audit = await ok(admin.get(`/api/admin/audit?campaignId=${campaign}`));
    expect(audit.items).toContainEqual(expect.objectContaining({ action: "results.publish", target: final }));
  });
});

// ---- rounds as data ----

describe("rounds", () => {
  it("only in a campaign that has rounds, in its unit or below, run by an organiser of that unit", async () => {
    const cs = await contest("hn.cs");
    const event = (await ok(admin.post("/api/admin/campaigns", { kind: "event", title: "讲座", orgUnit: "hn.cs" }), 201)).campaign.id;
    expect((await admin.post(`/api/admin/campaigns/${event}/rounds`, { name: "x", rubric: threeCriteria })).json.error.code).toBe("NO_ROUNDS");
    const outside = await admin.post(`/api/admin/campaigns/${cs}/rounds`, { name: "x", orgUnit: "hn.zz", rubric: threeCriteria });
    expect(outside.status).toBe(422);
    expect(outside.json.error.details.fields).toEqual({ orgUnit: "FIELD_ORG_UNIT" });
    // Labels are text every judge reads: cleaned like any other.
    const bell = { ...threeCriteria, criteria: [{ ...threeCriteria.criteria[0]!, label: "艺术\u0007表现" }] };
    const dirty = await admin.post(`/api/admin/campaigns/${cs}/rounds`, { name: "x", rubric: bell });
    expect(dirty.status).toBe(422);
    expect(dirty.json.error.details.fields).toEqual({ "rubric.criteria.0.label": "FIELD_CHARACTERS" });
    const zz = api.client();
    await zz.signIn("13800000002");
    expect((await zz.post(`/api/admin/campaigns/${cs}/rounds`, { name: "x", rubric: threeCriteria })).status).toBe(403);
    const round = await newRound(cs, { rubric: threeCriteria });
    expect((await zz.get(`/api/admin/rounds/${round}`)).status).toBe(403);
    expect((await zz.post(`/api/admin/rounds/${round}/judges`, { phone: api.newPhone() })).status).toBe(403);
    const list = await ok(admin.get(`/api/admin/campaigns/${cs}/rounds`));
    expect(list.items.map((r: any) => r.id)).toEqual([round]);
    expect(list.items[0]).toMatchObject({ status: "open", orgUnit: "hn.cs", max: 100 });
  });

  it("judges: invited by number (account and role made), listed masked, removed only before they score", async () => {
    const cs = await contest("hn.cs");
    const entry = await approvedEntry(cs, "hn.cs.csx");
    const round = await newRound(cs, { orgUnit: "hn.cs.csx", rubric: oneCriterion("mean") });
    const phone = api.newPhone();
    const first = await ok(admin.post(`/api/admin/rounds/${round}/judges`, { phone }), 201);
    expect(first.judge.phone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    const again = await ok(admin.post(`/api/admin/rounds/${round}/judges`, { phone }), 200);
    expect(again.judge.userId).toBe(first.judge.userId);
    const j = api.client();
    const me = await j.signIn(phone);
    expect(me.roles).toContainEqual({ role: "judge" });
    const listed = await ok(admin.get(`/api/admin/rounds/${round}/judges`));
    expect(listed.items).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(phone);
    await show(j, round, entry, 50);
    expect((await admin.del(`/api/admin/rounds/${round}/judges/${first.judge.userId}`)).json.error.code).toBe("JUDGE_HAS_SCORES");
    const [other] = await judges(round, 1);
    expect((await admin.del(`/api/admin/rounds/${round}/judges/${other!.id}`)).status).toBe(204);
    expect((await other!.c.get(`/api/judge/rounds/${round}/entries`)).status).toBe(404);
  });
});
