import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { inject } from "vitest";
import { createDb, getItem, type Db } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
import * as Voting from "@jinguo/core/voting";
// Test-only: the invariant switches are not part of the voting module's public face.
import { guards, guardsOff } from "../../core/src/voting/guards.ts";
import { testApi, fixedClock, readResponse, ORIGIN, type TestApi } from "../../../test/harness.ts";

const original = { ...guards };
afterEach(() => Object.assign(guards, original));

type Client = ReturnType<TestApi["client"]>;
type Res = Awaited<ReturnType<Client["request"]>>;

// 10:00 in China on 8 March 2019: the day starts at 16:00 UTC the evening before.
const clock = fixedClock("2019-03-08T02:00:00.000Z");
let api: TestApi;
let admin: Client;

beforeAll(async () => {
  api = await testApi({ clock });
  admin = api.client();
  await admin.signIn("13800000000");
});

async function ok(res: Promise<Res> | Res): Promise<any> {
  const r = await res;
  if (r.status >= 300) throw new Error(`${r.status} ${r.text}`);
  return r.json;
}

/** A woman signed in for the first time (her account is made now, by the clock). */
async function voter(): Promise<{ c: Client; id: string; phone: string }> {
  const c = api.client();
  const phone = api.newPhone();
  const user = await c.signIn(phone);
  return { c, id: user.id, phone };
}

/** The collection's own form (not the preset's, which is not what these tests are about). */
const storyForm = {
  fields: [
    { key: "title", label: "故事题目", type: "text", required: true, maxLength: 60, public: true },
    { key: "phone", label: "手机号", type: "phone", required: true, personal: true },
    { key: "story", label: "故事内容", type: "textarea", required: true, maxLength: 3000, public: true },
    { key: "consent", label: "我同意妇联展示我的故事", type: "consent", required: true },
  ],
};
const story = (phone: string, title: string) => ({ title, phone, story: "奶奶常说：吃亏是福，做人要厚道。", consent: true });

/**
 * A 长沙 story collection made through the API: published, `entries` stories submitted by their
 * authors and approved, then its voting phase opened now.
 */
async function votingCampaign(opts: { votesPerDay?: number; perEntryPerDay?: number; showCounts?: boolean; entries?: number; open?: boolean } = {}) {
  const voting = { votesPerDay: opts.votesPerDay ?? 3, perEntryPerDay: opts.perEntryPerDay ?? 1, showCounts: opts.showCounts ?? true };
  const id = (await ok(admin.post("/api/admin/campaigns", { kind: "collection", title: "好家风故事投票", orgUnit: "hn.cs", voting, form: storyForm }))).campaign.id as string;
  await ok(admin.post(`/api/admin/campaigns/${id}/publish`));
  const entries: string[] = [];
  for (let i = 0; i < (opts.entries ?? 4); i++) {
    const author = await voter();
    const entry = (await ok(author.c.post(`/api/campaigns/${id}/entries`, { answers: story(author.phone, `我家的家风 ${i + 1}`) }))).entry.id as string;
    await ok(admin.post(`/api/admin/entries/${entry}/approve`));
    entries.push(entry);
  }
  if (opts.open !== false) await ok(admin.post(`/api/admin/campaigns/${id}/phase`, { phase: "voting" }));
  return { id, entries };
}

