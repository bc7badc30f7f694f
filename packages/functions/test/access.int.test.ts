import { describe, it, expect, beforeAll } from "vitest";
import { getSession, ticketQr } from "@jinguo/core/registration";
import { getCampaignWithSessions } from "@jinguo/core/campaigns";
import { testApi, ORIGIN, LECTURES, lectureAnswers, type TestApi } from "../../../test/harness.ts";

/**
 * Object-level access: every `:id` route refuses other people and other units, whatever the
 * role says. Seeds: LECTURES (c-2019-cxcy-lectures) is the province's (hn), HEALTH is 长沙's
 * (hn.cs), PARENTS is 株洲's (hn.zz).
 */
const HEALTH = "c-2019-health-lectures";
const PARENTS = "c-2019-parent-growth";

type Client = ReturnType<TestApi["client"]>;
type Res = Awaited<ReturnType<Client["get"]>>;

let api: TestApi;
let admin: Client, cs: Client, zz: Client, participant: Client, anon: Client;
let alice: Client, bea: Client;
let alicePhone: string, beaPhone: string;
let adminId: string, csId: string, zzId: string;
/** registrations by who and where */
const reg: Record<string, { id: string; ticketCode: string; sessionId: string }> = {};

const healthAnswers = (phone: string, name = "王秀兰") => ({ name, phone, district: "hn.cs.yl", consent: true });
const parentAnswers = (phone: string, name = "王秀兰") => ({ name, phone, city: "hn.zz", consent: true });

function expectError(res: Res, status: number, code: string) {
  expect({ status: res.status, code: res.json?.error?.code }, `${res.status} ${res.text}`).toEqual({ status, code });
  expect(Object.keys(res.json)).toEqual(["error"]);
}

beforeAll(async () => {
  api = await testApi();
  [admin, cs, zz, participant, anon, alice, bea] = Array.from({ length: 7 }, () => api.client()) as [Client, Client, Client, Client, Client, Client, Client];
  alicePhone = api.newPhone();
  beaPhone = api.newPhone();
  const users = await Promise.all([
    admin.signIn("13800000000"),
    cs.signIn("13800000001"),
    zz.signIn("13800000002"),
    participant.signIn(api.newPhone()),
    alice.signIn(alicePhone),
    bea.signIn(beaPhone),
  ]);
  [adminId, csId, zzId] = users.map((u) => u.id) as [string, string, string];
  await anon.get("/api/health"); // picks up the csrf cookie, like a browser would

  async function register(who: Client, campaign: string, sessionId: string, answers: object, name: string) {
    const res = await who.post(`/api/campaigns/${campaign}/registrations`, { sessionId, answers });
    expect(res.status, res.text).toBe(201);
    reg[name] = { id: res.json.registration.id, ticketCode: res.json.registration.ticketCode, sessionId };
  }
  await register(alice, LECTURES, "s-cxcy-01", lectureAnswers(alicePhone), "aliceLectures");
  await register(alice, HEALTH, "s-health-01", healthAnswers(alicePhone), "aliceHealth");
  await register(alice, PARENTS, "s-parents-01", parentAnswers(alicePhone), "aliceParents");
  await register(bea, HEALTH, "s-health-01", healthAnswers(beaPhone, "李娜"), "beaHealth");
  await register(bea, LECTURES, "s-cxcy-02", lectureAnswers(beaPhone), "beaLectures");
});

