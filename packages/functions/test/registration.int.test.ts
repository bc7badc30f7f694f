import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { addSession, getSession } from "@jinguo/core/registration";
// Test-only: the invariant switches are not part of the registration module's public face.
import { guards, guardsOff } from "../../core/src/registration/guards.ts";
import { queryAll } from "@jinguo/core/db";
import { testApi, lectureAnswers, LECTURES, type TestApi } from "../../../test/harness.ts";

const original = { ...guards };
afterEach(() => Object.assign(guards, original));

let api: TestApi;
let admin: ReturnType<TestApi["client"]>;
beforeAll(async () => {
  api = await testApi();
  admin = api.client();
  await admin.signIn("13800000000");
});

async function newSession(capacity: number, waitlist: boolean) {
  return addSession(api.db, LECTURES, {
    title: `测试场 ${capacity}`,
    startsAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
    venue: "测试会场",
    capacity,
    waitlist,
  });
}

async function women(n: number) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const phone = api.newPhone();
      const c = api.client();
      await c.signIn(phone);
      return { c, phone };
    }),
  );
}

const register = (w: { c: ReturnType<TestApi["client"]>; phone: string }, sessionId: string, headers?: Record<string, string>) =>
  w.c.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId, answers: lectureAnswers(w.phone) }, headers);

/** The invariant itself, read from the table: confirmed registrations never exceed capacity. */
async function seatsHeld(sessionId: string) {
  const items = await queryAll<{ sk: string; status: string }>(api.db, { partition: `SESSION#${sessionId}`, prefix: "REG#" });
  return items.filter((i) => i.status === "confirmed").length;
}

describe("the last seats", () => {
  async function rush(capacity: number, people: number) {
    const session = await newSession(capacity, false);
    const crowd = await women(people);
    const results = await Promise.all(crowd.map((w) => register(w, session.id)));
    const after = (await getSession(api.db, LECTURES, session.id))!;
    return { results, after, held: await seatsHeld(session.id), capacity };
  }

  it("are never oversold, however many ask at once", async () => {
    const { results, after, held, capacity } = await rush(5, 40);
    expect(results.filter((r) => r.status === 201)).toHaveLength(capacity);
    expect(results.filter((r) => r.status === 409).every((r) => r.json.error.code === "SEATS_FULL")).toBe(true);
    expect(results.filter((r) => r.status !== 201 && r.status !== 409)).toEqual([]);
    expect(after.taken).toBe(capacity);
    expect(held).toBe(capacity);
  });

  it("negative control: without the seat condition the same rush oversells, and the check sees it", async () => {
    guards.seat = guardsOff.seat;
    const { held, capacity } = await rush(5, 40);
    expect(held).toBeGreaterThan(capacity);
  });
});

describe("one registration per woman per session", () => {
  async function tapMany(times: number) {
    const session = await newSession(50, true);
    const [w] = await women(1);
    const results = await Promise.all(Array.from({ length: times }, () => register(w!, session.id)));
    return { results, after: (await getSession(api.db, LECTURES, session.id))! };
  }

  it("holds when she taps ten times at once", async () => {
    const { results, after } = await tapMany(10);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).map((r) => r.json.error.code)).toEqual(Array(9).fill("ALREADY_REGISTERED"));
    expect(after.taken).toBe(1);
  });

  it("negative control: without the key condition she holds several seats", async () => {
    guards.oneRegistration = guardsOff.oneRegistration;
    const { after } = await tapMany(10);
    expect(after.taken).toBeGreaterThan(1);
  });

  it("a woman who holds a seat in a full session is told she is registered, not that it is full", async () => {
    const session = await newSession(1, false);
    const [w] = await women(1);
    expect((await register(w!, session.id)).status).toBe(201);
    const again = await register(w!, session.id);
    expect([again.status, again.json.error.code]).toEqual([409, "ALREADY_REGISTERED"]);
  });

  it("lets her register again after cancelling", async () => {
    const session = await newSession(3, false);
    const [w] = await women(1);
    const first = await register(w!, session.id);
    expect(first.status).toBe(201);
    expect((await w!.c.del(`/api/registrations/${first.json.registration.id}`)).json.registration.status).toBe("cancelled");
    const again = await register(w!, session.id);
    expect(again.status).toBe(201);
    expect(again.json.registration.ticketCode).not.toBe(first.json.registration.ticketCode);
    expect((await getSession(api.db, LECTURES, session.id))!.taken).toBe(1);
  });
});

describe("Idempotency-Key", () => {
  it("a repeated registration returns the first result and books nothing new", async () => {
    const session = await newSession(10, false);
    const [w] = await women(1);
    const key = { "idempotency-key": "reg-abc-123" };
    const first = await register(w!, session.id, key);
    const repeat = await register(w!, session.id, key);
    expect(first.status).toBe(201);
    expect(repeat.status).toBe(201);
    expect(repeat.json).toEqual(first.json);
    expect(repeat.headers.get("idempotent-replayed")).toBe("true");
    expect((await getSession(api.db, LECTURES, session.id))!.taken).toBe(1);
  });

  it("parallel repeats create one thing; the others wait or replay", async () => {
    const body = { title: "加开一场", startsAt: new Date(Date.now() + 9 * 86_400_000).toISOString(), venue: "省妇联", capacity: 20, waitlist: false };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => admin.post(`/api/admin/campaigns/${LECTURES}/sessions`, body, { "idempotency-key": "new-session-1" })),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.json.session.id)).size).toBe(1);
    expect(results.every((r) => r.status === 201 || (r.status === 409 && r.json.error.code === "IN_PROGRESS"))).toBe(true);
    const sessions = (await admin.get(`/api/campaigns/${LECTURES}`)).json.campaign.sessions.filter((s: any) => s.title === "加开一场");
    expect(sessions).toHaveLength(1);
  });

  it("negative control: the same repeats without the key create duplicates, and the count sees it", async () => {
    const body = { title: "重复加场", startsAt: new Date(Date.now() + 9 * 86_400_000).toISOString(), venue: "省妇联", capacity: 20, waitlist: false };
    await Promise.all(Array.from({ length: 3 }, () => admin.post(`/api/admin/campaigns/${LECTURES}/sessions`, body)));
    const sessions = (await admin.get(`/api/campaigns/${LECTURES}`)).json.campaign.sessions.filter((s: any) => s.title === "重复加场");
    expect(sessions.length).toBeGreaterThan(1);
  });

  it("the same key with a different body is refused", async () => {
    const session = await newSession(10, false);
    const [w] = await women(1);
    await register(w!, session.id, { "idempotency-key": "k-1" });
    const other = await w!.c.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId: session.id, answers: { ...lectureAnswers(w!.phone), name: "别人" } }, { "idempotency-key": "k-1" });
    expect(other.status).toBe(422);
    expect(other.json.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });
});

