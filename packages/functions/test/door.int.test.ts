import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { readFileSync } from "node:fs";
import { getItem, putItem, queryAll, updateItem } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
import { newTicketCode } from "@jinguo/core/ids";
import { backfillSessionEpochs, getSession } from "@jinguo/core/registration";
// Test-only: the invariant switches and the code source are not part of the module's public face.
import { guards, guardsOff, ticketCodes } from "../../core/src/registration/guards.ts";
import { testApi, fixedClock, lectureAnswers, LECTURES, type TestApi } from "../../../test/harness.ts";

/**
 * The door (issue 7): a session's door is run by its own unit's organisers; nine-digit check-in
 * codes, unique by a claim item; the running count; look-up by name or phone; check-in with a
 * warning for another session; an offline desk's queue synced in one batch.
 *
 * Seeds: LECTURES (the province's, hn) has one session per city — s-cxcy-01 is 长沙's (hn.cs),
 * s-cxcy-02 株洲's (hn.zz, three seats and a waitlist).
 */

type Client = ReturnType<TestApi["client"]>;
type Res = Awaited<ReturnType<Client["get"]>>;

const CS_SESSION = "s-cxcy-01";
const ZZ_SESSION = "s-cxcy-02";
const HEALTH = "c-2019-health-lectures";
const PARENTS = "c-2019-parent-growth";
const DAY = 86_400_000;

const clock = fixedClock(new Date());
let api: TestApi;
let admin: Client, cs: Client, zz: Client, participant: Client;

const original = { guards: { ...guards }, draw: ticketCodes.draw };
afterEach(() => {
  Object.assign(guards, original.guards);
  ticketCodes.draw = original.draw;
});

function expectError(res: Res, status: number, code: string) {
  expect({ status: res.status, code: res.json?.error?.code }, `${res.status} ${res.text}`).toEqual({ status, code });
}

interface Ticket {
  id: string;
  ticketCode: string;
  status: string;
  phone: string;
  woman: Client;
}

/** A woman signed in for the first time, registered for a session of LECTURES (or another campaign's, with its answers). */
async function registered(sessionId: string, opts: { name?: string; campaign?: string; answers?: (phone: string) => object } = {}): Promise<Ticket> {
  const woman = api.client();
  const phone = api.newPhone();
  await woman.signIn(phone);
  const answers = opts.answers ? opts.answers(phone) : { ...lectureAnswers(phone), ...(opts.name ? { name: opts.name } : {}) };
  const res = await woman.post(`/api/campaigns/${opts.campaign ?? LECTURES}/registrations`, { sessionId, answers });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.registration.id, ticketCode: res.json.registration.ticketCode, status: res.json.registration.status, phone, woman };
}

/** A new session of LECTURES in that city, made by the admin. */
async function newSession(orgUnit: string | undefined, opts: { days?: number; capacity?: number; waitlist?: boolean; hours?: number } = {}): Promise<string> {
  const startsAt = new Date(clock.now().getTime() + (opts.days ?? 20) * DAY + (opts.hours ?? 0) * 3600_000).toISOString();
  const res = await admin.post(`/api/admin/campaigns/${LECTURES}/sessions`, {
    title: `门口测试场 ${orgUnit}`,
    startsAt,
    venue: "某会场",
    ...(orgUnit ? { orgUnit } : {}),
    capacity: opts.capacity ?? 50,
    waitlist: opts.waitlist ?? true,
  });
  expect(res.status, res.text).toBe(201);
  return res.json.session.id as string;
}

const doorPath = (sessionId: string, campaign = LECTURES) => `/api/admin/campaigns/${campaign}/sessions/${sessionId}`;
const counts = async (who: Client, sessionId: string) => {
  const res = await who.get(`${doorPath(sessionId)}/door`);
  expect(res.status, res.text).toBe(200);
  return { registered: res.json.registered as number, arrived: res.json.arrived as number };
};
const checkedInAt = async (t: Ticket) => (await t.woman.get(`/api/registrations/${t.id}`)).json.registration.checkedInAt as string | undefined;
const masked = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;

/**
 * The invariant "no two live tickets share a code", read from the table: the codes held by more
 * than one live registration of these sessions (each test makes its own, so a negative control's
 * leftovers are not another test's failure).
 */
