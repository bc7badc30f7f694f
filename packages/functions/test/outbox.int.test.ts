import { describe, it, expect, afterEach } from "vitest";
import { getItem, putItem, queryAll, transact, type Db, type Key } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
import { chinaTimeText } from "@jinguo/core/clock";
import { createCampaign, getCampaignWithSessions } from "@jinguo/core/campaigns";
import { userForPhone, type User } from "@jinguo/core/identity";
import type { SmsSender } from "@jinguo/core/sms";
import * as Outbox from "@jinguo/core/outbox";
import { addSession } from "@jinguo/core/registration";
import { freshDb, fixedClock, testApi, lectureAnswers, LECTURES, ORIGIN } from "../../../test/harness.ts";
// Test-only: the delivery switch is not part of the outbox module's public face.
import { guards, guardsOff } from "../../core/src/outbox/guards.ts";

/**
 * The outbox: a notice written in the transaction of the change that causes it, delivered once
 * by a dispatcher. These tests write their own notices with `noticeOp`, as the promotions do.
 */
const original = { ...guards };
afterEach(() => Object.assign(guards, original));

const HOUR = 3_600_000;
const SITE = "https://jinguo.example.cn";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A table with one campaign and one session, and a clock the test moves. */
async function world() {
  const db = await freshDb();
  const clock = fixedClock("2019-11-20T02:00:00.000Z");
  const campaign = await createCampaign(db, clock, { kind: "event", title: "巾帼创业大讲堂", orgUnit: "hn" });
  const session = { id: "s-cs", campaignId: campaign.id, title: "长沙站", startsAt: "2019-12-09T06:30:00.000Z", venue: "会场", capacity: 1, taken: 1, waiting: 0, waitlist: true };
  await putItem(db, { ...keys.session(campaign.id, session.id), ...session });
  let seq = 0;
  const base = 13900000000 + Math.floor(Math.random() * 90_000_000);
  const woman = () => userForPhone(db, clock, String(base + ++seq), { name: "王秀兰" });
  return { db, clock, campaign, session, woman };
}
type World = Awaited<ReturnType<typeof world>>;

const promotedOp = (w: World, user: User) =>
  Outbox.noticeOp({
    userId: user.id,
    kind: "waitlist_promoted",
    refs: { campaignId: w.campaign.id, sessionId: w.session.id, registrationId: `${w.session.id}.${user.id}` },
    at: w.clock.now().toISOString(),
  });

const keyOf = (op: ReturnType<typeof Outbox.noticeOp>): Key => {
  if (!("put" in op)) throw new Error("noticeOp is a put");
  return { pk: op.put.pk as string, sk: op.put.sk as string };
};

/** Her notice, committed on its own (the tests stand in for the change that causes it). */
async function notify(w: World, user: User): Promise<Key> {
  const op = promotedOp(w, user);
  expect(await transact(w.db, [op])).toEqual({ ok: true });
  return keyOf(op);
}

/** An SMS sender that records what it sent; `behaviour` may delay or fail a send. */
function recordingSms(behaviour?: (phone: string, text: string, call: number) => Promise<void>) {
  const sent: { phone: string; text: string }[] = [];
  const calls: string[] = [];
  const sms: SmsSender = {
    sendOtp: async () => {},
    async sendNotice(phone, text) {
      calls.push(phone);
      await behaviour?.(phone, text, calls.length);
      sent.push({ phone, text });
    },
  };
  return { sms, sent, calls };
}

function dispatcher(w: World, sms: SmsSender, lines: string[] = [], publicUrl?: string) {
  return Outbox.startDispatcher({ db: w.db, clock: w.clock, sms, publicUrl, log: (l) => lines.push(l) }, { intervalMs: HOUR });
}

const stored = (db: Db, key: Key) => getItem<Outbox.Notice & Record<string, unknown>>(db, key);
const pendingIndex = (db: Db) => queryAll<Outbox.Notice>(db, { index: "gsi1", partition: keys.pendingNoticesPartition() });