/** A request as a browser somewhere sends it: its own address and user agent (what fraud review keeps, hashed). */
async function send(who: Client, method: string, path: string, body?: unknown, opts: { address?: string; agent?: string; key?: string } = {}) {
  const cookie = [...who.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await api.app.request(
    `${ORIGIN}${path}`,
    {
      method,
      headers: {
        origin: ORIGIN,
        host: "localhost",
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(opts.agent ? { "user-agent": opts.agent } : {}),
        ...(opts.key ? { "idempotency-key": opts.key } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    },
    opts.address ? { incoming: { socket: { remoteAddress: opts.address } } } : undefined,
  );
  return readResponse(res);
}

const vote = (who: Client, campaignId: string, entryId: string, opts: Parameters<typeof send>[4] = {}) =>
  send(who, "POST", `/api/campaigns/${campaignId}/votes`, { entryId }, opts);

/**
 * The public leaderboard as it is now: the board is an aggregate a few seconds old (the votes
 * themselves read it for the approved entries), so a test that has just voted drops it first.
 */
async function freshBoard(campaignId: string) {
  await Voting.forgetLeaderboard(api.db, campaignId);
  return api.client().get(`/api/campaigns/${campaignId}/leaderboard`);
}

const counted = (m: Map<string, Voting.Tally>) => [...m.values()].reduce((n, t) => n + t.votes, 0);
const codes = (results: Res[]) => results.map((r) => (r.status === 201 ? "201" : `${r.status} ${r.json?.error?.code}`));
const tally = (list: string[]) => list.reduce<Record<string, number>>((acc, k) => ((acc[k] = (acc[k] ?? 0) + 1), acc), {});

describe("casting a vote", () => {
  it("201 with the China day and what is left today; her votes today; the leaderboard counts it", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 3 });
    const v = await voter();
    const res = await vote(v.c, id, entries[0]!);
    expect(res.status, res.text).toBe(201);
    expect(res.json).toEqual({ vote: { id: expect.any(String), entryId: entries[0], day: "2019-03-08", at: clock.now().toISOString() }, remainingToday: 2 });
    const mine = await ok(v.c.get(`/api/me/votes?campaignId=${id}`));
    expect(mine).toMatchObject({ day: "2019-03-08", open: true, votesPerDay: 3, perEntryPerDay: 1, remainingToday: 2, items: [{ id: res.json.vote.id, entryId: entries[0] }] });
    const board = await freshBoard(id);
    expect(board.status).toBe(200);
    expect(board.headers.get("cache-control")).toBe("public, max-age=5");
    expect(board.headers.get("set-cookie")).toBeNull();
    expect(board.json.items[0]).toEqual({ entryId: entries[0], title: "我家的家风 1", votes: 1 });
    expect(board.json.items.slice(1).map((i: any) => i.votes)).toEqual([0, 0, 0]);
  });

  it("the campaign says how many votes a day, and her remaining count is in /me/votes before she votes", async () => {
    const { id } = await votingCampaign({ votesPerDay: 4 });
    expect((await ok(api.client().get(`/api/campaigns/${id}`))).campaign.voting).toMatchObject({ votesPerDay: 4, perEntryPerDay: 1 });
    expect((await ok((await voter()).c.get(`/api/me/votes?campaignId=${id}`))).remainingToday).toBe(4);
  });

  it("refused: not signed in 401, outside the voting phase PHASE_CLOSED, an entry not approved or of another campaign ENTRY_NOT_FOUND, a campaign without voting NO_VOTING", async () => {
    const v = await voter();
    const closed = await votingCampaign({ open: false, entries: 1 });
    const refusedPhase = await vote(v.c, closed.id, closed.entries[0]!);
    expect(refusedPhase.status).toBe(409);
    expect(refusedPhase.json.error).toMatchObject({ code: "PHASE_CLOSED", message: expect.any(String), details: { phase: "voting", opensAt: expect.any(String) } });

    const { id, entries } = await votingCampaign({ entries: 1 });
    expect((await vote(api.client(), id, entries[0]!)).status).toBe(401);
    const other = await vote(v.c, id, closed.entries[0]!);
    expect([other.status, other.json.error.code]).toEqual([404, "ENTRY_NOT_FOUND"]);
    // A story sent in but not yet approved (submitted while the collection still takes them).
    const author = await voter();
    const pending = (await ok(author.c.post(`/api/campaigns/${closed.id}/entries`, { answers: story(author.phone, "还没审核") }))).entry.id;
    await ok(admin.post(`/api/admin/campaigns/${closed.id}/phase`, { phase: "voting" }));
    expect((await vote(v.c, closed.id, pending)).json.error.code).toBe("ENTRY_NOT_FOUND");
    // Approved a moment ago: votable at once, not a few seconds later.
    await ok(admin.post(`/api/admin/entries/${pending}/approve`));
    expect((await vote(v.c, closed.id, pending)).status).toBe(201);

    const event = await vote(v.c, "c-2019-health-lectures", entries[0]!);
    expect([event.status, event.json.error.code]).toEqual([409, "NO_VOTING"]);
    expect((await vote(v.c, "c-nope", entries[0]!)).json.error.code).toBe("CAMPAIGN_NOT_FOUND");
    const bad = await send(v.c, "POST", `/api/campaigns/${id}/votes`, { entryId: "\ud800" });
    expect([bad.status, bad.json.error.code]).toEqual([422, "VALIDATION"]);
  });
});