async function sharedCodes(...sessionIds: string[]): Promise<string[]> {
  const byCode = new Map<string, number>();
  for (const id of sessionIds) {
    const items = await queryAll<{ ticketCode: string; status: string }>(api.db, { partition: keys.registrationPartition(id), prefix: keys.registrationPrefix() });
    for (const item of items) if (item.status !== "cancelled") byCode.set(item.ticketCode, (byCode.get(item.ticketCode) ?? 0) + 1);
  }
  return [...byCode].filter(([, n]) => n > 1).map(([code]) => code);
}

beforeAll(async () => {
  api = await testApi({ clock });
  [admin, cs, zz, participant] = [api.client(), api.client(), api.client(), api.client()];
  await admin.signIn("13800000000");
  await cs.signIn("13800000001");
  await zz.signIn("13800000002");
  await participant.signIn(api.newPhone());
});

describe("a session's door is run by its unit", () => {
  it("长沙's organiser checks in at 长沙's session of the province's lectures, and the count moves", async () => {
    const t = await registered(CS_SESSION);
    const before = await counts(cs, CS_SESSION);
    const res = await cs.post("/api/admin/checkins", { ticketCode: t.ticketCode });
    expect(res.status, res.text).toBe(200);
    expect(res.json.registration).toMatchObject({ id: t.id, sessionId: CS_SESSION, status: "confirmed", name: "王*兰", campaignId: LECTURES, campaignTitle: "巾帼创业创新公益大讲座" });
    expect(res.json.registration.session).toMatchObject({ id: CS_SESSION, orgUnit: "hn.cs" });
    expect(res.json).toMatchObject({ checkedInAt: clock.now().toISOString(), registered: before.registered, arrived: before.arrived + 1 });
    expect(res.text).not.toContain(t.phone);
    expect(await checkedInAt(t)).toBe(res.json.checkedInAt);
    expect(await counts(cs, CS_SESSION)).toEqual({ registered: before.registered, arrived: before.arrived + 1 });
  });

  it("she gets 403 at 株洲's session of the same campaign (check-in, door, look-up), and on the campaign's settings", async () => {
    const t = await registered(ZZ_SESSION);
    expectError(await cs.post("/api/admin/checkins", { ticketCode: t.ticketCode }), 403, "FORBIDDEN");
    expectError(await cs.post("/api/admin/checkins", { registrationId: t.id }), 403, "FORBIDDEN");
    expectError(await cs.get(`${doorPath(ZZ_SESSION)}/door`), 403, "FORBIDDEN");
    expectError(await cs.get(`${doorPath(ZZ_SESSION)}/attendees`), 403, "FORBIDDEN");
    expectError(await cs.patch(`/api/admin/campaigns/${LECTURES}`, { description: "长沙改的" }), 403, "FORBIDDEN");
    expectError(await cs.patch(`${doorPath(CS_SESSION)}`, { capacity: 999 }), 403, "FORBIDDEN");
    expect(await checkedInAt(t)).toBeUndefined();
    const batch = await cs.post("/api/admin/checkins/batch", { items: [{ ticketCode: t.ticketCode, scannedAt: clock.now().toISOString() }] });
    expect(batch.json.items).toEqual([{ ticketCode: t.ticketCode, result: "unknown", reason: "FORBIDDEN" }]);
    expect(await checkedInAt(t)).toBeUndefined();
  });

  it("株洲's organiser: the mirror", async () => {
    const ours = await registered(ZZ_SESSION);
    const theirs = await registered(CS_SESSION);
    const res = await zz.post("/api/admin/checkins", { ticketCode: ours.ticketCode });
    expect(res.status, res.text).toBe(200);
    expect(res.json.registration.session.orgUnit).toBe("hn.zz");
    expectError(await zz.post("/api/admin/checkins", { ticketCode: theirs.ticketCode }), 403, "FORBIDDEN");
    expectError(await zz.get(`${doorPath(CS_SESSION)}/door`), 403, "FORBIDDEN");
    expectError(await zz.get(`${doorPath(CS_SESSION)}/attendees`), 403, "FORBIDDEN");
    expectError(await zz.patch(`/api/admin/campaigns/${LECTURES}`, { description: "株洲改的" }), 403, "FORBIDDEN");
    expect(await checkedInAt(theirs)).toBeUndefined();
    expect((await zz.get(`${doorPath(ZZ_SESSION)}/door`)).status).toBe(200);
  });

  it("the admin runs every door", async () => {
    for (const s of [CS_SESSION, ZZ_SESSION]) {
      const t = await registered(s === ZZ_SESSION ? await newSession("hn.zz") : s);
      expect((await admin.post("/api/admin/checkins", { ticketCode: t.ticketCode })).status).toBe(200);
      expect((await admin.get(`${doorPath(s)}/door`)).status).toBe(200);
      expect((await admin.get(`${doorPath(s)}/attendees`)).status).toBe(200);
    }
  });

  it("a participant and an unknown campaign or session: 403, 404, 404", async () => {
    expectError(await participant.get("/api/admin/door/sessions"), 403, "FORBIDDEN");
    expectError(await participant.get(`${doorPath(CS_SESSION)}/door`), 403, "FORBIDDEN");
    expectError(await cs.get(`${doorPath(CS_SESSION, "c-nope")}/door`), 404, "CAMPAIGN_NOT_FOUND");
    expectError(await cs.get(`${doorPath("s-nope")}/attendees`), 404, "SESSION_NOT_FOUND");
  });

  it("lists the sessions whose door she runs, soonest first, from 12 hours ago on (?all=1: all)", async () => {
    const ended = await newSession("hn.cs.yl", { days: -2 });
    const tonight = await newSession("hn.cs", { days: 0, hours: -6 });
    const csList = await cs.get("/api/admin/door/sessions");
    expect(csList.status, csList.text).toBe(200);
    const ids = csList.json.items.map((i: any) => i.session.id);
    expect(ids).toEqual(expect.arrayContaining([CS_SESSION, tonight, "s-health-01", "s-health-02", "s-health-03"]));
    expect(ids).not.toContain(ZZ_SESSION);
    expect(ids).not.toContain(ended);
    expect(ids).not.toContain("s-parents-01");
    expect(ids[0]).toBe(tonight);
    const starts = csList.json.items.map((i: any) => Date.parse(i.session.startsAt));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const item = csList.json.items.find((i: any) => i.session.id === CS_SESSION);
    expect(item).toMatchObject({ campaignId: LECTURES, campaignTitle: "巾帼创业创新公益大讲座", campaignTitleEn: expect.any(String), session: { orgUnit: "hn.cs" } });
    expect(item.registered).toEqual(expect.any(Number));
    expect(item.arrived).toEqual(expect.any(Number));
    expect(csList.json.cursor).toBeNull();
    expect((await cs.get("/api/admin/door/sessions?all=1")).json.items.map((i: any) => i.session.id)).toContain(ended);

    const zzIds = (await zz.get("/api/admin/door/sessions")).json.items.map((i: any) => i.session.id);
    expect(zzIds).toEqual(expect.arrayContaining([ZZ_SESSION, "s-parents-01"]));
    expect(zzIds).not.toContain(CS_SESSION);
    expect(zzIds).not.toContain("s-health-01");
    const adminIds = (await admin.get("/api/admin/door/sessions")).json.items.map((i: any) => i.session.id);
    expect(adminIds).toEqual(expect.arrayContaining([CS_SESSION, ZZ_SESSION, "s-parents-01", "s-health-01"]));
  });
});