describe("a notice in the outbox", () => {
  it("is delivered once, in her words, with the link to her ticket, and leaves the pending index", async () => {
    const w = await world();
    const her = await w.woman();
    const key = await notify(w, her);
    expect((await pendingIndex(w.db)).map((n) => n.id)).toHaveLength(1);

    const { sms, sent } = recordingSms();
    const d = dispatcher(w, sms, [], SITE);
    await d.drain();
    await d.drain();
    await d.stop();

    expect(sent).toHaveLength(1);
    expect(sent[0]!.phone).toBe(her.phone);
    for (const part of [w.campaign.title, w.session.title, chinaTimeText(w.session.startsAt), `${SITE}/me/tickets/${w.session.id}.${her.id}`]) {
      expect(sent[0]!.text).toContain(part);
    }
    const item = (await stored(w.db, key))!;
    expect(item).toMatchObject({ status: "sent", text: sent[0]!.text, sentAt: w.clock.now().toISOString(), tries: 0 });
    expect(item).not.toHaveProperty("gsi1pk");
    expect(item).not.toHaveProperty("lease");
    expect(await pendingIndex(w.db)).toEqual([]);
  });

  it("carries no link where the site's address is unknown", async () => {
    const w = await world();
    await notify(w, await w.woman());
    const { sms, sent } = recordingSms();
    const d = dispatcher(w, sms);
    await d.drain();
    await d.stop();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).not.toMatch(/http|\{link\}/);
    expect(sent[0]!.text.endsWith("。")).toBe(true);
  });

  it("exists only if the change that causes it commits", async () => {
    const w = await world();
    const her = await w.woman();
    // The change fails its condition: the notice in the same transaction is not written either.
    const failed = await transact(w.db, [
      { check: keys.session(w.campaign.id, w.session.id), condition: { expression: "#taken < #capacity", names: { "#taken": "taken", "#capacity": "capacity" } } },
      promotedOp(w, her),
    ]);
    expect(failed).toMatchObject({ ok: false, failed: [0] });
    const { sms, sent } = recordingSms();
    const d = dispatcher(w, sms);
    await d.drain();
    await d.stop();
    expect(sent).toEqual([]);
    expect(await queryAll(w.db, { partition: keys.noticesPartition(her.id) })).toEqual([]);
  });
});

describe("delivery exactly once", () => {
  const slow = () => recordingSms(() => sleep(40));

  async function race(w: World, n: number) {
    const women = await Promise.all(Array.from({ length: n }, () => w.woman()));
    for (const her of women) await notify(w, her);
    const { sms, sent } = slow();
    const [a, b] = [dispatcher(w, sms), dispatcher(w, sms)];
    await Promise.all([a.drain(), b.drain()]);
    await Promise.all([a.stop(), b.stop()]);
    return { women, sent };
  }

  it("two dispatchers racing over the same outbox send each notice once", async () => {
    const w = await world();
    const { women, sent } = await race(w, 6);
    expect(women.map((her) => sent.filter((s) => s.phone === her.phone).length)).toEqual(Array(6).fill(1));
    expect(await pendingIndex(w.db)).toEqual([]);
  });

  it("the same notice handed over five times at once (a stream's redelivery) is sent once", async () => {
    const w = await world();
    const key = await notify(w, await w.woman());
    const { sms, sent } = slow();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => Outbox.deliver({ db: w.db, clock: w.clock, sms, log: () => {} }, key)));
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "skipped")).toHaveLength(4);
    expect(sent).toHaveLength(1);
    expect(await Outbox.deliver({ db: w.db, clock: w.clock, sms, log: () => {} }, key)).toBe("skipped");
  });

  it("negative control: without the conditional claim, the same races send twice", async () => {
    guards.claim = guardsOff.claim;
    const w = await world();
    const { women, sent } = await race(w, 6);
    expect(sent.length).toBeGreaterThan(women.length);

    const key = await notify(w, await w.woman());
    const { sms, sent: again } = slow();
    await Promise.all(Array.from({ length: 5 }, () => Outbox.deliver({ db: w.db, clock: w.clock, sms, log: () => {} }, key)));
    expect(again.length).toBeGreaterThan(1);
  });
});