describe("one vote per voter per entry per day", () => {
  /** One voter taps the same entry `n` times at once (with allowance to spare, so only the per-entry rule decides). */
  async function tapMany(n = 12) {
    const { id, entries } = await votingCampaign({ votesPerDay: 50, entries: 2 });
    const v = await voter();
    const results = await Promise.all(Array.from({ length: n }, () => vote(v.c, id, entries[0]!)));
    return { id, results, totals: await Voting.totals(api.db, id), recount: await Voting.recount(api.db, id) };
  }

  it("many taps at once: one vote, the others ALREADY_VOTED; counters, records and recount agree", async () => {
    const { results, totals, recount } = await tapMany();
    expect(tally(codes(results))).toEqual({ "201": 1, "409 ALREADY_VOTED": 11 });
    expect(counted(totals)).toBe(1);
    expect(recount.ok).toBe(true);
    expect(recount.read).toBe(1);
  });

  it("negative control: without the record's and the allowance's conditions several count, and the checks see it", async () => {
    // The allowance numbers all her votes of the day (`daily`), so it holds this rule too.
    Object.assign(guards, guardsOff);
    const { results, totals, recount } = await tapMany();
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThan(1);
    expect(counted(totals)).toBeGreaterThan(1);
    // The records (one item, overwritten) and the counters disagree: the recount says so.
    expect(recount.ok).toBe(false);
  });

  it("the next day she may vote for it again", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 2, entries: 2 });
    const v = await voter();
    const first = await vote(v.c, id, entries[0]!);
    expect(first.status).toBe(201);
    expect((await vote(v.c, id, entries[0]!)).json.error).toMatchObject({ code: "ALREADY_VOTED", details: { remainingToday: 1 } });
    clock.advance(86_400_000);
    const next = await vote(v.c, id, entries[0]!);
    expect(next.status, next.text).toBe(201);
    expect(next.json.vote.day).not.toBe(first.json.vote.day);
    expect((await ok(v.c.get(`/api/me/votes?campaignId=${id}`))).items.map((i: any) => i.id)).toEqual([next.json.vote.id]);
  });

  it("with perEntryPerDay 2, two votes for one entry a day (each its own record), the third ALREADY_VOTED, even all at once", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 10, perEntryPerDay: 2, entries: 2 });
    const v = await voter();
    const first = await vote(v.c, id, entries[0]!);
    const second = await vote(v.c, id, entries[0]!);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.json.vote.id).not.toBe(second.json.vote.id);
    expect((await vote(v.c, id, entries[0]!)).json.error.code).toBe("ALREADY_VOTED");
    const w = await voter();
    const burst = await Promise.all(Array.from({ length: 8 }, () => vote(w.c, id, entries[1]!)));
    expect(tally(codes(burst))).toEqual({ "201": 2, "409 ALREADY_VOTED": 6 });
    expect((await Voting.totals(api.db, id)).get(entries[1]!)?.votes).toBe(2);
    expect((await Voting.recount(api.db, id)).ok).toBe(true);
  });
});

