import { describe, it, expect, beforeAll, afterEach } from "vitest";
import pngjs from "pngjs";
import { getUpload } from "@jinguo/core/uploads";
import { getItem } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
// Test-only: the invariant switch is not part of the entries module's public face.
import { guards, guardsOff } from "../../core/src/entries/guards.ts";
import { testApi, fixedClock, readResponse, ORIGIN, type TestApi } from "../../../test/harness.ts";

const original = { ...guards };
afterEach(() => Object.assign(guards, original));

/** The seeded 乡村广场舞大赛: a province-wide contest (hn), registration open from a fresh start. */
const CONTEST = "c-2019-square-dance";
const HEALTH = "c-2019-health-lectures";

type Client = ReturnType<TestApi["client"]>;
type Woman = { c: Client; phone: string };

/** A team's answers to the seeded contest form. */
const teamAnswers = (phone: string, extra: Record<string, unknown> = {}) => ({
  teamName: "赤马村姐妹舞蹈队",
  leaderName: "李秀英",
  leaderPhone: phone,
  memberCount: 12,
  county: "hn.cs.ly",
  description: "我们跳《爱我中华》，队员都是村里的姐妹。",
  consent: true,
  ...extra,
});

async function woman(api: TestApi): Promise<Woman> {
  const c = api.client();
  const phone = api.newPhone();
  await c.signIn(phone);
  return { c, phone };
}

const enter = (w: Woman, extra: Record<string, unknown> = {}, campaignId = CONTEST) =>
  w.c.post(`/api/campaigns/${campaignId}/entries`, { answers: teamAnswers(w.phone, extra) });

async function entered(w: Woman, extra: Record<string, unknown> = {}) {
  const res = await enter(w, extra);
  expect(res.status, res.text).toBe(201);
  return res.json.entry as { id: string; status: string; orgUnit: string; title: string };
}

/** A tiny opaque PNG, uploaded through the API as she would from her phone. */
async function uploadPhoto(api: TestApi, w: Woman): Promise<string> {
  const png = new pngjs.PNG({ width: 4, height: 4 });
  png.data.fill(200);
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(pngjs.PNG.sync.write(png))], { type: "image/png" }), "team.png");
  const cookie = [...w.c.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await readResponse(await api.app.request(`${ORIGIN}/api/uploads`, { method: "POST", headers: { origin: ORIGIN, host: "localhost", cookie }, body: form }));
  expect(res.status, res.text).toBe(201);
  return res.json.upload.id;
}

/** Her live entries in the contest, read from the API. */
async function liveEntries(w: Woman) {
  const res = await w.c.get("/api/me/entries?limit=100");
  expect(res.status, res.text).toBe(200);
  return (res.json.items as { campaignId: string; status: string }[]).filter((e) => e.campaignId === CONTEST && e.status !== "withdrawn");
}

let api: TestApi;
let admin: Client, changsha: Client, zhuzhou: Client;
beforeAll(async () => {
  api = await testApi();
  [admin, changsha, zhuzhou] = [api.client(), api.client(), api.client()];
  await admin.signIn("13800000000");
  await changsha.signIn("13800000001");
  await zhuzhou.signIn("13800000002");
});