describe("when sending fails", () => {
  it("is tried again later, each pause twice the last, until it goes out", async () => {
    const w = await world();
    const her = await w.woman();
    const key = await notify(w, her);
    const { sms, sent, calls } = recordingSms(async (_p, _t, call) => {
      if (call <= 3) throw new Error("provider busy");
    });
    const lines: string[] = [];
    const d = dispatcher(w, sms, lines);
    const start = w.clock.now().getTime();
    const at = (ms: number) => new Date(start + ms).toISOString();

    await d.drain();
    expect(calls).toHaveLength(1);
    expect(await stored(w.db, key)).toMatchObject({ status: "pending", tries: 1, nextAttemptAt: at(10_000) });
    expect((await pendingIndex(w.db)).map((n) => n.id)).toHaveLength(1);

    await d.drain(); // not due yet
    w.clock.advance(9_999);
    await d.drain();
    expect(calls).toHaveLength(1);

    w.clock.advance(1); // 10 s after the first try
    await d.drain();
    expect(calls).toHaveLength(2);
    expect(await stored(w.db, key)).toMatchObject({ status: "pending", tries: 2, nextAttemptAt: at(10_000 + 20_000) });

    w.clock.advance(19_999);
    await d.drain();
    expect(calls).toHaveLength(2);
    w.clock.advance(1);
    await d.drain();
    expect(await stored(w.db, key)).toMatchObject({ status: "pending", tries: 3, nextAttemptAt: at(30_000 + 40_000) });

    w.clock.advance(40_000);
    await d.drain();
    await d.stop();
    expect(calls).toHaveLength(4);
    expect(sent).toHaveLength(1);
    expect(await stored(w.db, key)).toMatchObject({ status: "sent", tries: 3 });
    expect(await pendingIndex(w.db)).toEqual([]);
    expect(lines.filter((l) => l.includes("not sent"))).toHaveLength(3);
  });

  it(`is given up after ${Outbox.deliveryPolicy.maxTries} tries: kept as failed, out of the pending index, logged by id`, async () => {
    const w = await world();
    const her = await w.woman();
    const key = await notify(w, her);
    const { sms, calls } = recordingSms(async () => {
      throw new Error("provider down");
    });
    const lines: string[] = [];
    const d = dispatcher(w, sms, lines);
    for (let i = 0; i < Outbox.deliveryPolicy.maxTries + 4; i++) {
      await d.drain();
      w.clock.advance(Outbox.deliveryPolicy.maxRetryMs);
    }
    await d.stop();
    expect(calls).toHaveLength(Outbox.deliveryPolicy.maxTries);
    const item = (await stored(w.db, key))!;
    expect(item).toMatchObject({ status: "failed", reason: "send_failed", tries: Outbox.deliveryPolicy.maxTries });
    expect(item).not.toHaveProperty("gsi1pk");
    expect(await pendingIndex(w.db)).toEqual([]);
    const id = item.id;
    expect(lines.filter((l) => l.includes("given up"))).toEqual([expect.stringContaining(id)]);
    expect(lines.at(-1)).toContain(her.id);
  });

  it("a notice for someone who no longer exists is given up at once, nothing sent", async () => {
    const w = await world();
    const ghost = { ...(await w.woman()), id: "u-gone" };
    const key = await notify(w, ghost);
    const { sms, calls } = recordingSms();
    const d = dispatcher(w, sms);
    await d.drain();
    await d.stop();
    expect(calls).toEqual([]);
    expect(await stored(w.db, key)).toMatchObject({ status: "failed", reason: "recipient_gone" });
  });

  it("pending and failed notices leave no personal data in the logs or in the outbox", async () => {
    const w = await world();
    const her = await w.woman();
    const key = await notify(w, her);
    // A provider whose error quotes the number, as real ones do.
    const { sms } = recordingSms(async (phone) => {
      throw new Error(`invalid destination ${phone} (王秀兰)`);
    });
    const pending = (await stored(w.db, key))!;
    expect(Object.keys(pending).sort()).toEqual(["createdAt", "gsi1pk", "gsi1sk", "id", "kind", "pk", "refs", "sk", "status", "tries", "userId"]);
    expect(Object.keys(pending.refs).sort()).toEqual(["campaignId", "registrationId", "sessionId"]);
    // Whatever else a caller's refs carry stays out.
    const careless = { ...pending.refs, phone: her.phone, name: "王秀兰" };
    const op = Outbox.noticeOp({ userId: her.id, kind: "waitlist_promoted", refs: careless, at: pending.createdAt });
    expect(JSON.stringify(op)).not.toContain(her.phone);
    const lines: string[] = [];
    const d = dispatcher(w, sms, lines);
    for (let i = 0; i < Outbox.deliveryPolicy.maxTries; i++) {
      await d.drain();
      const now = JSON.stringify(await stored(w.db, key));
      expect(now).not.toContain(her.phone);
      expect(now).not.toContain("王秀兰");
      w.clock.advance(Outbox.deliveryPolicy.maxRetryMs);
    }
    await d.stop();
    expect((await stored(w.db, key))!.status).toBe("failed");
    expect(lines.length).toBe(Outbox.deliveryPolicy.maxTries);
    for (const line of lines) {
      expect(line).not.toContain(her.phone);
      expect(line).not.toContain(her.phone.slice(-4));
      expect(line).not.toContain("王秀兰");
    }
  });
});