describe("check-in codes", () => {
  it("are nine digits, each held by a claim naming its registration, and check in however they are typed", async () => {
    const t = await registered(CS_SESSION);
    expect(t.ticketCode).toMatch(/^[1-9]\d{8}$/);
    const [sessionId, userId] = t.id.split(".");
    expect(await getItem(api.db, keys.ticketCodeClaim(t.ticketCode))).toMatchObject({ sessionId, userId, campaignId: LECTURES });
    // Read aloud in three groups; typed with spaces or dashes, or on a full-width keyboard.
    const spaced = `${t.ticketCode.slice(0, 3)} ${t.ticketCode.slice(3, 6)}-${t.ticketCode.slice(6)}`;
    const fullWidth = [...t.ticketCode].map((d) => String.fromCharCode(0xff10 + Number(d))).join("");
    const res = await cs.post("/api/admin/checkins", { ticketCode: ` ${spaced} ` });
    expect(res.status, res.text).toBe(200);
    expectError(await cs.post("/api/admin/checkins", { ticketCode: fullWidth }), 409, "ALREADY_CHECKED_IN");
  });

  it("an 8-letter code of an earlier version still checks in (through the ticket index)", async () => {
    const woman = api.client();
    const phone = api.newPhone();
    const user = await woman.signIn(phone);
    const at = clock.now().toISOString();
    const code = "JNXQS4YX";
    // As an earlier version stored it: a letter code in gsi2, no claim.
    await putItem(api.db, {
      ...keys.registration(CS_SESSION, user.id),
      ...keys.registrationByOwner(user.id, at),
      ...keys.ticket(code),
      id: `${CS_SESSION}.${user.id}`,
      campaignId: LECTURES,
      sessionId: CS_SESSION,
      userId: user.id,
      orgUnit: "hn",
      status: "confirmed",
      ticketCode: code,
      answers: { ...lectureAnswers(phone), name: "李秀梅" },
      createdAt: at,
      updatedAt: at,
      confirmedAt: at,
    });
    const res = await cs.post("/api/admin/checkins", { ticketCode: "jnxq-s4yx" });
    expect(res.status, res.text).toBe(200);
    expect(res.json.registration.name).toBe("李*梅");
    const ticket = await woman.get(`/api/registrations/${CS_SESSION}.${user.id}/ticket`);
    expect([ticket.status, ticket.json.ticketCode]).toEqual([200, code]);
  });

  it("a cancelled ticket's code is unknown at the door; its claim is kept, so the code never goes to another woman", async () => {
    const t = await registered(CS_SESSION);
    expect((await t.woman.del(`/api/registrations/${t.id}`)).status).toBe(200);
    expectError(await cs.post("/api/admin/checkins", { ticketCode: t.ticketCode }), 404, "TICKET_NOT_FOUND");
    expectError(await cs.post("/api/admin/checkins", { registrationId: t.id }), 404, "TICKET_NOT_FOUND");
    expect(await getItem(api.db, keys.ticketCodeClaim(t.ticketCode))).toBeDefined();
    // She registers again: a new code; the old one stays unknown.
    const again = await t.woman.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId: CS_SESSION, answers: lectureAnswers(t.phone) });
    expect(again.status, again.text).toBe(201);
    expect(again.json.registration.ticketCode).not.toBe(t.ticketCode);
    expectError(await cs.post("/api/admin/checkins", { ticketCode: t.ticketCode }), 404, "TICKET_NOT_FOUND");
    expectError(await cs.post("/api/admin/checkins", { ticketCode: "123456789" }), 404, "TICKET_NOT_FOUND");
  });

  /** The code source repeats `code` for its first `times` draws, then draws as usual. */
  const repeating = (code: string, times: number) => {
    let n = 0;
    return () => (n++ < times ? code : newTicketCode());
  };

  for (const where of ["a seat", "the waitlist"] as const) {
    it(`are unique by their claim: a code drawn twice goes to one ticket, the other gets another (${where})`, async () => {
      const session = await newSession("hn.cs", { capacity: where === "a seat" ? 10 : 1, waitlist: true });
      const code = newTicketCode();
      ticketCodes.draw = repeating(code, 2);
      const first = await registered(session);
      const second = await registered(session);
      expect(second.status).toBe(where === "a seat" ? "confirmed" : "waitlisted");
      expect(first.ticketCode).toBe(code);
      expect(second.ticketCode).not.toBe(code);
      expect(second.ticketCode).toMatch(/^[1-9]\d{8}$/);
      expect(await sharedCodes(session)).toEqual([]);
      expect(await getItem(api.db, keys.ticketCodeClaim(code))).toMatchObject({ userId: first.id.split(".")[1] });
      expect((await getSession(api.db, LECTURES, session))!).toMatchObject(where === "a seat" ? { taken: 2, waiting: 0 } : { taken: 1, waiting: 1 });
    });
  }

  it("negative control: without the claim's condition, two live tickets share a code, and the check sees it", async () => {
    guards.uniqueTicketCode = guardsOff.uniqueTicketCode;
    const session = await newSession("hn.cs");
    const code = newTicketCode();
    ticketCodes.draw = repeating(code, 2);
    const first = await registered(session);
    const second = await registered(session);
    expect([first.ticketCode, second.ticketCode]).toEqual([code, code]);
    expect(await sharedCodes(session)).toEqual([code]);
  });

  it("hold when many register at once from a small pool of codes", async () => {
    const session = await newSession("hn.cs");
    const pool = Array.from({ length: 40 }, () => newTicketCode());
    ticketCodes.draw = () => pool[Math.floor(Math.random() * pool.length)]!;
    const crowd = await Promise.all(Array.from({ length: 8 }, () => registered(session)));
    expect(new Set(crowd.map((t) => t.ticketCode)).size).toBe(8);
    expect(await sharedCodes(session)).toEqual([]);
  });

  it("ticketQr loads the QR library on first use, not with the module (off the Lambda's start path)", () => {
    const source = readFileSync(new URL("../../core/src/registration/index.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/^import[^;]*["']qrcode["']/m);
    expect(source).toMatch(/await import\("qrcode"\)/);
  });
});

