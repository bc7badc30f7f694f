import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { Hono } from "hono";
import * as Idempotency from "@jinguo/core/idempotency";
import * as Registration from "@jinguo/core/registration";
import * as Campaigns from "@jinguo/core/campaigns";
import { countBetween, getItem, putItem, query, queryAll, transact } from "@jinguo/core/db";
import { fail } from "@jinguo/core/errors";
import { keys } from "@jinguo/core/table";
import { idempotent } from "../src/middleware/idempotency.ts";
import { onError } from "../src/errors.ts";
import type { AppEnv } from "../src/env.ts";
// Test-only: the invariant switches are not part of the registration module's public face.
import { guards, guardsOff } from "../../core/src/registration/guards.ts";
import { testApi, freshDb, fixedClock, lectureAnswers, LECTURES, type TestApi } from "../../../test/harness.ts";

/**
 * What a crash, a retry, a race or a late click must never do: each describe is one promise
 * the README's "Reliability" section makes, with the test that holds it.
 */
const original = { ...guards };
afterEach(() => Object.assign(guards, original));

type Client = ReturnType<TestApi["client"]>;
const HOUR = 3_600_000;

let api: TestApi;
let clock: ReturnType<typeof fixedClock>;
let admin: Client;
beforeAll(async () => {
  clock = fixedClock(new Date());
  api = await testApi({ clock });
  admin = api.client();
  await admin.signIn("13800000000");
});

const newSession = (capacity: number, waitlist: boolean, startsInMs = 20 * 86_400_000, title = `测试场 ${capacity}`) =>
  Registration.addSession(api.db, LECTURES, {
    title,
    startsAt: new Date(clock.now().getTime() + startsInMs).toISOString(),
    venue: "测试会场",
    capacity,
    waitlist,
  });

async function woman() {
  const phone = api.newPhone();
  const c = api.client();
  const user = await c.signIn(phone);
  return { c, phone, id: user.id };
}
type Woman = Awaited<ReturnType<typeof woman>>;

const register = (w: Woman, sessionId: string, headers?: Record<string, string>) =>
  w.c.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId, answers: lectureAnswers(w.phone) }, headers);

describe("a retry after a crash is never stuck on 'in progress'", () => {
  it("the dead request's claim is taken over after its lease, and the retry gets the registration it made", async () => {
    const session = await newSession(10, false);
    const w = await woman();
    const key = "rush-retry-1";
    const body = JSON.stringify({ sessionId: session.id, answers: lectureAnswers(w.phone) });
    // What the request that died had done: claimed the key and committed the registration,
    // but never stored its answer.
    const print = Idempotency.fingerprint(["POST", `/api/campaigns/${LECTURES}/registrations`, body]);
    expect((await Idempotency.claim(api.db, clock, w.id, key, print)).state).toBe("new");
    const made = await Registration.register(api.db, clock, {
      campaignId: LECTURES,
      sessionId: session.id,
      userId: w.id,
      answers: lectureAnswers(w.phone),
      requestKey: key,
    });

    const early = await w.c.post(`/api/campaigns/${LECTURES}/registrations`, body, { "idempotency-key": key });
    expect([early.status, early.json.error.code, early.headers.get("retry-after")]).toEqual([409, "IN_PROGRESS", "1"]);

    clock.advance(Idempotency.LEASE_MS + 1000);
    const retry = await w.c.post(`/api/campaigns/${LECTURES}/registrations`, body, { "idempotency-key": key });
    expect(retry.status, retry.text).toBe(201);
    expect(retry.json.registration.id).toBe(made.registration.id);
    expect(retry.json.registration.ticketCode).toBe(made.registration.ticketCode);
    // …and that answer is now the key's final one.
    const again = await w.c.post(`/api/campaigns/${LECTURES}/registrations`, body, { "idempotency-key": key });
    expect([again.status, again.headers.get("idempotent-replayed")]).toEqual([201, "true"]);
    expect((await Registration.getSession(api.db, LECTURES, session.id))!.taken).toBe(1);
  });

  it("another key of hers for the same session still hears ALREADY_REGISTERED", async () => {
    const session = await newSession(10, false);
    const w = await woman();
    expect((await register(w, session.id, { "idempotency-key": "first" })).status).toBe(201);
    const other = await register(w, session.id, { "idempotency-key": "second" });
    expect([other.status, other.json.error.code]).toEqual([409, "ALREADY_REGISTERED"]);
  });

  /** The middleware alone, over a handler that answers what the test tells it to; one key throughout. */
  function idempotentApp(handler: (c: any, call: number) => Response | Promise<Response>) {
    let calls = 0;
    const userId = `u-test-${Math.random()}`.slice(0, 16);
    const app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set("deps", { db: api.db, clock } as any);
        c.set("userId", userId);
        await next();
      })
      .post("/thing", idempotent, (c) => handler(c, ++calls));
    app.onError(onError);
    const key = `k-${Math.random()}`.slice(0, 14);
    const send = () => app.request("/thing", { method: "POST", headers: { "content-type": "application/json", "idempotency-key": key }, body: "{}" });
    return { send, calls: () => calls };
  }

  it.each([
    ["503 BUSY", () => fail("BUSY")],
    ["409 IN_PROGRESS", () => fail("IN_PROGRESS")],
    ["429 RATE_LIMITED", () => fail("RATE_LIMITED")],
  ])("%s is never remembered: the same key runs again", async (_name, notFinal) => {
    const { send, calls } = idempotentApp((c, call) => (call === 1 ? notFinal() : c.json({ made: call }, 201)));
    const first = await send();
    expect(first.status).toBeGreaterThanOrEqual(409);
    const second = await send();
    expect([second.status, (await second.json()) as unknown]).toEqual([201, { made: 2 }]);
    const third = await send();
    expect([third.status, third.headers.get("idempotent-replayed")]).toEqual([201, "true"]);
    expect(calls()).toBe(2);
  });

  it("BUSY says when to try again", async () => {
    const { send } = idempotentApp(() => fail("BUSY"));
    const res = await send();
    expect([res.status, res.headers.get("retry-after"), ((await res.json()) as any).error.code]).toEqual([503, "1", "BUSY"]);
  });
});