describe("entering the seeded square-dance contest", () => {
  it("the contest is open for entries on a fresh start, and says so", async () => {
    const res = await api.client().get(`/api/campaigns/${CONTEST}`);
    expect(res.json.campaign.capabilities).toContain("entries");
    expect(res.json.campaign.intake).toMatchObject({ phase: "registration", open: true });
    const keys = res.json.campaign.form.fields.map((f: { key: string }) => f.key);
    expect(keys).toEqual(["teamName", "leaderName", "leaderPhone", "memberCount", "county", "description", "photo", "consent"]);
  });

  it("a leader enters her team (201); a second entry of hers is 409 ENTRY_LIMIT", async () => {
    const w = await woman(api);
    const first = await enter(w);
    expect(first.status, first.text).toBe(201);
    expect(first.json.entry).toMatchObject({ status: "submitted", orgUnit: "hn.cs.ly", title: "赤马村姐妹舞蹈队" });
    expect(first.json.entry.id).toMatch(/^e[0-9a-z]{12}$/);
    const second = await enter(w, { teamName: "另一支队" });
    expect(second.status, second.text).toBe(409);
    expect(second.json.error.code).toBe("ENTRY_LIMIT");
    expect(await liveEntries(w)).toHaveLength(1);
  });

  it("answers that break the form are 422, naming the fields", async () => {
    const w = await woman(api);
    const res = await enter(w, { memberCount: 7, county: "hn.nowhere", leaderPhone: "123" });
    expect(res.status).toBe(422);
    expect(res.json.error.details.fields).toMatchObject({ memberCount: "FIELD_TOO_SMALL", county: "FIELD_ORG_UNIT", leaderPhone: "FIELD_PHONE" });
    const tooLong = await enter(w, { description: "跳".repeat(301) });
    expect(tooLong.json.error.details.fields).toEqual({ description: "FIELD_TOO_LONG" });
    expect(await liveEntries(w)).toHaveLength(0);
  });

  it("an event campaign takes no entries: 409 NO_ENTRIES", async () => {
    const w = await woman(api);
    const res = await w.c.post(`/api/campaigns/${HEALTH}/entries`, { answers: { name: "王秀兰", phone: w.phone, district: "hn.cs.yl", consent: true } });
    expect(res.status, res.text).toBe(409);
    expect(res.json.error.code).toBe("NO_ENTRIES");
    expect((await api.client().get(`/api/campaigns/${HEALTH}/entries`)).json.error.code).toBe("NO_ENTRIES");
    expect((await admin.get(`/api/admin/campaigns/${HEALTH}/entries`)).json.error.code).toBe("NO_ENTRIES");
  });

  it("an unknown campaign is 404; not signed in is 401", async () => {
    const w = await woman(api);
    expect((await w.c.post("/api/campaigns/c-nope/entries", { answers: teamAnswers(w.phone) })).status).toBe(404);
    expect((await api.client().post(`/api/campaigns/${CONTEST}/entries`, { answers: teamAnswers(w.phone) })).status).toBe(401);
  });
});

describe("one live entry per leader, however many taps", () => {
  async function tapTen() {
    const w = await woman(api);
    const results = await Promise.all(Array.from({ length: 10 }, () => enter(w)));
    return { results, live: await liveEntries(w) };
  }

  it("ten taps at once make exactly one entry; the others are ENTRY_LIMIT", async () => {
    const { results, live } = await tapTen();
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).map((r) => r.json.error.code)).toEqual(Array(9).fill("ENTRY_LIMIT"));
    expect(live).toHaveLength(1);
  });

  it("negative control: without the counter condition several get through, and the check sees it", async () => {
    guards.entryLimit = guardsOff.entryLimit;
    const { live } = await tapTen();
    expect(live.length).toBeGreaterThan(1);
  });

  it("withdrawing gives the place back; a second DELETE changes nothing", async () => {
    const w = await woman(api);
    const entry = await entered(w);
    const gone = await w.c.del(`/api/entries/${entry.id}`);
    expect(gone.status, gone.text).toBe(200);
    expect(gone.json.entry).toMatchObject({ id: entry.id, status: "withdrawn" });
    const again = await w.c.del(`/api/entries/${entry.id}`);
    expect(again.status).toBe(200);
    expect(again.json.entry.status).toBe("withdrawn");
    expect(await liveEntries(w)).toHaveLength(0);
    const counter = await getItem<{ count: number }>(api.db, keys.entrantCount(CONTEST, (await w.c.get("/api/me")).json.user.id));
    expect(counter?.count).toBe(0);
    // Her place is free again: she enters anew, and only once.
    await entered(w, { teamName: "重新报名的队" });
    expect((await enter(w)).json.error.code).toBe("ENTRY_LIMIT");
  });

  it("nobody else can withdraw or change her entry (404), and a withdrawn one is not hers to edit", async () => {
    const w = await woman(api);
    const other = await woman(api);
    const entry = await entered(w);
    expect((await other.c.del(`/api/entries/${entry.id}`)).status).toBe(404);
    expect((await other.c.patch(`/api/entries/${entry.id}`, { answers: { memberCount: 20 } })).status).toBe(404);
    expect((await changsha.del(`/api/entries/${entry.id}`)).status).toBe(404);
    expect(await liveEntries(w)).toHaveLength(1);
    await w.c.del(`/api/entries/${entry.id}`);
    const edit = await w.c.patch(`/api/entries/${entry.id}`, { answers: { memberCount: 20 } });
    expect(edit.status).toBe(409);
    expect(edit.json.error.code).toBe("NOT_EDITABLE");
  });
});