describe("the running count", () => {
  it("is exact when desks check in at once: one ticket at five desks is checked in once; ten tickets at once count ten", async () => {
    const session = await newSession("hn.cs");
    const tickets = await Promise.all(Array.from({ length: 10 }, () => registered(session)));
    expect(await counts(cs, session)).toEqual({ registered: 10, arrived: 0 });
    const same = await Promise.all(Array.from({ length: 5 }, () => cs.post("/api/admin/checkins", { ticketCode: tickets[0]!.ticketCode })));
    expect(same.filter((r) => r.status === 200)).toHaveLength(1);
    expect(same.filter((r) => r.status !== 200).map((r) => r.json.error.code)).toEqual(Array(4).fill("ALREADY_CHECKED_IN"));
    const rest = await Promise.all(tickets.slice(1).map((t) => admin.post("/api/admin/checkins", { ticketCode: t.ticketCode })));
    expect(rest.map((r) => r.status)).toEqual(Array(9).fill(200));
    expect(await counts(cs, session)).toEqual({ registered: 10, arrived: 10 });
  });

  it("registered counts confirmed seats only: a waitlisted ticket is not registered, cannot be checked in, and a cancellation takes one off", async () => {
    const session = await newSession("hn.cs", { capacity: 2, waitlist: true });
    const [a, b, c] = [await registered(session), await registered(session), await registered(session)];
    expect(c.status).toBe("waitlisted");
    expect(await counts(cs, session)).toEqual({ registered: 2, arrived: 0 });
    const refused = await cs.post("/api/admin/checkins", { ticketCode: c.ticketCode });
    expectError(refused, 409, "NOT_CONFIRMED");
    expect(refused.json.error.details).toMatchObject({ status: "waitlisted", name: "王*兰" });
    expect((await cs.post("/api/admin/checkins", { ticketCode: a.ticketCode })).status).toBe(200);
    // b cancels: c moves up; still two confirmed, one of them arrived.
    expect((await b.woman.del(`/api/registrations/${b.id}`)).status).toBe(200);
    expect(await counts(cs, session)).toEqual({ registered: 2, arrived: 1 });
    expect((await cs.post("/api/admin/checkins", { ticketCode: c.ticketCode })).status).toBe(200);
    expect(await counts(cs, session)).toEqual({ registered: 2, arrived: 2 });
  });

  it("a session of an earlier version (no counter) gets its count from its registrations at start-up", async () => {
    const session = await newSession("hn.cs");
    const [a] = [await registered(session), await registered(session)];
    expect((await cs.post("/api/admin/checkins", { ticketCode: a!.ticketCode })).status).toBe(200);
    await updateItem(api.db, { key: keys.session(LECTURES, session), update: "REMOVE arrived" });
    expect(await counts(cs, session)).toEqual({ registered: 2, arrived: 0 });
    await backfillSessionEpochs(api.db, [LECTURES]);
    expect(await counts(cs, session)).toEqual({ registered: 2, arrived: 1 });
  });
});