describe("a transaction that failed for another reason than a lost race", () => {
  it("is rethrown, not retried as if someone else had got there first", async () => {
    const db = await freshDb();
    await putItem(db, { pk: "X#1", sk: "X", n: "not a number" });
    // Adding to a string is a ValidationError cancellation reason, not a condition or a conflict.
    const attempt = transact(db, [{ update: { key: { pk: "X#1", sk: "X" }, update: "SET n = n + :one", values: { ":one": 1 } } }]);
    await expect(attempt).rejects.toThrow();
  });

  it("a failed condition is still reported as one", async () => {
    const db = await freshDb();
    await putItem(db, { pk: "X#2", sk: "X", n: 1 });
    const result = await transact(db, [{ put: { pk: "X#2", sk: "X" }, condition: { expression: "attribute_not_exists(pk)" } }]);
    expect(result).toEqual({ ok: false, failed: [0], conflict: false });
  });
});

describe("nothing moves once a session has begun", () => {
  async function startedSessionWithLine() {
    const session = await newSession(1, true, 2 * HOUR, "两小时后开讲");
    const [holder, waiter] = [await woman(), await woman()];
    const held = await register(holder, session.id);
    const waiting = await register(waiter, session.id);
    expect([held.json.registration.status, waiting.json.registration.status]).toEqual(["confirmed", "waitlisted"]);
    clock.advance(3 * HOUR);
    return { session, holder, held, waiter };
  }
  const statusOf = async (w: Woman, sessionId: string) =>
    (await w.c.get("/api/me/registrations")).json.items.find((i: any) => i.sessionId === sessionId).status;

  it("a cancellation after the start is refused, and nobody is promoted or texted", async () => {
    const { session, holder, held, waiter } = await startedSessionWithLine();
    const res = await holder.c.del(`/api/registrations/${held.json.registration.id}`);
    expect([res.status, res.json.error.code]).toEqual([409, "SESSION_STARTED"]);
    expect(await statusOf(waiter, session.id)).toBe("waitlisted");
    await api.deliverNotices();
    expect(api.notices.get(waiter.phone)).toBeUndefined();
    const after = (await Registration.getSession(api.db, LECTURES, session.id))!;
    expect([after.taken, after.waiting]).toEqual([1, 1]);
  });

  it("raising the capacity after the start promotes nobody", async () => {
    const { session, waiter } = await startedSessionWithLine();
    const res = await admin.patch(`/api/admin/campaigns/${LECTURES}/sessions/${session.id}`, { capacity: 5 });
    expect(res.status, res.text).toBe(200);
    expect(await statusOf(waiter, session.id)).toBe("waitlisted");
  });

  it("negative control: without the start condition the late cancellation promotes her", async () => {
    guards.notStarted = guardsOff.notStarted;
    const { session, holder, held, waiter } = await startedSessionWithLine();
    const res = await holder.c.del(`/api/registrations/${held.json.registration.id}`);
    expect(res.status).toBe(200);
    expect(await statusOf(waiter, session.id)).toBe("confirmed");
  });
});