describe("a woman and another woman's registration", () => {
  it("cannot read, cancel or get the ticket of it: 404, and nothing changes", async () => {
    const theirs = reg.beaHealth!;
    const before = (await getSession(api.db, HEALTH, theirs.sessionId))!;

    expectError(await alice.get(`/api/registrations/${theirs.id}`), 404, "REGISTRATION_NOT_FOUND");
    expectError(await alice.get(`/api/registrations/${theirs.id}/ticket`), 404, "REGISTRATION_NOT_FOUND");
    expectError(await alice.del(`/api/registrations/${theirs.id}`), 404, "REGISTRATION_NOT_FOUND");

    const after = (await getSession(api.db, HEALTH, theirs.sessionId))!;
    expect([after.taken, after.waiting]).toEqual([before.taken, before.waiting]);
    const own = await bea.get(`/api/registrations/${theirs.id}`);
    expect(own.status).toBe(200);
    expect(own.json.registration.status).toBe("confirmed");
    const ticket = await bea.get(`/api/registrations/${theirs.id}/ticket`);
    expect(ticket.status).toBe(200);
    expect(ticket.json.ticketCode).toBe(theirs.ticketCode);
    expect(ticket.json.qr).toMatch(/^<svg/);
    // The QR opens the check-in desk of the site she used, with her code.
    expect(ticket.json.qr).toBe(await ticketQr(`${ORIGIN}/organiser/checkin`, theirs.ticketCode));
    expect(ticket.json.qr).not.toBe(await ticketQr(`${ORIGIN}/organiser/checkin`, "ZZZZZZZZ"));
  });

  it("the 404 is the same as for an id that does not exist (nothing to learn from it)", async () => {
    const theirs = reg.beaHealth!;
    const madeUp = theirs.id.replace(/\.u.*$/, ".u000000000000");
    const a = await alice.get(`/api/registrations/${theirs.id}`);
    const b = await alice.get(`/api/registrations/${madeUp}`);
    expect(a.status).toBe(b.status);
    expect(a.json).toEqual(b.json);
  });

  it("does not see it in her own list", async () => {
    const mine = await alice.get("/api/me/registrations");
    expect(mine.status).toBe(200);
    const ids = mine.json.items.map((i: any) => i.id);
    expect(ids).toEqual(expect.arrayContaining([reg.aliceHealth!.id, reg.aliceLectures!.id, reg.aliceParents!.id]));
    expect(ids).not.toContain(reg.beaHealth!.id);
    expect(mine.text).not.toContain(beaPhone);
  });
});

/** Every admin route, with a body that would pass validation. */
function adminRoutes(campaign: string, sessionId: string) {
  const future = new Date(Date.now() + 20 * 86_400_000).toISOString();
  return [
    ["GET", `/api/admin/campaigns/${campaign}`],
    ["PATCH", `/api/admin/campaigns/${campaign}`, { title: "改过的标题" }],
    ["POST", `/api/admin/campaigns/${campaign}/publish`],
    ["POST", `/api/admin/campaigns/${campaign}/phase`, { phase: "closed" }],
    ["POST", `/api/admin/campaigns/${campaign}/sessions`, { title: "加场", startsAt: future, venue: "某地", capacity: 10, waitlist: false }],
    ["PATCH", `/api/admin/campaigns/${campaign}/sessions/${sessionId}`, { capacity: 999 }],
    ["DELETE", `/api/admin/campaigns/${campaign}/sessions/${sessionId}`],
    ["GET", `/api/admin/campaigns/${campaign}/registrations`],
    ["GET", `/api/admin/campaigns/${campaign}/registrations.csv`],
    ["GET", `/api/admin/campaigns/${campaign}/registrations.csv?full=1`],
    ["GET", `/api/admin/audit?campaignId=${campaign}`],
  ] as [string, string, unknown?][];
}
const send = (who: Client, [method, path, body]: [string, string, unknown?]) => who.request(method, path, body);

/** What a refused request must not have changed. */
async function snapshot(campaign: string) {
  const found = (await getCampaignWithSessions(api.db, campaign))!;
  return { campaign: found.campaign, sessions: found.sessions };
}

describe("not signed in", () => {
  it("gets 401 on her own things, on registering and on every admin route", async () => {
    const routes: [string, string, unknown?][] = [
      ["GET", "/api/me"],
      ["PATCH", "/api/me", { name: "某人" }],
      ["GET", "/api/me/registrations"],
      ["POST", `/api/campaigns/${LECTURES}/registrations`, { sessionId: "s-cxcy-03", answers: lectureAnswers("13912345678") }],
      ["GET", `/api/registrations/${reg.beaHealth!.id}`],
      ["DELETE", `/api/registrations/${reg.beaHealth!.id}`],
      ["GET", `/api/registrations/${reg.beaHealth!.id}/ticket`],
      ["GET", "/api/admin/campaigns"],
      ["POST", "/api/admin/campaigns", { kind: "event", title: "新活动", orgUnit: "hn" }],
      ["POST", "/api/admin/checkins", { ticketCode: reg.beaHealth!.ticketCode }],
      ...adminRoutes(HEALTH, "s-health-03"),
    ];
    const before = await snapshot(HEALTH);
    for (const r of routes) expectError(await send(anon, r), 401, "UNAUTHENTICATED");
    expect(await snapshot(HEALTH)).toEqual(before);
    expect((await bea.get(`/api/registrations/${reg.beaHealth!.id}`)).json.registration).toMatchObject({ status: "confirmed" });
    expect((await bea.get(`/api/registrations/${reg.beaHealth!.id}`)).json.registration.checkedInAt).toBeUndefined();
  });

  it("still reads what is public", async () => {
    expect((await anon.get(`/api/campaigns/${HEALTH}`)).status).toBe(200);
    expect((await anon.get("/api/campaigns")).status).toBe(200);
  });
});