describe("look-up by name or phone", () => {
  let session: string;
  let wang: Ticket, li: Ticket, waiting: Ticket;
  beforeAll(async () => {
    session = await newSession("hn.cs", { capacity: 2, waitlist: true });
    wang = await registered(session, { name: "王春梅" });
    li = await registered(session, { name: "李娜" });
    waiting = await registered(session, { name: "王小梅" });
  });

  const lookUp = async (q: string, who = cs) => {
    const res = await who.get(`${doorPath(session)}/attendees?q=${encodeURIComponent(q)}`);
    expect(res.status, res.text).toBe(200);
    return res;
  };

  it("finds her by her whole name, part of it, or the last 4 digits of her phone, masked", async () => {
    const whole = await lookUp("王春梅");
    expect(whole.json.items).toEqual([{ registrationId: wang.id, name: "王*梅", phone: masked(wang.phone), status: "confirmed" }]);
    expect((await lookUp("春")).json.items.map((i: any) => i.registrationId)).toEqual([wang.id]);
    expect((await lookUp(wang.phone.slice(-4))).json.items.map((i: any) => i.registrationId)).toContain(wang.id);
    expect((await lookUp(li.phone)).json.items.map((i: any) => i.registrationId)).toEqual([li.id]);
    // Confirmed first, then the waitlisted.
    expect((await lookUp("王")).json.items.map((i: any) => [i.registrationId, i.status])).toEqual([
      [wang.id, "confirmed"],
      [waiting.id, "waitlisted"],
    ]);
    expect((await lookUp("张")).json.items).toEqual([]);
    for (const res of [whole, await lookUp("王"), await lookUp(wang.phone.slice(-4))]) {
      for (const secret of [wang.phone, waiting.phone, "王春梅", "王小梅", wang.ticketCode]) expect(res.text).not.toContain(secret);
    }
  });

  it("without q, lists the whole session, confirmed first, page by page with a cursor", async () => {
    const all = await cs.get(`${doorPath(session)}/attendees`);
    expect(all.json.items.map((i: any) => i.status)).toEqual(["confirmed", "confirmed", "waitlisted"]);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Res = await cs.get(`${doorPath(session)}/attendees?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.json.items.map((i: any) => i.registrationId));
      cursor = res.json.cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(all.json.items.map((i: any) => i.registrationId));
    expect(seen.at(-1)).toBe(waiting.id);
  });

  it("checks in the one she found by its registration id, and shows it", async () => {
    const res = await cs.post("/api/admin/checkins", { registrationId: li.id, sessionId: session });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ registration: { id: li.id, name: "李*" }, registered: 2, arrived: 1 });
    expect((await lookUp("李娜")).json.items[0]).toMatchObject({ registrationId: li.id, checkedInAt: res.json.checkedInAt });
    expectError(await cs.post("/api/admin/checkins", { registrationId: li.id }), 409, "ALREADY_CHECKED_IN");
  });

  it("refuses a forged cursor, never a 5xx", async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    for (const cursor of ["%%%", b64({ p: 7 }), b64({ p: 0, k: { pk: "SESSION#other", sk: "REG#x" } }), b64({ p: 1, k: "x" })]) {
      expectError(await cs.get(`${doorPath(session)}/attendees?cursor=${encodeURIComponent(cursor)}`), 422, "VALIDATION");
    }
  });
});

describe("a ticket of another session", () => {
  it("is refused at the desk with where it belongs (WRONG_SESSION); checked in with otherSession", async () => {
    const today = await newSession("hn.cs", { days: 3 });
    const otherDay = await newSession("hn.cs", { days: 4 });
    const t = await registered(otherDay, { name: "周丽梅" });
    const wrong = await cs.post("/api/admin/checkins", { ticketCode: t.ticketCode, sessionId: today });
    expectError(wrong, 409, "WRONG_SESSION");
    expect(wrong.json.error.message).toEqual(expect.any(String));
    expect(wrong.json.error.details).toMatchObject({ session: { id: otherDay, startsAt: expect.any(String) }, campaignTitle: "巾帼创业创新公益大讲座", campaignTitleEn: expect.any(String), name: "周*梅" });
    expect(await checkedInAt(t)).toBeUndefined();
    // A ticket of another campaign is another session too.
    const health = await registered("s-health-01", { campaign: HEALTH, answers: (phone) => ({ name: "王秀兰", phone, district: "hn.cs.yl", consent: true }) });
    expect((await cs.post("/api/admin/checkins", { ticketCode: health.ticketCode, sessionId: today })).json.error.details).toMatchObject({ campaignTitle: expect.stringContaining("健康") });
    const anyway = await cs.post("/api/admin/checkins", { ticketCode: t.ticketCode, sessionId: today, otherSession: true });
    expect(anyway.status, anyway.text).toBe(200);
    expect(anyway.json.registration.sessionId).toBe(otherDay);
    expect(anyway.json).toMatchObject({ registered: 1, arrived: 1 });
    // Her own session's desk: no warning, and the second time it says when.
    const again = await cs.post("/api/admin/checkins", { ticketCode: t.ticketCode, sessionId: otherDay });
    expectError(again, 409, "ALREADY_CHECKED_IN");
    expect(again.json.error.details).toEqual({ checkedInAt: anyway.json.checkedInAt, name: "周*梅" });
  });

  it("a body with neither a code nor an id, or both, is 422", async () => {
    expectError(await cs.post("/api/admin/checkins", {}), 422, "VALIDATION");
    expectError(await cs.post("/api/admin/checkins", { sessionId: CS_SESSION }), 422, "VALIDATION");
    expectError(await cs.post("/api/admin/checkins", { ticketCode: "123456789", registrationId: "x" }), 422, "VALIDATION");
    expectError(await cs.post("/api/admin/checkins", { ticketCode: "" }), 422, "VALIDATION");
  });
});

describe("an offline desk's queue (POST /api/admin/checkins/batch)", () => {
  const ago = (ms: number) => new Date(clock.now().getTime() - ms).toISOString();

  it("checks each code in once, at its first scan, in the order given; another session's ticket is not checked in", async () => {
    const session = await newSession("hn.cs");
    const other = await newSession("hn.cs", { days: 21 });
    const [a, b, c] = [await registered(session, { name: "王春梅" }), await registered(session), await registered(session)];
    const elsewhere = await registered(other, { name: "李娜" });
    const zzTicket = await registered(ZZ_SESSION);
    // c was checked in online at another desk, after this offline desk had scanned her.
    const online = await cs.post("/api/admin/checkins", { ticketCode: c.ticketCode, sessionId: session });
    expect(online.status).toBe(200);
    const items = [
      { ticketCode: b.ticketCode, scannedAt: ago(60_000) },
      { ticketCode: a.ticketCode, scannedAt: ago(30_000) },
      { ticketCode: `${a.ticketCode.slice(0, 3)} ${a.ticketCode.slice(3)}`, scannedAt: ago(90_000) }, // the same ticket, scanned first
      { ticketCode: c.ticketCode, scannedAt: ago(10_000) },
      { ticketCode: "987654321", scannedAt: ago(5_000) },
      { ticketCode: elsewhere.ticketCode, scannedAt: ago(4_000) },
      { ticketCode: zzTicket.ticketCode, scannedAt: ago(3_000) },
    ];
    const res = await cs.post("/api/admin/checkins/batch", { sessionId: session, items });
    expect(res.status, res.text).toBe(200);
    expect(res.json.items).toEqual([
      { ticketCode: b.ticketCode, result: "checked_in", checkedInAt: ago(60_000), name: "王*兰" },
      { ticketCode: a.ticketCode, result: "already", checkedInAt: ago(90_000), name: "王*梅" },
      { ticketCode: items[2]!.ticketCode, result: "checked_in", checkedInAt: ago(90_000), name: "王*梅" },
      // Already checked in, but scanned here first: the earlier scan is the record.
      { ticketCode: c.ticketCode, result: "already", checkedInAt: ago(10_000), name: "王*兰" },
      { ticketCode: "987654321", result: "unknown", reason: "TICKET_NOT_FOUND" },
      expect.objectContaining({ ticketCode: elsewhere.ticketCode, result: "unknown", reason: "WRONG_SESSION", name: "李*", session: expect.objectContaining({ id: other }) }),
      { ticketCode: zzTicket.ticketCode, result: "unknown", reason: "FORBIDDEN" },
    ]);
    expect(await checkedInAt(a)).toBe(ago(90_000));
    expect(await checkedInAt(elsewhere)).toBeUndefined();
    expect(await checkedInAt(zzTicket)).toBeUndefined();
    expect(await counts(cs, session)).toEqual({ registered: 3, arrived: 3 });
    // Synced twice (the answer was lost): nothing more is checked in.
    const again = await cs.post("/api/admin/checkins/batch", { sessionId: session, items });
    expect(again.json.items.slice(0, 4).map((i: any) => i.result)).toEqual(["already", "already", "already", "already"]);
    expect(await counts(cs, session)).toEqual({ registered: 3, arrived: 3 });
  });

  it("a scan earlier than the check-in on record (another desk, online, later) becomes the record; the count is unchanged", async () => {
    const session = await newSession("hn.cs");
    const t = await registered(session);
    const online = await cs.post("/api/admin/checkins", { ticketCode: t.ticketCode });
    expect(online.status).toBe(200);
    const res = await cs.post("/api/admin/checkins/batch", { items: [{ ticketCode: t.ticketCode, scannedAt: ago(120_000) }] });
    expect(res.json.items).toEqual([{ ticketCode: t.ticketCode, result: "already", checkedInAt: ago(120_000), name: "王*兰" }]);
    expect(await checkedInAt(t)).toBe(ago(120_000));
    expect(await counts(cs, session)).toEqual({ registered: 1, arrived: 1 });
  });

  it("clamps a scan time in the future, more than 7 days back, or unreadable, to now", async () => {
    const session = await newSession("hn.cs");
    const [a, b, c] = [await registered(session), await registered(session), await registered(session)];
    const now = clock.now().toISOString();
    const res = await cs.post("/api/admin/checkins/batch", {
      items: [
        { ticketCode: a.ticketCode, scannedAt: new Date(clock.now().getTime() + 3600_000).toISOString() },
        { ticketCode: b.ticketCode, scannedAt: ago(8 * DAY) },
        { ticketCode: c.ticketCode, scannedAt: "yesterday-ish" },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.items.map((i: any) => [i.result, i.checkedInAt])).toEqual([
      ["checked_in", now],
      ["checked_in", now],
      ["checked_in", now],
    ]);
    const within = await registered(session);
    const sixDays = await cs.post("/api/admin/checkins/batch", { items: [{ ticketCode: within.ticketCode, scannedAt: ago(6 * DAY) }] });
    expect(sixDays.json.items[0].checkedInAt).toBe(ago(6 * DAY));
  });

  it("takes 1 to 200 items; anything else is 422, never a 5xx", async () => {
    const item = { ticketCode: "987654321", scannedAt: clock.now().toISOString() };
    expectError(await cs.post("/api/admin/checkins/batch", { items: [] }), 422, "VALIDATION");
    expectError(await cs.post("/api/admin/checkins/batch", { items: Array(201).fill(item) }), 422, "VALIDATION");
    expectError(await cs.post("/api/admin/checkins/batch", { items: [{ ticketCode: "x" }] }), 422, "VALIDATION");
    const full = await cs.post("/api/admin/checkins/batch", { items: Array(200).fill(item) });
    expect(full.status, full.text).toBe(200);
    expect(full.json.items).toHaveLength(200);
    expect(full.json.items.every((i: any) => i.result === "unknown" && i.reason === "TICKET_NOT_FOUND")).toBe(true);
    expectError(await participant.post("/api/admin/checkins/batch", { items: [item] }), 403, "FORBIDDEN");
  });
});

describe("her ticket", () => {
  it("carries her masked name, the session and the campaign's title", async () => {
    const t = await registered(CS_SESSION, { name: "王春梅" });
    const res = await t.woman.get(`/api/registrations/${t.id}/ticket`);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      registrationId: t.id,
      ticketCode: t.ticketCode,
      status: "confirmed",
      name: "王*梅",
      campaignId: LECTURES,
      campaignTitle: "巾帼创业创新公益大讲座",
      campaignTitleEn: expect.any(String),
      session: { id: CS_SESSION, startsAt: expect.any(String), venue: expect.any(String) },
    });
    expect(res.json.qr).toMatch(/^<svg/);
    expect(res.text).not.toContain("王春梅");
    expect(res.text).not.toContain(t.phone);
  });

});

describe("a session without a unit of its own", () => {
  it("is its campaign's: the province's session is the province's door, 株洲's campaign's is 株洲's", async () => {
    const provinces = await newSession(undefined);
    const t = await registered(provinces);
    expectError(await cs.post("/api/admin/checkins", { ticketCode: t.ticketCode }), 403, "FORBIDDEN");
    expectError(await cs.get(`${doorPath(provinces)}/door`), 403, "FORBIDDEN");
    expect((await admin.get(`${doorPath(provinces)}/door`)).json.session.orgUnit).toBe("hn");
    expect((await admin.post("/api/admin/checkins", { ticketCode: t.ticketCode })).status).toBe(200);
    const own = await registered("s-parents-01", { campaign: PARENTS, answers: (phone) => ({ name: "王秀兰", phone, city: "hn.zz", consent: true }) });
    expect((await zz.post("/api/admin/checkins", { ticketCode: own.ticketCode })).status).toBe(200);
    expectError(await cs.post("/api/admin/checkins", { registrationId: own.id }), 403, "FORBIDDEN");
  });
});