describe("the waitlist", () => {
  async function fullSessionWithLine(waiting: number) {
    const session = await newSession(1, true);
    const [holder, ...line] = await women(1 + waiting);
    const held = await register(holder!, session.id);
    expect(held.json.registration.status).toBe("confirmed");
    const joined = [];
    // One after another, so the order of arrival is known.
    for (const w of line) joined.push(await register(w, session.id));
    return { session, holder: holder!, held, line, joined };
  }

  it("gives places in order of arrival, and a cancellation promotes the first in line", async () => {
    const { session, holder, held, line, joined } = await fullSessionWithLine(3);
    expect(joined.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(joined.map((r) => r.json.registration.status)).toEqual(["waitlisted", "waitlisted", "waitlisted"]);
    expect(joined.map((r) => r.json.registration.position)).toEqual([1, 2, 3]);

    const cancelled = await holder.c.del(`/api/registrations/${held.json.registration.id}`);
    expect(cancelled.json.registration.status).toBe("cancelled");

    const mine = await Promise.all(line.map((w) => w.c.get("/api/me/registrations")));
    const status = mine.map((m) => m.json.items.find((i: any) => i.sessionId === session.id));
    expect(status.map((s) => s.status)).toEqual(["confirmed", "waitlisted", "waitlisted"]);
    expect(status.slice(1).map((s) => s.position)).toEqual([1, 2]);
    const after = (await getSession(api.db, LECTURES, session.id))!;
    expect([after.taken, after.waiting]).toEqual([1, 2]);
    // She is told by SMS; the others in line are not.
    await api.deliverNotices();
    expect(api.notices.get(line[0]!.phone)).toEqual([expect.stringContaining(session.title)]);
    expect(line.slice(1).map((w) => api.notices.get(w.phone))).toEqual([undefined, undefined]);
  });

  it("negative control: served newest first, the same check sees the wrong woman promoted", async () => {
    guards.firstComeFirstServed = guardsOff.firstComeFirstServed;
    const { session, holder, held, line } = await fullSessionWithLine(3);
    await holder.c.del(`/api/registrations/${held.json.registration.id}`);
    const first = (await line[0]!.c.get("/api/me/registrations")).json.items.find((i: any) => i.sessionId === session.id);
    expect(first.status).not.toBe("confirmed");
  });

  it("many joining at once get distinct places 1..n, and seats go to them in that order", async () => {
    const session = await newSession(2, true);
    const holders = await women(2);
    const held = await Promise.all(holders.map((w) => register(w, session.id)));
    const line = await women(8);
    const joined = await Promise.all(line.map((w) => register(w, session.id)));
    expect(joined.map((r) => r.json.registration.status)).toEqual(Array(8).fill("waitlisted"));
    // A reply's position can be one low while an earlier arrival is still committing; once
    // all are in, the places are exactly 1..8.
    const places = await Promise.all(line.map(async (w) => (await w.c.get("/api/me/registrations")).json.items[0].position));
    expect([...places].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const firstTwo = line.filter((_, i) => places[i]! <= 2);
    await Promise.all(holders.map((w, i) => w.c.del(`/api/registrations/${held[i]!.json.registration.id}`)));
    const promoted = await Promise.all(firstTwo.map(async (w) => (await w.c.get("/api/me/registrations")).json.items[0].status));
    expect(promoted).toEqual(["confirmed", "confirmed"]);
    const after = (await getSession(api.db, LECTURES, session.id))!;
    expect([after.taken, after.waiting]).toEqual([2, 6]);
    expect(await seatsHeld(session.id)).toBe(2);
  });

  it("raising the capacity moves the line onto the new seats", async () => {
    const { session, line } = await fullSessionWithLine(2);
    const res = await admin.patch(`/api/admin/campaigns/${LECTURES}/sessions/${session.id}`, { capacity: 2 });
    expect(res.status).toBe(200);
    expect([res.json.session.seatsLeft, res.json.session.waiting]).toEqual([0, 1]);
    const first = (await line[0]!.c.get("/api/me/registrations")).json.items[0];
    expect(first.status).toBe("confirmed");
    await api.deliverNotices();
    expect(api.notices.get(line[0]!.phone)).toHaveLength(1);
    const lower = await admin.patch(`/api/admin/campaigns/${LECTURES}/sessions/${session.id}`, { capacity: 1 });
    expect(lower.status).toBe(409);
    expect(lower.json.error.code).toBe("CAPACITY_BELOW_TAKEN");
  });
});