describe("a participant (no role)", () => {
  it("gets 403 on every admin route, and nothing changes", async () => {
    const before = await snapshot(LECTURES);
    const routes: [string, string, unknown?][] = [
      ["GET", "/api/admin/campaigns"],
      ["POST", "/api/admin/campaigns", { kind: "event", title: "新活动", orgUnit: "hn" }],
      ["POST", "/api/admin/checkins", { ticketCode: reg.aliceLectures!.ticketCode }],
      ...adminRoutes(LECTURES, "s-cxcy-10"),
    ];
    for (const r of routes) expectError(await send(participant, r), 403, "FORBIDDEN");
    expect(await snapshot(LECTURES)).toEqual(before);
    // Neither can a woman with registrations check herself in.
    expectError(await alice.post("/api/admin/checkins", { ticketCode: reg.aliceLectures!.ticketCode }), 403, "FORBIDDEN");
    expect((await alice.get(`/api/registrations/${reg.aliceLectures!.id}`)).json.registration.checkedInAt).toBeUndefined();
  });
});

describe("the organiser of 株洲 (hn.zz)", () => {
  for (const [campaign, sessionId, owner] of [
    [LECTURES, "s-cxcy-10", "the province"],
    [HEALTH, "s-health-03", "长沙"],
  ] as const) {
    it(`gets 403 on every admin route of ${owner}'s campaign, and nothing changes`, async () => {
      const before = await snapshot(campaign);
      for (const r of adminRoutes(campaign, sessionId)) expectError(await send(zz, r), 403, "FORBIDDEN");
      expect(await snapshot(campaign)).toEqual(before);
      // The audit trail (read as the admin) has nothing by her.
      const audit = await admin.get(`/api/admin/audit?campaignId=${campaign}`);
      expect(audit.json.items.filter((e: any) => e.actorId === zzId)).toEqual([]);
    });
  }

  it("cannot create a campaign for another unit", async () => {
    expectError(await zz.post("/api/admin/campaigns", { kind: "event", title: "越权活动", orgUnit: "hn.cs" }), 403, "FORBIDDEN");
    expectError(await zz.post("/api/admin/campaigns", { kind: "event", title: "越权活动", orgUnit: "hn" }), 403, "FORBIDDEN");
  });

  it("sees her own unit's campaigns to manage, and the province's contests she takes part in, never a sibling's", async () => {
    const res = await zz.get("/api/admin/campaigns");
    expect(res.status).toBe(200);
    const ids = res.json.items.map((c: any) => c.id);
    expect(ids).toContain(PARENTS);
    expect(ids).not.toContain(LECTURES);
    expect(ids).not.toContain(HEALTH);
    const editable = res.json.items.filter((c: any) => c.canEdit);
    expect(editable.every((c: any) => c.orgUnit === "hn.zz" || c.orgUnit.startsWith("hn.zz."))).toBe(true);
    expect(res.json.items.filter((c: any) => !c.canEdit).every((c: any) => c.orgUnit === "hn")).toBe(true);
  });

  it("gets 403 checking in a ticket of 长沙's campaign, and it stays unchecked", async () => {
    expectError(await zz.post("/api/admin/checkins", { ticketCode: reg.aliceHealth!.ticketCode }), 403, "FORBIDDEN");
    expect((await alice.get(`/api/registrations/${reg.aliceHealth!.id}`)).json.registration.checkedInAt).toBeUndefined();
  });

  it("checks in a ticket of her own campaign (200, masked), once", async () => {
    const res = await zz.post("/api/admin/checkins", { ticketCode: reg.aliceParents!.ticketCode.toLowerCase() });
    expect(res.status, res.text).toBe(200);
    expect(res.json.registration.id).toBe(reg.aliceParents!.id);
    expect(res.json.checkedInAt).toEqual(expect.any(String));
    expect(res.text).not.toContain(alicePhone);
    expect(res.json.registration.answers.phone).toBe(`${alicePhone.slice(0, 3)}****${alicePhone.slice(-4)}`);
    expect((await alice.get(`/api/registrations/${reg.aliceParents!.id}`)).json.registration.checkedInAt).toBe(res.json.checkedInAt);
    expectError(await zz.post("/api/admin/checkins", { ticketCode: reg.aliceParents!.ticketCode }), 409, "ALREADY_CHECKED_IN");
  });

  it("manages her own campaign", async () => {
    expect((await zz.get(`/api/admin/campaigns/${PARENTS}`)).status).toBe(200);
    const patched = await zz.patch(`/api/admin/campaigns/${PARENTS}`, { description: "株洲改过的说明" });
    expect(patched.status).toBe(200);
    expect(patched.json.campaign.description).toBe("株洲改过的说明");
    expect((await zz.get(`/api/admin/campaigns/${PARENTS}/registrations`)).status).toBe(200);
    expect((await zz.get(`/api/admin/campaigns/${PARENTS}/registrations.csv`)).status).toBe(200);
    const audit = await zz.get(`/api/admin/audit?campaignId=${PARENTS}`);
    expect(audit.status).toBe(200);
    expect(audit.json.items.some((e: any) => e.actorId === zzId && e.action === "campaign.update")).toBe(true);
  });
});