describe("the review queue", () => {
  it("长沙's organiser sees and approves a 长沙 county's entry, masked; 株洲's organiser neither sees nor reviews it", async () => {
    const w = await woman(api);
    const entry = await entered(w);

    const queue = await changsha.get(`/api/admin/campaigns/${CONTEST}/entries?status=submitted&limit=100`);
    expect(queue.status, queue.text).toBe(200);
    const row = queue.json.items.find((e: { id: string }) => e.id === entry.id);
    expect(row).toMatchObject({ status: "submitted", orgUnit: "hn.cs.ly", title: "赤马村姐妹舞蹈队" });
    expect(row.answers.leaderPhone).toBe(`${w.phone.slice(0, 3)}****${w.phone.slice(-4)}`);
    expect(row.answers.leaderName).toBe("李*英");
    expect(row.answers.teamName).toBe("赤马村姐妹舞蹈队");
    expect(JSON.stringify(queue.json)).not.toContain(w.phone);

    const zz = await zhuzhou.get(`/api/admin/campaigns/${CONTEST}/entries?status=submitted&limit=100`);
    expect(zz.status).toBe(200);
    expect(zz.json.items.some((e: { id: string }) => e.id === entry.id)).toBe(false);
    for (const action of ["approve", "reject", "request-changes"]) {
      const res = await zhuzhou.post(`/api/admin/entries/${entry.id}/${action}`, action === "approve" ? undefined : { reason: "不行" });
      expect([403, 404], `${action}: ${res.text}`).toContain(res.status);
    }
    const participant = await w.c.post(`/api/admin/entries/${entry.id}/approve`);
    expect(participant.status).toBe(403);

    const approved = await changsha.post(`/api/admin/entries/${entry.id}/approve`);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json.entry.status).toBe("approved");
    // The queue moved: it is no longer submitted, it is approved.
    const after = await changsha.get(`/api/admin/campaigns/${CONTEST}/entries?limit=100`);
    expect(after.json.items.some((e: { id: string }) => e.id === entry.id)).toBe(false);
    const approvedList = await changsha.get(`/api/admin/campaigns/${CONTEST}/entries?status=approved&limit=100`);
    expect(approvedList.json.items.some((e: { id: string }) => e.id === entry.id)).toBe(true);
    // A second tap is the same approval; the reviews are in the audit log.
    expect((await changsha.post(`/api/admin/entries/${entry.id}/approve`)).status).toBe(200);
    const audit = await admin.get(`/api/admin/audit?campaignId=${CONTEST}`);
    expect(audit.json.items).toContainEqual(expect.objectContaining({ action: "entry.approve", target: entry.id, details: { from: "submitted" } }));
    // Approved is final for her: no edit.
    const edit = await w.c.patch(`/api/entries/${entry.id}`, { answers: { memberCount: 20 } });
    expect(edit.json.error.code).toBe("NOT_EDITABLE");
  });

  it("a 株洲 county's entry is 株洲's to review, and the province's, not 长沙's", async () => {
    const w = await woman(api);
    const entry = await entered(w, { county: "hn.zz.ht" });
    expect(entry.orgUnit).toBe("hn.zz.ht");
    expect((await changsha.post(`/api/admin/entries/${entry.id}/reject`, { reason: "不是长沙的" })).status).toBe(403);
    expect((await zhuzhou.post(`/api/admin/entries/${entry.id}/request-changes`, { reason: "请补一张照片" })).status).toBe(200);
  });

  it("a rejection's reason is what she reads under her entries, with the campaign's title", async () => {
    const w = await woman(api);
    const entry = await entered(w);
    const blank = await changsha.post(`/api/admin/entries/${entry.id}/reject`, { reason: "  " });
    expect(blank.status).toBe(422);
    const res = await changsha.post(`/api/admin/entries/${entry.id}/reject`, { reason: "队员不到8人，请核实后重新报名" });
    expect(res.status, res.text).toBe(200);
    const mine = await w.c.get("/api/me/entries");
    expect(mine.status).toBe(200);
    expect(mine.json.items).toEqual([
      expect.objectContaining({
        id: entry.id,
        status: "rejected",
        reviewReason: "队员不到8人，请核实后重新报名",
        campaignTitle: "“爱我中华、美丽乡村”乡村广场舞大赛",
      }),
    ]);
    expect(mine.json.cursor).toBeNull();
    // …and she may not edit a rejected entry (she withdraws it and enters again).
    expect((await w.c.patch(`/api/entries/${entry.id}`, { answers: { memberCount: 9 } })).json.error.code).toBe("NOT_EDITABLE");
  });

  it("sent back for changes, she edits it and it is submitted again, the reason gone", async () => {
    const w = await woman(api);
    const entry = await entered(w);
    await changsha.post(`/api/admin/entries/${entry.id}/request-changes`, { reason: "请写清楚跳的是什么舞" });
    expect((await w.c.get("/api/me/entries")).json.items[0]).toMatchObject({ status: "changes_requested", reviewReason: "请写清楚跳的是什么舞" });
    const edit = await w.c.patch(`/api/entries/${entry.id}`, { answers: { description: "我们跳《红红的日子》。" } });
    expect(edit.status, edit.text).toBe(200);
    expect(edit.json.entry).toMatchObject({ status: "submitted", version: 3 });
    expect(edit.json.entry.answers).toMatchObject({ description: "我们跳《红红的日子》。", teamName: "赤马村姐妹舞蹈队", memberCount: 12 });
    expect(edit.json.entry.reviewReason).toBeUndefined();
  });

  it("a 株洲 organiser cannot list a 长沙 campaign's entries at all", async () => {
    const created = await changsha.post("/api/admin/campaigns", { kind: "contest", title: "长沙市广场舞比赛", orgUnit: "hn.cs" });
    expect(created.status, created.text).toBe(201);
    expect((await zhuzhou.get(`/api/admin/campaigns/${created.json.campaign.id}/entries`)).status).toBe(403);
    expect((await changsha.get(`/api/admin/campaigns/${created.json.campaign.id}/entries`)).status).toBe(200);
  });
});