describe("places in line", () => {
  it("twenty joining a full session at once are told distinct places 1..20, in the order of the line", async () => {
    for (let run = 0; run < 2; run++) {
      const session = await newSession(1, true);
      expect((await register(await woman(), session.id)).status).toBe(201);
      const line = await Promise.all(Array.from({ length: 20 }, woman));
      const joined = await Promise.all(line.map((w) => register(w, session.id)));
      expect(joined.map((r) => r.status)).toEqual(Array(20).fill(201));
      const told = joined.map((r) => r.json.registration.position as number);
      expect([...told].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      // The place she was told is the place she holds in the line as stored.
      const stored = await queryAll<{ registrationId: string }>(api.db, { partition: keys.registrationPartition(session.id), prefix: keys.waitlistPrefix() });
      const inLine = stored.map((s) => s.registrationId);
      joined.forEach((r) => expect(inLine.indexOf(r.json.registration.id) + 1).toBe(r.json.registration.position));
    }
  });
});

describe("a cancelled ticket", () => {
  it("scans as unknown; its code stays claimed, so it is never another woman's", async () => {
    const session = await newSession(5, false);
    const w = await woman();
    const reg = (await register(w, session.id)).json.registration;
    expect((await w.c.del(`/api/registrations/${reg.id}`)).status).toBe(200);
    const indexed = await query(api.db, { index: "gsi2", partition: keys.ticket(reg.ticketCode).gsi2pk });
    expect(indexed.items).toEqual([]);
    expect(await getItem(api.db, keys.ticketCodeClaim(reg.ticketCode))).toMatchObject({ sessionId: session.id });
    const scan = await admin.post("/api/admin/checkins", { ticketCode: reg.ticketCode });
    expect([scan.status, scan.json.error.code]).toEqual([404, "TICKET_NOT_FOUND"]);
  });
});

describe("the organiser's registration list", () => {
  it("pages on through sessions added or deleted between pages, each registration once", async () => {
    const campaign = await Campaigns.createCampaign(api.db, clock, { kind: "event", title: "翻页测试", orgUnit: "hn" });
    await Campaigns.publishCampaign(api.db, clock, campaign.id);
    const day = 86_400_000;
    const add = (title: string, days: number) =>
      Registration.addSession(api.db, campaign.id, { title, startsAt: new Date(clock.now().getTime() + days * day).toISOString(), venue: "某地", capacity: 10, waitlist: false });
    const sessions = [await add("第二场", 10), await add("第三场", 20)];
    const made: string[] = [];
    for (const s of sessions) {
      for (let i = 0; i < 3; i++) {
        const w = await woman();
        const res = await w.c.post(`/api/campaigns/${campaign.id}/registrations`, { sessionId: s.id, answers: lectureAnswers(w.phone) });
        expect(res.status, res.text).toBe(201);
        made.push(res.json.registration.id);
      }
    }
    const page1 = await admin.get(`/api/admin/campaigns/${campaign.id}/registrations?limit=4`);
    expect(page1.json.items).toHaveLength(4);
    // Between pages an earlier session is added and an empty one deleted: list positions shift.
    await add("加开的第一场", 5);
    const empty = await add("空场", 15);
    await Registration.deleteSession(api.db, campaign.id, empty.id);
    const page2 = await admin.get(`/api/admin/campaigns/${campaign.id}/registrations?limit=4&cursor=${page1.json.cursor}`);
    expect(page2.status, page2.text).toBe(200);
    const seen = [...page1.json.items, ...page2.json.items].map((r: any) => r.id);
    expect(seen.sort()).toEqual([...made].sort());
    expect(page2.json.cursor).toBeNull();
  });
});

describe("countBetween", () => {
  it("counts both ends, as its name says", async () => {
    const db = await freshDb();
    for (const sk of ["A#1", "A#2", "A#3", "B#1"]) await putItem(db, { pk: "P", sk });
    expect(await countBetween(db, "P", "A#1", "A#3")).toBe(3);
    expect(await countBetween(db, "P", "A#", "A#2")).toBe(2);
    expect(await countBetween(db, "P", "A#3", "A#1")).toBe(0);
  });
});

describe("a campaign change made on an older copy", () => {
  it("does not overwrite a phase opened a moment before: CAMPAIGN_CHANGED, and the phase stays open", async () => {
    const campaign = await Campaigns.createCampaign(api.db, clock, { kind: "contest", title: "版本测试", orgUnit: "hn" });
    const readByEditor = (await Campaigns.getCampaign(api.db, campaign.id))!;
    const opened = await Campaigns.openPhase(api.db, clock, campaign.id, "review");
    expect(Campaigns.currentPhase(opened.phases, clock.now())).toBe("review");
    const stale = Campaigns.updateCampaign(api.db, clock, campaign.id, { phases: readByEditor.phases, title: "改名" }, readByEditor);
    await expect(stale).rejects.toMatchObject({ code: "CAMPAIGN_CHANGED" });
    const now = (await Campaigns.getCampaign(api.db, campaign.id))!;
    expect([Campaigns.currentPhase(now.phases, clock.now()), now.title]).toEqual(["review", "版本测试"]);
    // On the fresh copy the same change goes through, and the version moves on.
    const ok = await Campaigns.updateCampaign(api.db, clock, campaign.id, { title: "改名" }, now);
    expect([ok.title, ok.version]).toEqual(["改名", now.version! + 1]);
  });

  it("through the API a PATCH answers with the new version", async () => {
    const res = await admin.get(`/api/admin/campaigns/${LECTURES}`);
    const patched = await admin.patch(`/api/admin/campaigns/${LECTURES}`, { descriptionEn: "Lectures across Hunan." });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.campaign.version).toBe(res.json.campaign.version + 1);
  });
});