describe("the organiser of 长沙 (hn.cs)", () => {
  it("manages 长沙's campaign: every admin route answers", async () => {
    const future = new Date(Date.now() + 20 * 86_400_000).toISOString();
    expect((await cs.get(`/api/admin/campaigns/${HEALTH}`)).status).toBe(200);
    expect((await cs.patch(`/api/admin/campaigns/${HEALTH}`, { description: "长沙改过的说明" })).status).toBe(200);
    expect((await cs.post(`/api/admin/campaigns/${HEALTH}/publish`)).status).toBe(200);
    const phase = await cs.post(`/api/admin/campaigns/${HEALTH}/phase`, { phase: "registration" });
    expect(phase.status, phase.text).toBe(200);
    expect(phase.json.campaign.phase).toBe("registration");
    const created = await cs.post(`/api/admin/campaigns/${HEALTH}/sessions`, { title: "加场", startsAt: future, venue: "开福区", capacity: 5, waitlist: true });
    expect(created.status, created.text).toBe(201);
    const sid = created.json.session.id;
    const patched = await cs.patch(`/api/admin/campaigns/${HEALTH}/sessions/${sid}`, { capacity: 8 });
    expect([patched.status, patched.json.session.capacity]).toEqual([200, 8]);
    expect((await cs.del(`/api/admin/campaigns/${HEALTH}/sessions/${sid}`)).status).toBe(204);
    expect((await getSession(api.db, HEALTH, sid))).toBeUndefined();
    expect((await cs.get(`/api/admin/campaigns/${HEALTH}/registrations`)).status).toBe(200);
    expect((await cs.get(`/api/admin/campaigns/${HEALTH}/registrations.csv`)).status).toBe(200);
    const audit = await cs.get(`/api/admin/audit?campaignId=${HEALTH}`);
    expect(audit.status).toBe(200);
    const actions = audit.json.items.filter((e: any) => e.actorId === csId).map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["campaign.update", "campaign.publish", "campaign.phase", "session.create", "session.update", "session.delete"]));
  });

  it("gets 403 on every admin route of the province's campaign, and nothing changes", async () => {
    const before = await snapshot(LECTURES);
    for (const r of adminRoutes(LECTURES, "s-cxcy-10")) expectError(await send(cs, r), 403, "FORBIDDEN");
    expect(await snapshot(LECTURES)).toEqual(before);
    expectError(await cs.post("/api/admin/checkins", { ticketCode: reg.beaLectures!.ticketCode }), 403, "FORBIDDEN");
    expect((await bea.get(`/api/registrations/${reg.beaLectures!.id}`)).json.registration.checkedInAt).toBeUndefined();
  });

  it("checks in a ticket of 长沙's campaign", async () => {
    const res = await cs.post("/api/admin/checkins", { ticketCode: reg.beaHealth!.ticketCode });
    expect(res.status, res.text).toBe(200);
    expect(res.json.registration.campaignId).toBe(HEALTH);
  });
});