describe("the daily allowance", () => {
  async function allAtOnce() {
    const { id, entries } = await votingCampaign({ votesPerDay: 3, entries: 10 });
    const v = await voter();
    const results = await Promise.all(entries.map((e) => vote(v.c, id, e)));
    return { results, totals: await Voting.totals(api.db, id) };
  }

  it("ten entries at once with three votes a day: three count, the others DAILY_LIMIT (429)", async () => {
    const { results, totals } = await allAtOnce();
    expect(tally(codes(results))).toEqual({ "201": 3, "429 DAILY_LIMIT": 7 });
    expect(counted(totals)).toBe(3);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.json.error).toEqual({ code: "DAILY_LIMIT", message: expect.any(String), details: { votesPerDay: 3, remainingToday: 0 } });
  });

  it("negative control: without the allowance's condition more than three count", async () => {
    guards.daily = guardsOff.daily;
    const { results, totals } = await allAtOnce();
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThan(3);
    expect(counted(totals)).toBeGreaterThan(3);
  });

  it("the next China day (from 16:00 UTC) gives a fresh allowance", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 2, entries: 3 });
    const v = await voter();
    // 23:59:59 in China.
    const day = new Date(clock.now().getTime() + 86_400_000);
    clock.set(`${day.toISOString().slice(0, 10)}T15:59:59.000Z`);
    const today = day.toISOString().slice(0, 10);
    expect((await vote(v.c, id, entries[0]!)).json.vote.day).toBe(today);
    expect((await vote(v.c, id, entries[1]!)).json.remainingToday).toBe(0);
    expect((await vote(v.c, id, entries[2]!)).json.error.code).toBe("DAILY_LIMIT");
    clock.advance(1_000); // 16:00:00 UTC: midnight in China
    const fresh = await vote(v.c, id, entries[2]!);
    expect(fresh.status, fresh.text).toBe(201);
    expect(fresh.json.vote.day).toBe(new Date(day.getTime() + 86_400_000).toISOString().slice(0, 10));
    expect(fresh.json.remainingToday).toBe(1);
    // Yesterday's entries are hers to vote for again today.
    expect((await vote(v.c, id, entries[0]!)).status).toBe(201);
    expect((await ok(v.c.get(`/api/me/votes?campaignId=${id}`))).remainingToday).toBe(0);
  });

  it("a bot replaying 1,000 requests from one identity counts at most the allowance", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 3, entries: 5 });
    const bot = await voter();
    const results: Res[] = [];
    for (let batch = 0; batch < 20; batch++) {
      results.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => vote(bot.c, id, entries[(batch * 50 + i) % entries.length]!)))));
    }
    const outcome = tally(codes(results));
    expect(outcome["201"]).toBe(3);
    expect(Object.keys(outcome).sort()).toEqual(["201", "409 ALREADY_VOTED", "429 DAILY_LIMIT"]);
    expect(counted(await Voting.totals(api.db, id))).toBe(3);
    expect((await Voting.recount(api.db, id)).read).toBe(3);
  });
});

describe("retries", () => {
  it("with the same Idempotency-Key: the first answer again, counted once — one after another and all at once", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 5, perEntryPerDay: 3, entries: 2 });
    const v = await voter();
    const first = await vote(v.c, id, entries[0]!, { key: "tap-1" });
    const again = await vote(v.c, id, entries[0]!, { key: "tap-1" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json).toEqual(first.json);
    const together = await Promise.all(Array.from({ length: 6 }, () => vote(v.c, id, entries[1]!, { key: "tap-2" })));
    expect(together.every((r) => r.status === 201 || (r.status === 409 && r.json.error.code === "IN_PROGRESS"))).toBe(true);
    expect(new Set(together.filter((r) => r.status === 201).map((r) => r.json.vote.id)).size).toBe(1);
    const totals = await Voting.totals(api.db, id);
    expect([totals.get(entries[0]!)?.votes, totals.get(entries[1]!)?.votes]).toEqual([1, 1]);
  });

  it("a retry whose first answer was never remembered (its request died) finds its vote instead of casting another", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 5, perEntryPerDay: 3, entries: 1 });
    const v = await voter();
    const input = { campaignId: id, entryId: entries[0]!, voterId: v.id, evidence: Voting.voteEvidence("s", "203.0.113.1", "ua"), requestKey: "lost-answer" };
    const one = await Voting.castVote(api.db, clock, input);
    const two = await Voting.castVote(api.db, clock, input);
    expect(two.vote.id).toBe(one.vote.id);
    expect((await Voting.totals(api.db, id)).get(entries[0]!)?.votes).toBe(1);
    // Another request (another key) is another vote, as perEntryPerDay allows.
    expect((await Voting.castVote(api.db, clock, { ...input, requestKey: "another" })).vote.ordinal).toBe(2);
  });
});