describe("what the public sees", () => {
  it("only approved entries, and only their public fields: no phone, no leader's name", async () => {
    const approvedBy = await woman(api);
    const pendingBy = await woman(api);
    const approved = await entered(approvedBy, { teamName: "公开的舞蹈队" });
    const pending = await entered(pendingBy, { teamName: "还没审核的队" });
    await changsha.post(`/api/admin/entries/${approved.id}/approve`);

    const anonymous = api.client();
    const list = await anonymous.get(`/api/campaigns/${CONTEST}/entries?limit=100`);
    expect(list.status, list.text).toBe(200);
    const ids = list.json.items.map((e: { id: string }) => e.id);
    expect(ids).toContain(approved.id);
    expect(ids).not.toContain(pending.id);
    expect(list.json.items.every((e: { status: string }) => e.status === "approved")).toBe(true);
    const one = await anonymous.get(`/api/entries/${approved.id}`);
    expect(one.status, one.text).toBe(200);
    expect(one.json.entry).toEqual({
      id: approved.id,
      campaignId: CONTEST,
      title: "公开的舞蹈队",
      orgUnit: "hn.cs.ly",
      status: "approved",
      answers: { teamName: "公开的舞蹈队", memberCount: 12, county: "hn.cs.ly", description: "我们跳《爱我中华》，队员都是村里的姐妹。" },
    });
    for (const text of [list.text, one.text]) {
      for (const secret of [approvedBy.phone, pendingBy.phone, "李秀英", "leaderName", "leaderPhone", "consent"]) expect(text).not.toContain(secret);
    }
    // Not approved: 404 for everyone, its owner included (she has /me/entries).
    expect((await anonymous.get(`/api/entries/${pending.id}`)).status).toBe(404);
    expect((await pendingBy.c.get(`/api/entries/${pending.id}`)).status).toBe(404);
    expect((await anonymous.get("/api/entries/e0000000000zz")).json.error.code).toBe("ENTRY_NOT_FOUND");
  });

  it("lists page with a cursor, newest first, nothing twice", async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const e = await entered(await woman(api), { teamName: `翻页队${i}` });
      await changsha.post(`/api/admin/entries/${e.id}/approve`);
      made.push(e.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: { items: { id: string }[]; cursor: string | null } } = await api.client().get(`/api/campaigns/${CONTEST}/entries?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.json.items.map((e) => e.id));
      cursor = page.json.cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 3)).toEqual([...made].reverse());
    expect((await api.client().get(`/api/campaigns/${CONTEST}/entries?cursor=bm9wZQ`)).status).toBe(422);
  });

  it("the 株洲 organiser's queue pages through 长沙's entries without losing hers", async () => {
    const zzEntries: string[] = [];
    for (let i = 0; i < 3; i++) zzEntries.push((await entered(await woman(api), { county: "hn.zz.ls", teamName: `芦淞队${i}` })).id);
    for (let i = 0; i < 3; i++) await entered(await woman(api), { teamName: `长沙队${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: { items: { id: string; orgUnit: string }[]; cursor: string | null } } = await zhuzhou.get(
        `/api/admin/campaigns/${CONTEST}/entries?limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.json.items.every((e) => e.orgUnit.startsWith("hn.zz"))).toBe(true);
      seen.push(...page.json.items.map((e) => e.id));
      cursor = page.json.cursor;
    } while (cursor);
    for (const id of zzEntries) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe("photos", () => {
  it("her own upload goes with the entry and becomes public on approval; someone else's is refused", async () => {
    const w = await woman(api);
    const other = await woman(api);
    const theirs = await uploadPhoto(api, other);
    const refused = await enter(w, { photo: [theirs] });
    expect(refused.status).toBe(422);
    expect(refused.json.error.details.fields).toEqual({ photo: "FIELD_UPLOAD" });
    const two = await enter(w, { photo: [await uploadPhoto(api, w), await uploadPhoto(api, w)] });
    expect(two.json.error.details.fields).toEqual({ photo: "FIELD_INVALID" }); // one photo at most

    const mine = await uploadPhoto(api, w);
    const entry = await entered(w, { photo: [mine] });
    expect((await getUpload(api.db, mine))?.public).toBe(false);
    await changsha.post(`/api/admin/entries/${entry.id}/approve`);
    expect((await getUpload(api.db, mine))?.public).toBe(true);
    expect((await api.client().get(`/api/entries/${entry.id}`)).json.entry.answers.photo).toEqual([mine]);
  });
});

describe("editing while registration is open, not after", () => {
  it("she edits her entry while it is open; after the close an edit (and a new entry) is 409 PHASE_CLOSED", async () => {
    const clock = fixedClock(new Date());
    const timed = await testApi({ clock });
    const w = await woman(timed);
    const entry = await entered(w);
    const edit = await w.c.patch(`/api/entries/${entry.id}`, { answers: { memberCount: 16, teamName: "改过名的队" } });
    expect(edit.status, edit.text).toBe(200);
    expect(edit.json.entry).toMatchObject({ title: "改过名的队", answers: { memberCount: 16 } });
    const bad = await w.c.patch(`/api/entries/${entry.id}`, { answers: { memberCount: 31 } });
    expect(bad.status).toBe(422);

    // Registration closes 30 days after the seeding day, at 18:00 China time.
    const campaign = (await timed.client().get(`/api/campaigns/${CONTEST}`)).json.campaign;
    clock.set(new Date(Date.parse(campaign.intake.closesAt) + 1000));
    await w.c.signIn(w.phone); // a month later her old sign-in may have run out
    const late = await w.c.patch(`/api/entries/${entry.id}`, { answers: { memberCount: 18 } });
    expect(late.status, late.text).toBe(409);
    expect(late.json.error.code).toBe("PHASE_CLOSED");
    const newcomer = await woman(timed);
    expect((await enter(newcomer)).json.error.code).toBe("PHASE_CLOSED");
    expect((await w.c.get("/api/me/entries")).json.items[0].answers.memberCount).toBe(16);
  });
});