describe("a dispatcher that dies while sending", () => {
  /** A sender that stops at the door until opened; `reached` once it got there. */
  function gatedSms(fail = false) {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    let arrive!: () => void;
    const arrived = new Promise<void>((r) => (arrive = r));
    const rec = recordingSms(async () => {
      arrive();
      await opened;
      if (fail) throw new Error("timed out");
    });
    const reached = () => Promise.race([arrived, sleep(5_000).then(() => Promise.reject(new Error("the sender was never reached")))]);
    return { ...rec, open, reached };
  }

  it("has its claim taken over once its lease runs out, and its late answer changes nothing", async () => {
    const w = await world();
    const her = await w.woman();
    const dead = gatedSms();
    const live = recordingSms();
    const lines: string[] = [];
    const a = dispatcher(w, dead.sms, lines);
    const b = dispatcher(w, live.sms, lines);
    await Promise.all([a.drain(), b.drain()]); // their first looks find nothing
    const key = await notify(w, her);
    const aRun = a.drain();
    await dead.reached();
    expect((await stored(w.db, key))!.status).toBe("sending");

    await b.drain(); // the first one's claim still holds
    w.clock.advance(Outbox.deliveryPolicy.leaseMs);
    await b.drain();
    expect(live.calls).toEqual([]);

    w.clock.advance(1);
    await b.drain();
    expect(live.sent.map((s) => s.phone)).toEqual([her.phone]);
    const taken = (await stored(w.db, key))!;
    expect(taken).toMatchObject({ status: "sent", text: live.sent[0]!.text });

    w.clock.advance(1_000); // so a late "sent" from the first would show in sentAt
    dead.open();
    await aRun;
    await Promise.all([a.stop(), b.stop()]);
    expect(await stored(w.db, key)).toEqual(taken);
    expect(lines).toEqual([expect.stringContaining("after its claim ran out")]);
  });

  for (const late of ["sent", "failed"] as const) {
    it(`answering "${late}" while the one that took over is still sending, it cannot touch the notice`, async () => {
      const w = await world();
      const first = gatedSms(late === "failed");
      const second = gatedSms();
      const a = dispatcher(w, first.sms);
      const b = dispatcher(w, second.sms);
      await Promise.all([a.drain(), b.drain()]);
      const key = await notify(w, await w.woman());
      const aRun = a.drain();
      await first.reached();
      w.clock.advance(Outbox.deliveryPolicy.leaseMs + 1);
      const bRun = b.drain();
      await second.reached();
      const claimedBySecond = (await stored(w.db, key))!;
      expect(claimedBySecond.status).toBe("sending");

      w.clock.advance(1_000);
      first.open();
      await aRun;
      // Neither marked sent nor put back in line for a third dispatcher: still the second's.
      expect(await stored(w.db, key)).toEqual(claimedBySecond);

      second.open();
      await bRun;
      await Promise.all([a.stop(), b.stop()]);
      expect(await stored(w.db, key)).toMatchObject({ status: "sent", tries: 0, sentAt: w.clock.now().toISOString() });
    });
  }
});