describe("several processes (Lambdas), each remembering what it saw", () => {
  /** Another process on the same table: its own client, its own memory of allowances and boards. */
  const otherProcess = () => createDb({ endpoint: inject("dynamoEndpoint"), tableName: api.db.tableName });

  it("a vote numbered from an allowance another process has since changed is refused by its conditions and cast again, counted once, with the right remainingToday", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 4, entries: 4 });
    const v = await voter();
    const evidence = Voting.voteEvidence("s", "203.0.113.9", "ua");
    const cast = (db: Db, e: number, requestKey?: string) => Voting.castVote(db, clock, { campaignId: id, entryId: entries[e]!, voterId: v.id, evidence, ...(requestKey ? { requestKey } : {}) });
    expect((await ok(vote(v.c, id, entries[0]!))).remainingToday).toBe(3);
    const b = otherProcess();
    expect((await cast(b, 1)).remainingToday).toBe(2);
    // This process remembers one vote of hers; there are two.
    expect((await ok(vote(v.c, id, entries[2]!))).remainingToday).toBe(1);
    expect((await cast(b, 3)).remainingToday).toBe(0);
    expect((await vote(v.c, id, entries[1]!)).json.error.code).toBe("ALREADY_VOTED");
    const limited = await Voting.castVote(otherProcess(), clock, { campaignId: id, entryId: entries[0]!, voterId: v.id, evidence }).catch((e) => e.code);
    expect(limited).toBe("ALREADY_VOTED");
    expect(counted(await Voting.totals(api.db, id))).toBe(4);
    expect((await Voting.recount(api.db, id)).ok).toBe(true);
  });

  it("a retry of a request counted by another process gets that vote back, even where this one would refuse", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 2, perEntryPerDay: 2, entries: 1 });
    const v = await voter();
    const evidence = Voting.voteEvidence("s", "203.0.113.9", "ua");
    const input = { campaignId: id, entryId: entries[0]!, voterId: v.id, evidence };
    const a = otherProcess();
    const first = await Voting.castVote(a, clock, { ...input, requestKey: "k-1" });
    await Voting.castVote(a, clock, { ...input, requestKey: "k-2" });
    // Process a now refuses any vote of hers today from memory; b has never seen her.
    for (const db of [a, otherProcess()]) {
      const again = await Voting.castVote(db, clock, { ...input, requestKey: "k-1" });
      expect(again).toEqual({ vote: first.vote, remainingToday: 0 });
    }
    expect((await Voting.totals(api.db, id)).get(entries[0]!)?.votes).toBe(2);
  });
});

describe("hot entries: sharded counters and the recount", () => {
  it("after many voters at once the recount from the records equals the counters, and the leaderboard says the same", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 3, entries: 5 });
    const voters = await Promise.all(Array.from({ length: 30 }, () => voter()));
    // Everyone votes for the first (the hot one) and two others, all at the same moment.
    const ballots = voters.flatMap((v, i) => [entries[0]!, entries[1 + (i % 4)]!, entries[1 + ((i + 1) % 4)]!].map((e) => ({ v, e })));
    const results = await Promise.all(ballots.map(({ v, e }) => vote(v.c, id, e)));
    expect(tally(codes(results))).toEqual({ "201": 90 });
    const accepted = tally(results.map((r) => r.json.vote.entryId));
    const recount = await Voting.recount(api.db, id);
    expect(recount.ok).toBe(true);
    expect(recount.read).toBe(90);
    expect(Object.fromEntries([...recount.counters].map(([e, t]) => [e, t.votes]))).toEqual(accepted);
    // The hot entry's votes are spread over the shards, not in one partition.
    const shards = new Set<number>();
    for (let s = 0; s < 10; s++) if (await getItem(api.db, keys.voteCounterShard(id, s, entries[0]!))) shards.add(s);
    expect(shards.size).toBeGreaterThan(3);
    const board = await ok(freshBoard(id));
    expect(board.items[0]).toEqual({ entryId: entries[0], title: "我家的家风 1", votes: 30 });
    expect(board.items.map((i: any) => i.votes)).toEqual([...board.items.map((i: any) => i.votes)].sort((a, b) => b - a));
    expect(Object.fromEntries(board.items.map((i: any) => [i.entryId, i.votes]))).toEqual(accepted);
  });

  it("is cheap under load: a second read within a few seconds reads nothing from the table", async () => {
    const { id, entries } = await votingCampaign({ entries: 2 });
    await vote((await voter()).c, id, entries[1]!);
    const reader = api.client();
    const first = await ok(freshBoard(id));
    // What a leaderboard read would touch: the campaign, its counters, its board, its approved entries.
    let sent = 0;
    const touches = (input: unknown) => /VOTECOUNT#|LEADERBOARD#|ENTRIES#approved/.test(JSON.stringify(input)) || JSON.stringify(input).includes(id);
    const count = (next: any) => async (args: any) => (touches(args.input) && sent++, next(args));
    api.db.client.middlewareStack.add(count, { step: "initialize", name: "countLeaderboardReads" });
    try {
      const again = await Promise.all(Array.from({ length: 20 }, () => ok(reader.get(`/api/campaigns/${id}/leaderboard`))));
      expect(again.every((b) => JSON.stringify(b) === JSON.stringify(first))).toBe(true);
      // The campaign comes from its few-seconds cache too.
      expect(sent).toBe(0);
    } finally {
      api.db.client.middlewareStack.remove("countLeaderboardReads");
    }
  });

  it("a campaign that hides counts shows the entries without them", async () => {
    const { id, entries } = await votingCampaign({ showCounts: false, entries: 2 });
    await vote((await voter()).c, id, entries[1]!);
    const board = await ok(freshBoard(id));
    expect(board.items).toEqual([
      { entryId: entries[1], title: "我家的家风 2" },
      { entryId: entries[0], title: "我家的家风 1" },
    ]);
  });
});