describe("a session's unit", () => {
  let zz: Client, cs: Client;
  const PARENTS = "c-2019-parent-growth"; // 株洲's
  const HEALTH = "c-2019-health-lectures"; // 长沙's
  const future = () => new Date(clock.now().getTime() + 30 * 86_400_000).toISOString();
  beforeAll(async () => {
    [zz, cs] = [api.client(), api.client()];
    await zz.signIn("13800000002");
    await cs.signIn("13800000001");
  });

  it("is never outside the organiser's scope or her campaign's unit", async () => {
    const body = (orgUnit: string) => ({ title: "加场", startsAt: future(), venue: "某地", capacity: 10, waitlist: false, orgUnit });
    const outside = await zz.post(`/api/admin/campaigns/${PARENTS}/sessions`, body("hn.cs"));
    expect(outside.status, outside.text).toBeGreaterThanOrEqual(403);
    expect(["FORBIDDEN", "VALIDATION"]).toContain(outside.json.error.code);
    const own = await zz.post(`/api/admin/campaigns/${PARENTS}/sessions`, body("hn.zz.ht"));
    expect(own.status, own.text).toBe(201);
    const moved = await zz.patch(`/api/admin/campaigns/${PARENTS}/sessions/${own.json.session.id}`, { orgUnit: "hn.cs.yl" });
    expect(moved.status).toBeGreaterThanOrEqual(403);
    expect((await zz.get(`/api/admin/campaigns/${PARENTS}`)).json.campaign.sessions.find((s: any) => s.id === own.json.session.id).orgUnit).toBe("hn.zz.ht");
    const csOutside = await cs.post(`/api/admin/campaigns/${HEALTH}/sessions`, body("hn.zz"));
    expect(csOutside.status).toBeGreaterThanOrEqual(403);
    // The province may put a session of its own campaign in any city.
    expect((await admin.post(`/api/admin/campaigns/${LECTURES}/sessions`, body("hn.cs"))).status).toBe(201);
  });
});

describe("the registration module's face", () => {
  it("does not export the invariant switches", async () => {
    const mod = await import("@jinguo/core/registration");
    expect(Object.keys(mod)).not.toContain("guards");
    expect(Object.keys(mod)).not.toContain("guardsOff");
  });
});