describe("GET /api/me/notices", () => {
  it("lists hers only, newest first, pending then sent, and pages with a cursor", async () => {
    const clock = fixedClock("2019-11-20T02:00:00.000Z");
    const api = await testApi({ clock });
    const { sessions } = (await getCampaignWithSessions(api.db, LECTURES))!;
    const session = sessions[0]!;
    const [her, other, anon] = [api.client(), api.client(), api.client()];
    const [herPhone, otherPhone] = [api.newPhone(), api.newPhone()];
    const herId = (await her.signIn(herPhone)).id;
    await other.signIn(otherPhone);
    await api.deliverNotices(); // nothing queued from the sign-ins is left running

    const write = async () => {
      const op = Outbox.noticeOp({
        userId: herId,
        kind: "waitlist_promoted",
        refs: { campaignId: LECTURES, sessionId: session.id, registrationId: `${session.id}.${herId}` },
        at: clock.now().toISOString(),
      });
      expect(await transact(api.db, [op])).toEqual({ ok: true });
      clock.advance(60_000);
      return (op as { put: { id: string } }).put.id;
    };
    const older = await write();
    const newer = await write();

    const before = await her.get("/api/me/notices");
    expect(before.status).toBe(200);
    expect(before.json.items.map((n: any) => [n.id, n.status])).toEqual([[newer, "pending"], [older, "pending"]]);
    expect(before.json.items[0]).toMatchObject({ kind: "waitlist_promoted", refs: { sessionId: session.id } });
    expect(before.json.items[0].text).toContain(session.title);
    expect(before.json.items[0].text).toContain(`http://localhost/me/tickets/${session.id}.${herId}`);
    expect(before.json.items[0]).not.toHaveProperty("sentAt");

    await api.deliverNotices();
    const after = await her.get("/api/me/notices");
    expect(after.json.items.map((n: any) => n.status)).toEqual(["sent", "sent"]);
    expect(after.json.items.map((n: any) => n.text).sort()).toEqual([...api.notices.get(herPhone)!].sort());
    expect(after.json.items[0].sentAt).toBe(clock.now().toISOString());
    expect(after.json.cursor).toBeNull();

    const first = await her.get("/api/me/notices?limit=1");
    expect(first.json.items.map((n: any) => n.id)).toEqual([newer]);
    const second = await her.get(`/api/me/notices?limit=1&cursor=${first.json.cursor}`);
    expect(second.json.items.map((n: any) => n.id)).toEqual([older]);

    // Nobody else sees hers, not even with her cursor.
    expect((await other.get("/api/me/notices")).json).toEqual({ items: [], cursor: null });
    const stolen = await other.get(`/api/me/notices?limit=1&cursor=${first.json.cursor}`);
    expect([stolen.status, stolen.json.error.code]).toEqual([422, "VALIDATION"]);
    expect(api.notices.get(otherPhone)).toBeUndefined();
    expect((await anon.get("/api/me/notices")).status).toBe(401);
    for (const bad of ["?limit=0", "?limit=101", "?cursor=%%%", "?cursor=bm9wZQ"]) {
      const res = await her.get(`/api/me/notices${bad}`);
      expect([bad, res.status, res.json.error.code]).toEqual([bad, 422, "VALIDATION"]);
    }
  });

  it("a state-changing request wakes the dispatcher: the notice goes out without waiting for its next look", async () => {
    const api = await testApi();
    const { sessions } = (await getCampaignWithSessions(api.db, LECTURES))!;
    const her = api.client();
    const phone = api.newPhone();
    const id = (await her.signIn(phone)).id;
    await api.deliverNotices();
    const op = Outbox.noticeOp({
      userId: id,
      kind: "waitlist_promoted",
      refs: { campaignId: LECTURES, sessionId: sessions[0]!.id, registrationId: `${sessions[0]!.id}.${id}` },
      at: new Date().toISOString(),
    });
    await transact(api.db, [op]);
    expect((await her.get("/api/me")).status).toBe(200);
    await sleep(300);
    expect(api.notices.get(phone)).toBeUndefined(); // a GET changes nothing, so it wakes nothing

    expect((await her.patch("/api/me", { name: "王秀兰" })).status).toBe(200);
    for (let i = 0; i < 50 && !api.notices.get(phone); i++) await sleep(50);
    expect(api.notices.get(phone)).toHaveLength(1);
  });
});