describe("what a vote keeps for fraud review", () => {
  it("a keyed hash of the network (/24, /64) and of the user agent, her account's age and sign-in: no address or agent in the clear", async () => {
    const { id, entries } = await votingCampaign({ votesPerDay: 5, entries: 5 });
    const v = await voter();
    const agent = "Mozilla/5.0 (iPhone) MicroMessenger/8.0";
    const cast = async (address: string, e: number) => (await ok(vote(v.c, id, entries[e]!, { address, agent }))).vote.id as string;
    const ids = [await cast("203.0.113.5", 0), await cast("::ffff:203.0.113.200", 1), await cast("203.0.114.1", 2), await cast("2001:db8:1:2::5", 3), await cast("2001:db8:1:2:ffff::1", 4)];
    const records = await Promise.all(
      ids.map(async (voteId) => {
        const p = Voting.parseVoteId(voteId)!;
        return (await getItem<Record<string, any>>(api.db, Voting.voteKey(id, p.day, p.voterId, p.entryId, p.ordinal)))!;
      }),
    );
    const text = JSON.stringify(records);
    for (const clear of ["203.0.113", "203.0.114", "2001:db8", "iPhone", "MicroMessenger", v.phone]) expect(text).not.toContain(clear);
    const [a, b, c, d, e] = records as [Record<string, any>, Record<string, any>, Record<string, any>, Record<string, any>, Record<string, any>];
    expect(a.network).toMatch(/^[\w-]{22}$/);
    expect(b.network).toBe(a.network);
    expect(c.network).not.toBe(a.network);
    expect(e.network).toBe(d.network);
    expect(new Set(records.map((r) => r.agent)).size).toBe(1);
    const user = await getItem<{ createdAt: string }>(api.db, keys.user(v.id));
    expect(a.voterSince).toBe(user!.createdAt);
    expect(a.signedInAt).toEqual(expect.any(String));
    expect(a.at).toBe(clock.now().toISOString());
  });

  it("the network of an address", () => {
    expect(Voting.networkOf("203.0.113.77")).toBe("203.0.113.0/24");
    expect(Voting.networkOf("::ffff:10.1.2.3")).toBe("10.1.2.0/24");
    expect(Voting.networkOf("2001:DB8:0:1:2:3:4:5")).toBe("2001:db8:0:1::/64");
    expect(Voting.networkOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(Voting.networkOf("::1")).toBe("0:0:0:0::/64");
    expect(Voting.networkOf("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    for (const junk of ["unknown", "", "1.2.3", "300.1.1.1", "1::2::3", "gggg::1", "1:2:3:4:5:6:7:8:9"]) expect(Voting.networkOf(junk)).toBe("unknown");
  });
});

describe("per-client rate limiting", () => {
  it("on: past the limit a client gets 429 RATE_LIMITED in the error shape (the per-voter rules hold either way)", async () => {
    const limited = await testApi({ clock, rateLimitPerClient: true });
    const organiser = limited.client();
    await organiser.signIn("13800000000");
    const v = limited.client();
    await v.signIn(limited.newPhone());
    const id = (await ok(organiser.post("/api/admin/campaigns", { kind: "collection", title: "限流", orgUnit: "hn.cs" }))).campaign.id;
    await ok(organiser.post(`/api/admin/campaigns/${id}/publish`));
    const results: Res[] = [];
    for (let i = 0; i < 121; i++) results.push(await v.post(`/api/campaigns/${id}/votes`, { entryId: "e-none" }));
    expect(new Set(results.slice(0, 120).map((r) => r.json.error.code))).toEqual(new Set(["PHASE_CLOSED"]));
    expect(results[120]!.status).toBe(429);
    expect(results[120]!.json).toEqual({ error: { code: "RATE_LIMITED", message: expect.any(String) } });
  });
});

describe("fraud review: anomalies and voiding", () => {
  it("finds a planted burst and a planted bot network; voiding by vote and by voter moves the counts, is audit-logged and shows publicly", async () => {
    const MIN = 60_000;
    const { id, entries } = await votingCampaign({ votesPerDay: 5, entries: 6, open: false });
    const [A, B, C, D, E] = entries as [string, string, string, string, string];
    // Honest voters' accounts are days old when they vote; so is the one that votes on a timer.
    const honest = await Promise.all(Array.from({ length: 60 }, () => voter()));
    const robot = await voter();
    clock.advance(2 * 86_400_000);
    clock.set(new Date(Math.ceil(clock.now().getTime() / MIN) * MIN));
    await ok(admin.post(`/api/admin/campaigns/${id}/phase`, { phase: "voting" }));

    // Half an hour of ordinary voting: two votes a minute on A and C.
    for (let i = 0; i < 60; i++) {
      await ok(vote(honest[i]!.c, id, i % 2 ? A : C));
      clock.advance(30_000);
    }
    // A burst: 40 votes on B within one minute.
    const burstIds: string[] = [];
    for (let i = 0; i < 40; i++) {
      burstIds.push((await ok(vote(honest[i]!.c, id, B))).vote.id);
      clock.advance(1_000);
    }
    clock.set(new Date(Math.ceil(clock.now().getTime() / MIN) * MIN));
    // A bot network: 15 accounts made a moment ago on one /24, each voting the instant it signs in.
    const bots: { id: string; voteId: string }[] = [];
    for (let i = 0; i < 15; i++) {
      const bot = await voter();
      bots.push({ id: bot.id, voteId: (await ok(vote(bot.c, id, C, { address: `198.51.100.${i + 1}`, agent: "okhttp/4.9" }))).vote.id });
      clock.advance(10_000);
    }
    // A script on a timer: five votes exactly two seconds apart.
    const robotVotes: string[] = [];
    for (const e of [A, B, C, D, E]) {
      robotVotes.push((await ok(vote(robot.c, id, e))).vote.id);
      clock.advance(2_000);
    }

    const zz = api.client();
    await zz.signIn("13800000002");
    expect((await zz.get(`/api/admin/campaigns/${id}/votes/anomalies`)).status).toBe(403);
    const review = await ok(admin.get(`/api/admin/campaigns/${id}/votes/anomalies`));
    expect(review.votesRead).toBe(60 + 40 + 15 + 5);
    const of = (kind: string) => review.items.filter((a: any) => a.kind === kind);

    const bursts = of("burst");
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ count: 40, evidence: { entryId: B, peakPerMinute: 40, trailingMedianPerMinute: 0, voters: 40 } });
    expect([...bursts[0].voteIds].sort()).toEqual([...burstIds].sort());
    expect(Date.parse(bursts[0].window.to) - Date.parse(bursts[0].window.from)).toBeLessThanOrEqual(MIN);

    const networks = of("new_voters_network");
    expect(networks).toHaveLength(1);
    expect(networks[0]).toMatchObject({ count: 15, evidence: { newWithinHour: 15, newWithinDay: 15, userAgents: 1, voters: 15 } });
    expect([...networks[0].voterIds].sort()).toEqual(bots.map((b) => b.id).sort());
    expect(networks[0].evidence.network).toMatch(/^[\w-]{22}$/);

    const instant = of("instant_after_sign_in");
    expect(instant).toHaveLength(1);
    expect([...instant[0].voteIds].sort()).toEqual(bots.map((b) => b.voteId).sort());

    const timers = of("regular_timing");
    expect(timers.map((a: any) => a.evidence.voterId)).toEqual([robot.id]);
    expect(timers[0].evidence).toMatchObject({ meanIntervalMs: 2000, stdevIntervalMs: 0 });

    // Voiding: the burst by vote, each bot and the robot by voter.
    expect((await zz.post(`/api/admin/campaigns/${id}/votes/void`, { voteIds: burstIds, reason: "刷票" })).status).toBe(403);
    const byVote = await ok(admin.post(`/api/admin/campaigns/${id}/votes/void`, { voteIds: [...burstIds, "2019-01-01.u1.e1.1"], reason: "同一分钟内集中投票" }));
    expect(byVote).toMatchObject({ notFound: ["2019-01-01.u1.e1.1"], alreadyVoided: [] });
    expect(byVote.voided).toHaveLength(40);
    expect(byVote.entries).toEqual([{ entryId: B, votes: 1, voided: 40 }]); // the robot's vote on B is still valid
    expect((await ok(admin.post(`/api/admin/campaigns/${id}/votes/void`, { voteIds: burstIds.slice(0, 3), reason: "再来一次" }))).alreadyVoided).toHaveLength(3);
    for (const bot of bots) expect((await ok(admin.post(`/api/admin/campaigns/${id}/votes/void`, { voterId: bot.id, reason: "新注册账号集中投票" }))).voided).toEqual([bot.voteId]);
    const robotVoided = await ok(admin.post(`/api/admin/campaigns/${id}/votes/void`, { voterId: robot.id, reason: "投票间隔完全一样" }));
    expect([...robotVoided.voided].sort()).toEqual([...robotVotes].sort());

    const recount = await Voting.recount(api.db, id);
    expect(recount.ok).toBe(true);
    expect(recount.counters.get(B)).toEqual({ votes: 0, voided: 41 });
    expect(recount.counters.get(C)).toEqual({ votes: 30, voided: 16 });
    expect(recount.counters.get(A)).toEqual({ votes: 30, voided: 1 });

    // Publicly: the voided beside the valid, at once (the cache was cleared).
    const board = await ok(api.client().get(`/api/campaigns/${id}/leaderboard`));
    expect(board.items.find((i: any) => i.entryId === B)).toEqual({ entryId: B, title: "我家的家风 2", votes: 0, voidedVotes: 41 });
    expect(board.items.find((i: any) => i.entryId === C)).toMatchObject({ votes: 30, voidedVotes: 16 });

    // Audit-logged, by whom and which votes.
    const log = (await ok(admin.get(`/api/admin/audit?campaignId=${id}&limit=100`))).items.filter((e: any) => e.action === "votes.void");
    expect(log).toHaveLength(1 + 15 + 1);
    const me = (await ok(admin.get("/api/me"))).user.id;
    expect(log.every((e: any) => e.actorId === me)).toBe(true);
    expect(log.some((e: any) => e.details.by === "vote" && e.details.voided === 40 && e.details.voteIds.length === 40)).toBe(true);
    expect(log.find((e: any) => e.target === robot.id)).toMatchObject({ details: { by: "voter", voided: 5 } });

    // What was voided is not looked at again; the votes are still stored; the allowance is not given back.
    const after = await ok(admin.get(`/api/admin/campaigns/${id}/votes/anomalies`));
    expect(after.items.map((a: any) => a.kind)).toEqual([]);
    expect(after.votesRead).toBe(60);
    const p = Voting.parseVoteId(robotVotes[0]!)!;
    expect(await getItem(api.db, Voting.voteKey(id, p.day, p.voterId, p.entryId, p.ordinal))).toMatchObject({ voidedAt: expect.any(String), voidReason: "投票间隔完全一样" });
    expect((await vote(robot.c, id, entries[5]!)).json.error.code).toBe("DAILY_LIMIT");
  });

  it("the window is checked: from before to, at most seven days; a body names votes or a voter, not both", async () => {
    const { id } = await votingCampaign({ entries: 1 });
    const bad = await admin.get(`/api/admin/campaigns/${id}/votes/anomalies?from=2019-03-01T00:00:00Z&to=2019-03-20T00:00:00Z`);
    expect([bad.status, bad.json.error.details.fields]).toEqual([422, { from: "FIELD_INVALID" }]);
    const both = await admin.post(`/api/admin/campaigns/${id}/votes/void`, { voteIds: ["x"], voterId: "u1", reason: "两个都写了" });
    expect(both.status).toBe(422);
    const none = await admin.post(`/api/admin/campaigns/${id}/votes/void`, { reason: "都没写" });
    expect(none.status).toBe(422);
    expect((await admin.get(`/api/admin/campaigns/c-2019-health-lectures/votes/anomalies`)).json.error.code).toBe("NO_VOTING");
  });
});

describe("the voting module's face", () => {
  it("does not export the invariant switches", async () => {
    const mod = await import("@jinguo/core/voting");
    expect(Object.keys(mod)).not.toContain("guards");
    expect(Object.keys(mod)).not.toContain("guardsOff");
  });
});
