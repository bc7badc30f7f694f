import { describe, it, expect, beforeAll, inject } from "vitest";
import { createDb, putItem } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
import { newId } from "@jinguo/core/ids";
import * as Campaigns from "@jinguo/core/campaigns";
import * as Judging from "@jinguo/core/judging";
import type { Entry } from "@jinguo/core/entries";
import { testApi, fixedClock, type TestApi } from "../../../test/harness.ts";

type Client = ReturnType<TestApi["client"]>;
const DAY = 86_400_000;

const clock = fixedClock(new Date());
let api: TestApi;
let admin: Client;
/** 长沙's organiser: her unit owns the campaigns made here */
let cs: Client;
/** 株洲's organiser: another unit's */
let zz: Client;
let adminId: string;

beforeAll(async () => {
  api = await testApi({ clock });
  admin = api.client();
  cs = api.client();
  zz = api.client();
  adminId = (await admin.signIn("13800000000")).id;
  await cs.signIn("13800000001");
  await zz.signIn("13800000002");
});

// ---- fixtures ----

async function ok<T = any>(res: Promise<{ status: number; json: any; text: string }>, status = 200): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status} ${r.text}`);
  return r.json as T;
}

async function refused(res: Promise<{ status: number; json: any; text: string }>, status: number, code: string) {
  const r = await res;
  expect(`${r.status} ${r.json?.error?.code}`).toBe(`${status} ${code}`);
  return r.json.error;
}

/** A published campaign of 长沙's from the kind's preset (its phases open now), with `settings`. */
async function campaign(kind: "collection" | "contest", settings: Record<string, unknown> = {}): Promise<string> {
  const id = (await ok(cs.post("/api/admin/campaigns", { kind, title: "结果测试", orgUnit: "hn.cs", ...settings }), 201)).campaign.id as string;
  await ok(cs.post(`/api/admin/campaigns/${id}/publish`));
  return id;
}

/** An approved entry of 长沙's, written as the entries module stores it. */
async function approvedEntry(campaignId: string, title: string): Promise<string> {
  const id = newId("e");
  const now = clock.now().toISOString();
  const entry: Entry = {
    id,
    campaignId,
    userId: newId("u"),
    orgUnit: "hn.cs",
    status: "approved",
    title,
    answers: { title, authorName: "周桂英", phone: "13911113333", story: "奶奶说，做人要实在。", consent: true },
    reviewedAt: now,
    reviewedBy: "u-reviewer",
    createdAt: now,
    updatedAt: now,
    version: 2,
  };
  await putItem(api.db, { ...keys.entry(id), ...keys.entryByStatus(campaignId, "approved", now, id), ...keys.entryByOwner(entry.userId, now, id), ...entry });
  return id;
}

/** Two criteria, the second counting double: the most is 1 × 10 + 2 × 10 = 30. */
const rubric = {
  criteria: [
    { key: "idea", label: "立意", weight: 1, max: 10 },
    { key: "writing", label: "文采", weight: 2, max: 10 },
  ],
  aggregate: "mean",
  blind: false,
};

/** A round of the campaign, one judge scoring each entry given, closed (forced: the others unranked): the ranking ready to publish. */
async function judged(campaignId: string, scores: [string, { idea: number; writing: number }][], force = false) {
  const round = (await ok(cs.post(`/api/admin/campaigns/${campaignId}/rounds`, { name: "终评", rubric }), 201)).round.id as string;
  const phone = api.newPhone();
  await ok(cs.post(`/api/admin/rounds/${round}/judges`, { phone }), 201);
  const judge = api.client();
  await judge.signIn(phone);
  for (const [entry, criteria] of scores) await ok(judge.put(`/api/judge/rounds/${round}/entries/${entry}/score`, { criteria }));
  await ok(cs.post(`/api/admin/rounds/${round}/close`, force ? { force } : {}));
  return round;
}

/** Vote totals as @jinguo/core/voting's `totals` gives them, counting how often they were asked. */
function stubTotals(initial: Record<string, { votes: number; voided: number }>) {
  const stub = {
    now: initial,
    calls: 0,
    totals: async (_db: unknown, _campaignId: string) => {
      stub.calls++;
      return new Map(Object.entries(stub.now));
    },
  };
  return stub;
}

/**
 * The public list as another process reads it: its own client of the same table, so nothing
 * this process keeps for a few seconds can hide what is stored.
 */
const storedResults = (id: string) => Judging.publicResults(createDb({ endpoint: inject("dynamoEndpoint"), tableName: api.db.tableName }), clock, id);

const getCampaign = async (id: string) => (await Campaigns.getCampaign(api.db, id))!;
const results = (id: string) => ok(api.client().get(`/api/campaigns/${id}/results`));

async function signedIn(): Promise<Client> {
  const c = api.client();
  await c.signIn(api.newPhone());
  return c;
}

// ---- combined ----

describe("combined results: judges' scores and public votes by the campaign's weights", () => {
  let id: string;
  let a: string;
  let b: string;
  let votes: ReturnType<typeof stubTotals>;

  beforeAll(async () => {
    id = await campaign("collection", { weights: { judges: 0.6, public: 0.4 } });
    a = await approvedEntry(id, "奶奶的针线筐");
    b = await approvedEntry(id, "爷爷的家训");
    // A: 9 + 2 × 9 = 27 of 30 (90%); B: full marks, 30 (100%).
    await judged(id, [
      [a, { idea: 9, writing: 9 }],
      [b, { idea: 10, writing: 10 }],
    ]);
    votes = stubTotals({ [a]: { votes: 30, voided: 5 }, [b]: { votes: 10, voided: 40 } });
  });

  it("a worked example: A 0.6 × 90 + 0.4 × 100 = 94 goes above B 0.6 × 100 + 0.4 × 33.33 = 73.33", async () => {
    expect((await api.client().get(`/api/campaigns/${id}/results`)).status).toBe(404);
    const published = await Judging.publishResults(api.db, api.clock, await getCampaign(id), adminId, votes.totals);
    expect(published).toMatchObject({ status: "publicity", already: false });
    const r = await results(id);
    expect(r).toMatchObject({ status: "publicity", objectionsOpen: true, combination: { weights: { judges: 0.6, public: 0.4 }, judgeMax: 30, topVotes: 30 } });
    expect(r.items).toEqual([
      { entryId: a, title: "奶奶的针线筐", rank: 1, judgeScore: 27, votes: 30, voidedVotes: 5, combined: 94 },
      { entryId: b, title: "爷爷的家训", rank: 2, judgeScore: 30, votes: 10, voidedVotes: 40, combined: 73.33 },
    ]);
    expect(votes.calls).toBe(1);
  });

  it("is frozen at publish: reading it counts nothing, publishing again changes nothing", async () => {
    votes.now = { [a]: { votes: 5, voided: 30 }, [b]: { votes: 10, voided: 40 } };
    const again = await Judging.publishResults(api.db, api.clock, await getCampaign(id), adminId, votes.totals);
    expect(again.already).toBe(true);
    for (const read of [await results(id), await storedResults(id)]) {
      expect(read.items.map((i: any) => [i.entryId, i.votes, i.combined])).toEqual([
        [a, 30, 94],
        [b, 10, 73.33],
      ]);
    }
    expect(votes.calls).toBe(1);
  });

  it("a refresh during 公示 counts again: A's voided votes move it below B; the weights stay those published", async () => {
    await ok(cs.patch(`/api/admin/campaigns/${id}`, { weights: { judges: 0.1, public: 0.9 } }));
    const refreshed = await Judging.refreshResults(api.db, api.clock, await getCampaign(id), adminId, votes.totals);
    expect(refreshed.previous).toBeDefined();
    const r = await results(id);
    // B now has the most votes (10): A 0.6 × 90 + 0.4 × 50 = 74, B 0.6 × 100 + 0.4 × 100 = 100.
    expect(r.combination).toEqual({ weights: { judges: 0.6, public: 0.4 }, judgeMax: 30, topVotes: 10 });
    expect(r.items.map((i: any) => [i.entryId, i.rank, i.votes, i.voidedVotes, i.combined])).toEqual([
      [b, 1, 10, 40, 100],
      [a, 2, 5, 30, 74],
    ]);
  });

  it("the organiser's refresh and finalise are hers: another unit's organiser is refused, changing nothing", async () => {
    await refused(zz.post(`/api/admin/campaigns/${id}/results/refresh`), 403, "FORBIDDEN");
    await refused(zz.post(`/api/admin/campaigns/${id}/results/finalise`), 403, "FORBIDDEN");
    await refused(api.client().post(`/api/admin/campaigns/${id}/results/finalise`), 401, "UNAUTHENTICATED");
    expect((await results(id)).status).toBe("publicity");
  });
});

describe("votes without weights, and no votes at all", () => {
  it("voting without declared weights: ranked by the judges, votes beside", async () => {
    const id = await campaign("collection");
    const a = await approvedEntry(id, "一封家书");
    const b = await approvedEntry(id, "老屋");
    await judged(id, [
      [a, { idea: 8, writing: 8 }],
      [b, { idea: 7, writing: 7 }],
    ]);
    const votes = stubTotals({ [a]: { votes: 1, voided: 0 }, [b]: { votes: 500, voided: 2 } });
    await Judging.publishResults(api.db, api.clock, await getCampaign(id), adminId, votes.totals);
    const r = await results(id);
    expect(r).not.toHaveProperty("combination");
    expect(r.items).toEqual([
      { entryId: a, title: "一封家书", rank: 1, judgeScore: 24, votes: 1, voidedVotes: 0 },
      { entryId: b, title: "老屋", rank: 2, judgeScore: 21, votes: 500, voidedVotes: 2 },
    ]);
  });

  it("weights but nobody voted: the public share is 0 for all, the judges' order stands", async () => {
    const id = await campaign("collection", { weights: { judges: 0.7, public: 0.3 } });
    const a = await approvedEntry(id, "甲");
    const b = await approvedEntry(id, "乙");
    await judged(id, [
      [a, { idea: 6, writing: 6 }],
      [b, { idea: 6, writing: 6 }],
    ]);
    // Through the API's publish: the votes module counts (none were cast).
    await ok(cs.post(`/api/admin/campaigns/${id}/results/publish`));
    const r = await results(id);
    expect(r.combination.topVotes).toBe(0);
    // 18 of 30 = 60%, × 0.7 = 42 for both: one shared rank.
    expect(r.items.map((i: any) => [i.rank, i.combined, i.votes])).toEqual([
      [1, 42, 0],
      [1, 42, 0],
    ]);
  });
});

describe("through the API: votes cast and voided, the list published, voided again during 公示", () => {
  it("publishes the worked example from real votes, frozen until the organiser refreshes it", async () => {
    const id = await campaign("collection", { weights: { judges: 0.6, public: 0.4 } });
    const a = await approvedEntry(id, "母亲的账本");
    const b = await approvedEntry(id, "一张奖状");
    await ok(cs.post(`/api/admin/campaigns/${id}/phase`, { phase: "voting" }));
    const voters = await Promise.all(Array.from({ length: 4 }, () => signedIn()));
    const ids = await Promise.all(voters.map(async (v) => (await ok(v.get("/api/me"))).user.id as string));
    for (const v of voters) await ok(v.post(`/api/campaigns/${id}/votes`, { entryId: a }), 201);
    await ok(voters[0]!.post(`/api/campaigns/${id}/votes`, { entryId: b }), 201);
    // The fourth voter was brushing votes: A keeps 3 valid, 1 voided.
    await ok(cs.post(`/api/admin/campaigns/${id}/votes/void`, { voterId: ids[3], reason: "同一设备批量注册" }));
    await judged(id, [
      [a, { idea: 9, writing: 9 }],
      [b, { idea: 10, writing: 10 }],
    ]);

    await ok(cs.post(`/api/admin/campaigns/${id}/results/publish`));
    const published = await results(id);
    expect(published.combination).toEqual({ weights: { judges: 0.6, public: 0.4 }, judgeMax: 30, topVotes: 3 });
    expect(published.items).toEqual([
      { entryId: a, title: "母亲的账本", rank: 1, judgeScore: 27, votes: 3, voidedVotes: 1, combined: 94 },
      { entryId: b, title: "一张奖状", rank: 2, judgeScore: 30, votes: 1, voidedVotes: 0, combined: 73.33 },
    ]);

    // An objection shows the first voter brushed too: her votes are voided during 公示.
    await ok(cs.post(`/api/admin/campaigns/${id}/votes/void`, { voterId: ids[0], reason: "异议核实：刷票" }));
    expect((await storedResults(id)).items).toEqual(published.items);
    const refreshed = await ok(cs.post(`/api/admin/campaigns/${id}/results/refresh`));
    expect(refreshed.results).toMatchObject({ status: "publicity", votesCountedAt: clock.now().toISOString() });
    // A 2 valid (the most), B none: A 0.6 × 90 + 0.4 × 100 = 94, B 0.6 × 100 + 0 = 60.
    expect((await results(id)).items.map((i: any) => [i.entryId, i.rank, i.votes, i.voidedVotes, i.combined])).toEqual([
      [a, 1, 2, 2, 94],
      [b, 2, 0, 1, 60],
    ]);
    const audit = await ok(cs.get(`/api/admin/audit?campaignId=${id}`));
    expect(audit.items).toContainEqual(expect.objectContaining({ action: "results.refresh" }));
  });
});

// ---- objections and finalising (these move the clock on: they come last) ----

describe("公示: objections, then final", () => {
  let id: string;
  let a: string;
  let b: string;
  let other: string;
  const phone = "13912345678";
  let objector: Client;
  let objectorPhone: string;
  const lodged: string[] = [];

  beforeAll(async () => {
    // 公示 as planned: 7 days, ending 9 days from now (publishing opens it early and keeps its end).
    const at = (days: number) => new Date(clock.now().getTime() + days * DAY).toISOString();
    const phases = [
      { name: "submission", opensAt: at(0), closesAt: at(1) },
      { name: "judging", opensAt: at(1), closesAt: at(2) },
      { name: "publicity", opensAt: at(2), closesAt: at(9) },
    ];
    id = await campaign("collection", { weights: { judges: 0.5, public: 0.5 }, phases });
    a = await approvedEntry(id, "家有好媳妇");
    b = await approvedEntry(id, "三代同堂");
    // In the round, but no judge scored it: unranked, so not in the published list.
    other = await approvedEntry(id, "没评上分的故事");
    await judged(
      id,
      [
        [a, { idea: 9, writing: 8 }],
        [b, { idea: 7, writing: 9 }],
      ],
      true,
    );
    objectorPhone = api.newPhone();
    objector = api.client();
    await objector.signIn(objectorPhone);
  });

  it("before the results are published: 404, nothing to object to", async () => {
    await refused(objector.post(`/api/campaigns/${id}/objections`, { entryId: a, text: "有异议" }), 404, "RESULTS_NOT_PUBLISHED");
    await Judging.publishResults(api.db, api.clock, await getCampaign(id), adminId, stubTotals({ [a]: { votes: 3, voided: 0 } }).totals);
  });

  it("during 公示, signed in: 201 received; audit-logged with ids only", async () => {
    await refused(api.client().post(`/api/campaigns/${id}/objections`, { entryId: a, text: "有异议" }), 401, "UNAUTHENTICATED");
    const text = "这个故事我在别的地方看到过，请核实是不是原创。\n谢谢！";
    const res = await ok(objector.post(`/api/campaigns/${id}/objections`, { entryId: a, text, contact: phone }), 201);
    expect(res.objection).toEqual({ id: expect.stringMatching(/^o/), entryId: a, createdAt: clock.now().toISOString(), status: "received" });
    lodged.push(res.objection.id);
    const audit = await ok(cs.get(`/api/admin/audit?campaignId=${id}`));
    const entry = audit.items.find((i: any) => i.action === "objection.create");
    expect(entry).toMatchObject({ target: res.objection.id, details: { entryId: a } });
    const logged = JSON.stringify(audit);
    expect(logged).not.toContain("原创");
    expect(logged).not.toContain(phone);
    expect(logged).not.toContain(objectorPhone);
  });

  it("names an entry of the published list, with text of the right length", async () => {
    const fields = async (body: unknown) => (await refused(objector.post(`/api/campaigns/${id}/objections`, body), 422, "VALIDATION")).details.fields;
    expect(await fields({ entryId: other, text: "没进终评也想说" })).toEqual({ entryId: "FIELD_INVALID" });
    expect(await fields({ entryId: "e-nope", text: "不存在" })).toEqual({ entryId: "FIELD_INVALID" });
    expect(await fields({ entryId: a, text: "字".repeat(1001) })).toEqual({ text: "FIELD_TOO_LONG" });
    expect(await fields({ entryId: a, text: "   " })).toEqual({ text: "FIELD_REQUIRED" });
    expect(await fields({ entryId: a, text: "有异议", contact: "微信\nabc" })).toEqual({ contact: "FIELD_ONE_LINE" });
    expect(await fields({ entryId: a, text: "有异议", contact: "x".repeat(61) })).toEqual({ contact: "FIELD_TOO_LONG" });
    await refused(objector.post(`/api/campaigns/c-nope/objections`, { entryId: a, text: "有异议" }), 404, "CAMPAIGN_NOT_FOUND");
  });

  it("at most 5 a day per person per campaign (429 after), mistakes not counted", async () => {
    const busy = await signedIn();
    for (const mistake of [{ entryId: other, text: "错的" }, { entryId: b, text: "" }, { entryId: b, text: "字".repeat(1001) }]) {
      expect((await busy.post(`/api/campaigns/${id}/objections`, mistake)).status).toBe(422);
    }
    for (let i = 0; i < 5; i++) lodged.push((await ok(busy.post(`/api/campaigns/${id}/objections`, { entryId: b, text: `第${i + 1}条异议`, contact: "微信 guiying_88" }), 201)).objection.id);
    await refused(busy.post(`/api/campaigns/${id}/objections`, { entryId: b, text: "第6条" }), 429, "RATE_LIMITED");
    // Someone else is not held back by her.
    lodged.push((await ok((await signedIn()).post(`/api/campaigns/${id}/objections`, { entryId: b, text: "我也有意见" }), 201)).objection.id);
  });

  it("seen by the organisers who manage the campaign: the contact whole only to the unit that owns it, the objector's number always masked", async () => {
    const own = await ok(cs.get(`/api/admin/campaigns/${id}/objections`));
    expect(own.items).toHaveLength(lodged.length);
    const first = own.items.find((o: any) => o.id === lodged[0]);
    expect(first).toMatchObject({ entryId: a, contact: phone, status: "received", objector: { phone: `${objectorPhone.slice(0, 3)}****${objectorPhone.slice(-4)}` } });
    expect(first.text).toContain("原创");
    expect(JSON.stringify(own)).not.toContain(objectorPhone);
    // The province manages it too, but the people's details stay 长沙's.
    const above = await ok(admin.get(`/api/admin/campaigns/${id}/objections`));
    expect(above.items.find((o: any) => o.id === lodged[0]).contact).toBe("139****5678");
    expect(above.items.find((o: any) => o.id === lodged[1]).contact).toBe("微****");
    expect(JSON.stringify(above)).not.toContain(phone);
    // Another unit's organiser, and the objector herself, do not see them.
    await refused(zz.get(`/api/admin/campaigns/${id}/objections`), 403, "FORBIDDEN");
    await refused(objector.get(`/api/admin/campaigns/${id}/objections`), 403, "FORBIDDEN");
    // A page at a time.
    const page = await ok(cs.get(`/api/admin/campaigns/${id}/objections?limit=2`));
    expect(page.items).toHaveLength(2);
    const rest = await ok(cs.get(`/api/admin/campaigns/${id}/objections?limit=100&cursor=${page.cursor}`));
    expect([...page.items, ...rest.items].map((o: any) => o.id).sort()).toEqual([...lodged].sort());
  });

  it("finalising before 公示 ends: 409 NOT_FINAL_YET, saying when it ends", async () => {
    const error = await refused(cs.post(`/api/admin/campaigns/${id}/results/finalise`), 409, "NOT_FINAL_YET");
    expect(Date.parse(error.details.publicityEndsAt)).toBeGreaterThan(clock.now().getTime());
    expect((await results(id)).status).toBe("publicity");
  });

  it("after 公示: no more objections, nor a refresh; final once every objection is dealt with", async () => {
    clock.advance(9 * DAY);
    expect(await results(id)).toMatchObject({ status: "publicity", objectionsOpen: false });
    await refused(objector.post(`/api/campaigns/${id}/objections`, { entryId: a, text: "晚了一步" }), 409, "PUBLICITY_CLOSED");
    await refused(cs.post(`/api/admin/campaigns/${id}/results/refresh`), 409, "PUBLICITY_CLOSED");
    const open = await refused(cs.post(`/api/admin/campaigns/${id}/results/finalise`), 409, "OBJECTIONS_UNRESOLVED");
    expect(open.details.count).toBe(lodged.length);

    await refused(zz.post(`/api/admin/campaigns/${id}/objections/${lodged[0]}/resolve`, { resolution: "维持" }), 403, "FORBIDDEN");
    await refused(cs.post(`/api/admin/campaigns/${id}/objections/onope/resolve`, { resolution: "维持" }), 404, "OBJECTION_NOT_FOUND");
    await refused(cs.post(`/api/admin/campaigns/${id}/objections/${lodged[0]!.slice(0, -1)}x/resolve`, { resolution: "维持" }), 404, "OBJECTION_NOT_FOUND");
    const resolved = await ok(cs.post(`/api/admin/campaigns/${id}/objections/${lodged[0]}/resolve`, { resolution: "经核实是作者原创，维持结果。" }));
    expect(resolved.objection).toMatchObject({ id: lodged[0], status: "resolved", resolution: "经核实是作者原创，维持结果。", contact: phone });
    for (const o of lodged.slice(1)) await ok(admin.post(`/api/admin/campaigns/${id}/objections/${o}/resolve`, { resolution: "已回复" }));

    const final = await ok(cs.post(`/api/admin/campaigns/${id}/results/finalise`));
    expect(final.results.status).toBe("final");
    const r = await results(id);
    expect(r).toMatchObject({ status: "final", objectionsOpen: false, finalisedAt: clock.now().toISOString() });
    expect(r.items.map((i: any) => i.entryId)).toEqual([a, b]);
    await refused(cs.post(`/api/admin/campaigns/${id}/results/finalise`), 409, "ALREADY_FINAL");
    await refused(cs.post(`/api/admin/campaigns/${id}/objections/${lodged[0]}/resolve`, { resolution: "改一下" }), 409, "ALREADY_FINAL");
    const audit = await ok(cs.get(`/api/admin/audit?campaignId=${id}`));
    expect(audit.items).toContainEqual(expect.objectContaining({ action: "results.finalise", details: { early: false } }));
    expect(audit.items.filter((i: any) => i.action === "objection.resolve")).toHaveLength(lodged.length);
  });

  it("公示 closed by hand ends it early: objections stop and it can be finalised, the audit saying early", async () => {
    const contest = await campaign("contest");
    const e = await approvedEntry(contest, "广场舞队");
    const round = (await ok(cs.post(`/api/admin/campaigns/${contest}/rounds`, { name: "决赛", rubric }), 201)).round.id as string;
    await ok(cs.post(`/api/admin/rounds/${round}/close`, { force: true }));
    await ok(cs.post(`/api/admin/campaigns/${contest}/results/publish`));
    await refused(cs.post(`/api/admin/campaigns/${contest}/results/finalise`), 409, "NOT_FINAL_YET");
    // Force-closed with no score: nobody is in the list, so there is nothing to object to.
    await refused(objector.post(`/api/campaigns/${contest}/objections`, { entryId: e, text: "有异议" }), 422, "VALIDATION");
    await ok(cs.post(`/api/admin/campaigns/${contest}/phase`, { phase: "closed" }));
    await refused(objector.post(`/api/campaigns/${contest}/objections`, { entryId: e, text: "有异议" }), 409, "PUBLICITY_CLOSED");
    await ok(cs.post(`/api/admin/campaigns/${contest}/results/finalise`));
    expect((await results(contest)).status).toBe("final");
    const audit = await ok(cs.get(`/api/admin/audit?campaignId=${contest}`));
    expect(audit.items).toContainEqual(expect.objectContaining({ action: "results.finalise", details: { early: true, plannedEnd: expect.any(String) } }));
  });

  it("a campaign without 公示 is final when published: no objections", async () => {
    const id2 = (
      await ok(
        cs.post("/api/admin/campaigns", {
          kind: "contest",
          title: "无公示",
          orgUnit: "hn.cs",
          phases: [{ name: "judging", opensAt: clock.now().toISOString(), closesAt: new Date(clock.now().getTime() + DAY).toISOString() }],
        }),
        201,
      )
    ).campaign.id as string;
    await ok(cs.post(`/api/admin/campaigns/${id2}/publish`));
    const e = await approvedEntry(id2, "队伍");
    await judged(id2, [[e, { idea: 5, writing: 5 }]]);
    const published = await ok(cs.post(`/api/admin/campaigns/${id2}/results/publish`));
    expect(published.results.status).toBe("final");
    expect(await results(id2)).toMatchObject({ status: "final", objectionsOpen: false, items: [{ entryId: e, rank: 1, judgeScore: 15 }] });
    await refused(objector.post(`/api/campaigns/${id2}/objections`, { entryId: e, text: "有异议" }), 409, "PUBLICITY_CLOSED");
    await refused(cs.post(`/api/admin/campaigns/${id2}/results/finalise`), 409, "ALREADY_FINAL");
  });
});