describe("the SMS of a waitlist promotion", () => {
  it("links to the ticket of the very registration that was promoted, and her ticket opens there", async () => {
    const api = await testApi();
    const session = await addSession(api.db, LECTURES, {
      title: "满员场",
      startsAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
      venue: "省妇联",
      capacity: 1,
      waitlist: true,
    });
    const [holder, her, next] = [api.client(), api.client(), api.client()];
    const phones = [api.newPhone(), api.newPhone(), api.newPhone()] as const;
    await Promise.all([holder.signIn(phones[0]), her.signIn(phones[1]), next.signIn(phones[2])]);
    const register = (c: typeof her, phone: string) => c.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId: session.id, answers: lectureAnswers(phone) });
    const held = await register(holder, phones[0]);
    const waiting = await register(her, phones[1]);
    await register(next, phones[2]);
    expect(waiting.json.registration.status).toBe("waitlisted");
    const id: string = waiting.json.registration.id;

    expect((await holder.del(`/api/registrations/${held.json.registration.id}`)).status).toBe(200);
    await api.deliverNotices();
    const [text] = api.notices.get(phones[1])!;
    const link = `${ORIGIN}/me/tickets/${id}`;
    // The address last, so nothing after it is taken into the link by a phone.
    expect(text!.endsWith(`电子票：${link}`), text).toBe(true);
    expect(text).not.toContain("/me/registrations");
    // The provider's template gets the registration id as its last parameter (the site is in the template).
    expect(api.noticeMessages.get(phones[1])).toEqual([{ template: "waitlist_promoted", params: [expect.any(String), "满员场", expect.any(String), id] }]);
    expect(api.notices.get(phones[2]), "the next in line was not promoted").toBeUndefined();

    // The link's path names her ticket: the API answers it for her, with her code.
    const ticketId = decodeURIComponent(new URL(link).pathname.split("/").pop()!);
    const ticket = await her.get(`/api/registrations/${ticketId}/ticket`);
    expect(ticket.status).toBe(200);
    const mine = (await her.get("/api/me/registrations")).json.items.find((r: any) => r.id === id);
    expect(ticket.json).toMatchObject({ status: "confirmed", ticketCode: mine.ticketCode });
    expect((await next.get(`/api/registrations/${ticketId}/ticket`)).status, "nobody else's ticket opens there").toBeGreaterThanOrEqual(400);
    // And she sees the same link among her notices.
    expect((await her.get("/api/me/notices")).json.items[0].text).toContain(link);
  });
});