describe("the admin (湖南省妇联)", () => {
  it("manages every unit's campaigns", async () => {
    for (const c of [LECTURES, HEALTH, PARENTS]) {
      expect((await admin.get(`/api/admin/campaigns/${c}`)).status).toBe(200);
      expect((await admin.get(`/api/admin/campaigns/${c}/registrations`)).status).toBe(200);
      expect((await admin.get(`/api/admin/audit?campaignId=${c}`)).status).toBe(200);
    }
    const list = (await admin.get("/api/admin/campaigns")).json.items.map((c: any) => c.id);
    expect(list).toEqual(expect.arrayContaining([LECTURES, HEALTH, PARENTS]));
    expect((await admin.patch(`/api/admin/campaigns/${PARENTS}`, { description: "省里改过的说明" })).status).toBe(200);
    const res = await admin.post("/api/admin/checkins", { ticketCode: reg.aliceHealth!.ticketCode });
    expect(res.status, res.text).toBe(200);
  });
});

describe("the unmasked export (?full=1)", () => {
  const auditOf = async (campaign: string) => (await admin.get(`/api/admin/audit?campaignId=${campaign}`)).json.items as any[];
  const exports = (items: any[], actor: string) => items.filter((e) => e.action === "registrations.export_full" && e.actorId === actor);

  it("is for the admin on the province's campaign, and is audit-logged", async () => {
    const before = exports(await auditOf(LECTURES), adminId).length;
    const res = await admin.get(`/api/admin/campaigns/${LECTURES}/registrations.csv?full=1`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(alicePhone);
    expect(res.text).toContain(beaPhone);
    const after = exports(await auditOf(LECTURES), adminId);
    expect(after).toHaveLength(before + 1);
    expect(after[0].details).toEqual({ rows: 2 });
    // The audit trail says who and how many, never whose.
    const trail = await admin.get(`/api/admin/audit?campaignId=${LECTURES}`);
    expect(trail.text).not.toContain(alicePhone);
  });

  it("is for 长沙's organiser on 长沙's campaign, and is audit-logged", async () => {
    const res = await cs.get(`/api/admin/campaigns/${HEALTH}/registrations.csv?full=1`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(alicePhone);
    expect(res.text).toContain("王秀兰");
    expect(exports(await auditOf(HEALTH), csId)).toHaveLength(1);
  });

  it("is refused to a unit above that does not own it: the admin on 长沙's campaign gets 403, and no export is logged", async () => {
    const before = exports(await auditOf(HEALTH), adminId).length;
    expectError(await admin.get(`/api/admin/campaigns/${HEALTH}/registrations.csv?full=1`), 403, "FORBIDDEN");
    expect(exports(await auditOf(HEALTH), adminId)).toHaveLength(before);
    // The masked export stays open to her.
    const masked = await admin.get(`/api/admin/campaigns/${HEALTH}/registrations.csv`);
    expect(masked.status).toBe(200);
    expect(masked.text).not.toContain(alicePhone);
  });

  it("is refused to 长沙's organiser on a county campaign below her (she manages it, it is not hers)", async () => {
    const created = await cs.post("/api/admin/campaigns", { kind: "event", title: "岳麓区讲座", orgUnit: "hn.cs.yl" });
    expect(created.status, created.text).toBe(201);
    const id = created.json.campaign.id;
    expect((await cs.get(`/api/admin/campaigns/${id}/registrations.csv`)).status).toBe(200);
    expectError(await cs.get(`/api/admin/campaigns/${id}/registrations.csv?full=1`), 403, "FORBIDDEN");
  });

  it("is refused to other units entirely", async () => {
    expectError(await zz.get(`/api/admin/campaigns/${HEALTH}/registrations.csv?full=1`), 403, "FORBIDDEN");
    expectError(await cs.get(`/api/admin/campaigns/${LECTURES}/registrations.csv?full=1`), 403, "FORBIDDEN");
    const own = await zz.get(`/api/admin/campaigns/${PARENTS}/registrations.csv?full=1`);
    expect(own.status).toBe(200);
    expect(own.text).toContain(alicePhone);
    expect(exports(await auditOf(PARENTS), zzId)).toHaveLength(1);
  });
});

describe("masking in organiser lists and exports", () => {
  const masked = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;

  it("the registration list shows 139****1234 and 王*兰, never the full number or name", async () => {
    const res = await cs.get(`/api/admin/campaigns/${HEALTH}/registrations`);
    expect(res.status).toBe(200);
    const byId = new Map(res.json.items.map((i: any) => [i.id, i]));
    expect((byId.get(reg.aliceHealth!.id) as any).answers).toMatchObject({ phone: masked(alicePhone), name: "王*兰" });
    expect((byId.get(reg.beaHealth!.id) as any).answers).toMatchObject({ phone: masked(beaPhone), name: "李*" });
    for (const secret of [alicePhone, beaPhone, "王秀兰", "李娜", reg.aliceHealth!.ticketCode]) expect(res.text).not.toContain(secret);
    expect(masked(alicePhone)).toMatch(/^1\d{2}\*{4}\d{4}$/);
  });

  it("the default CSV is masked the same way, UTF-8 with a BOM, as an attachment", async () => {
    const cookie = [...admin.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await api.app.request(`${ORIGIN}/api/admin/campaigns/${LECTURES}/registrations.csv`, { headers: { host: "localhost", cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="registrations-c-2019-cxcy-lectures\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith("\uFEFF报名编号,")).toBe(true);
    expect(text).toContain(masked(alicePhone));
    expect(text).toContain(masked(beaPhone));
    expect(text).toContain("王*兰");
    for (const secret of [alicePhone, beaPhone, "王秀兰"]) expect(text).not.toContain(secret);
  });

  it("the list pages with ?limit and a cursor, and stays masked on every page", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const res: Res = await admin.get(`/api/admin/campaigns/${HEALTH}/registrations?limit=1${q}`);
      expect(res.status, res.text).toBe(200);
      expect(res.json.items.length).toBeLessThanOrEqual(1);
      expect(res.text).not.toContain(alicePhone);
      seen.push(...res.json.items.map((i: any) => i.id));
      cursor = res.json.cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(new Set(seen)).toEqual(new Set([reg.aliceHealth!.id, reg.beaHealth!.id]));
  });
});

describe("a city organiser and the province's contest", () => {
  const CONTEST = "c-2019-square-dance"; // the province's (hn); teams enter through their county

  it("sees it among her campaigns and can open it, but cannot change its settings", async () => {
    const list = await cs.get("/api/admin/campaigns");
    const item = list.json.items.find((c: any) => c.id === CONTEST);
    expect(item, "the province's contest is listed for 长沙").toMatchObject({ id: CONTEST, canEdit: false });
    expect(list.json.items.find((c: any) => c.id === HEALTH)).toMatchObject({ canEdit: true });
    const one = await cs.get(`/api/admin/campaigns/${CONTEST}`);
    expect([one.status, one.json.campaign?.canEdit]).toEqual([200, false]);
    expectError(await cs.patch(`/api/admin/campaigns/${CONTEST}`, { description: "改" }), 403, "FORBIDDEN");
    expectError(await cs.post(`/api/admin/campaigns/${CONTEST}/phase`, { phase: "review" }), 403, "FORBIDDEN");
    expect((await admin.get(`/api/admin/campaigns/${CONTEST}`)).json.campaign.canEdit).toBe(true);
  });

  it("a province event campaign is still not hers to open (its doors are the next issue's)", async () => {
    expectError(await cs.get(`/api/admin/campaigns/${LECTURES}`), 403, "FORBIDDEN");
    expect((await cs.get("/api/admin/campaigns")).json.items.some((c: any) => c.id === LECTURES)).toBe(false);
  });
});
