import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { getItem } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
import { getUpload } from "@jinguo/core/uploads";
import { getUser } from "@jinguo/core/identity";
import * as Entries from "@jinguo/core/entries";
import { openIdNumber, isSealed } from "@jinguo/core/privacy";
// Test-only: the invariant switches are not part of the entries module's public face.
import { guards, guardsOff } from "../../core/src/entries/guards.ts";
import { testApi, type TestApi } from "../../../test/harness.ts";
import { pngBytes } from "../../core/test/images.ts";

const original = { ...guards };
afterEach(() => Object.assign(guards, original));

/** The seeded selections and the collection (seeds/campaigns.ts). */
const SANBA = "c-2019-sanba-honours";
const FAMILIES = "c-2019-best-families";
const STORIES = "c-2019-family-stories";

type Client = ReturnType<TestApi["client"]>;

// ---- resident IDs: valid (GB 11643), distinct, all born 1985-03-08 so none may be found stored ----

const BIRTH = "19850308";
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const withCheck = (body: string) => body + "10X98765432"[[...body].reduce((a, d, i) => a + weights[i]! * Number(d), 0) % 11];
let idSeq = 0;
/** A new valid ID (长沙 芙蓉区, the same birth date, the next sequence number). */
const residentId = () => withCheck(`430102${BIRTH}${String(++idSeq).padStart(3, "0")}`);
/** A new valid ID whose check character is X. */
function residentIdWithX(): string {
  for (;;) {
    const id = residentId();
    if (id.endsWith("X")) return id;
  }
}

/** Answers to the seeded 三八红旗手 form. */
const sanbaAnswers = (unit: string, idNumber: string, extra: Record<string, unknown> = {}) => ({
  nomineeName: "王秀兰",
  nominatingUnit: unit,
  nomineeType: "individual",
  deeds: "三十年如一日照顾村里的留守儿童，办起了“妈妈课堂”。",
  idNumber,
  contactPhone: "13912340000",
  consent: true,
  ...extra,
});

/** Answers to the selection preset's form (campaigns made in these tests). */
const presetAnswers = (unit: string, idNumber: string, extra: Record<string, unknown> = {}) => ({
  nomineeName: "李桂英",
  unit,
  deeds: "带领全村妇女种植油茶，人均增收三千元。",
  idNumber,
  phone: "13912340001",
  consent: true,
  ...extra,
});

/** A story for the seeded 家风故事 form. */
const storyAnswers = (phone: string, extra: Record<string, unknown> = {}) => ({
  storyTitle: "奶奶的针线包",
  authorName: "刘春花",
  phone,
  city: "hn.cs",
  story: "奶奶常说：“勤俭持家，做人要诚实。”她的针线包用了五十年。",
  consent: true,
  ...extra,
});

let api: TestApi;
let admin: Client, changsha: Client, zhuzhou: Client;
beforeAll(async () => {
  api = await testApi();
  [admin, changsha, zhuzhou] = [api.client(), api.client(), api.client()];
  await admin.signIn("13800000000");
  await changsha.signIn("13800000001"); // organiser of 长沙 (hn.cs)
  await zhuzhou.signIn("13800000002"); // organiser of 株洲 (hn.zz)
});

async function woman(): Promise<{ c: Client; phone: string; id: string }> {
  const c = api.client();
  const phone = api.newPhone();
  const user = await c.signIn(phone);
  return { c, phone, id: user.id };
}

/** A published province-wide selection of the admin's, from the preset, with these settings. */
async function selection(settings: Record<string, unknown> = {}): Promise<string> {
  const res = await admin.post("/api/admin/campaigns", { kind: "selection", title: "测试评选", orgUnit: "hn", ...settings });
  expect(res.status, res.text).toBe(201);
  const id = res.json.campaign.id as string;
  expect((await admin.post(`/api/admin/campaigns/${id}/publish`)).status).toBe(200);
  return id;
}

const nominate = (c: Client, campaignId: string, answers: Record<string, unknown>, headers?: Record<string, string>) =>
  c.post(`/api/campaigns/${campaignId}/entries`, { answers }, headers);

const quotaCount = async (campaignId: string, unit: string) => (await getItem<{ count: number }>(api.db, keys.nominationQuota(campaignId, unit)))?.count ?? 0;

/** Every item of the table, as text. */
async function wholeTable(): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await api.db.client.send(new ScanCommand({ TableName: api.db.tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const raw of page.Items ?? []) items.push(JSON.stringify(unmarshall(raw)));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function uploadPhoto(c: Client): Promise<string> {
  const form = new FormData();
  form.append("file", new File([pngBytes(8, 8) as Uint8Array<ArrayBuffer>], "photo.png", { type: "image/png" }));
  const res = await c.post("/api/uploads", form);
  expect(res.status, res.text).toBe(201);
  return res.json.upload.id;
}

describe("who nominates (the seeded 三八红旗手: units only, a quota of 3 each)", () => {
  it("长沙's organiser nominates for a county of hers (201); the ID comes back masked, the nominee by name", async () => {
    const id = residentId();
    const res = await nominate(changsha, SANBA, sanbaAnswers("hn.cs.yl", id));
    expect(res.status, res.text).toBe(201);
    expect(res.json.entry).toMatchObject({ status: "submitted", orgUnit: "hn.cs.yl", title: "王秀兰" });
    expect(res.json.entry.answers.idNumber).toBe(`${id.slice(0, 3)}${"*".repeat(11)}${id.slice(-4)}`);
    expect(res.text).not.toContain(id);
    expect(await quotaCount(SANBA, "hn.cs.yl")).toBe(1);
  });

  it("株洲's organiser cannot nominate for 长沙 (403 NOT_NOMINATOR), and takes nothing; for her own county she can", async () => {
    const res = await nominate(zhuzhou, SANBA, sanbaAnswers("hn.cs.fr", residentId()));
    expect(res.status, res.text).toBe(403);
    expect(res.json.error).toMatchObject({ code: "NOT_NOMINATOR", details: { orgUnit: "hn.cs.fr" } });
    expect(await quotaCount(SANBA, "hn.cs.fr")).toBe(0);
    const own = await nominate(zhuzhou, SANBA, sanbaAnswers("hn.zz.ht", residentId()));
    expect(own.status, own.text).toBe(201);
  });

  it("a participant cannot nominate where the campaign takes no self-nominations (403), however she fills it in", async () => {
    const w = await woman();
    for (const answers of [sanbaAnswers("hn.cs", residentId()), {}]) {
      const res = await nominate(w.c, SANBA, answers);
      expect(res.status, res.text).toBe(403);
      expect(res.json.error.code).toBe("NOT_NOMINATOR");
    }
    expect((await w.c.get("/api/me/entries")).json.items).toEqual([]);
  });

  it("where self-nomination is on, she puts herself forward — once, and without taking a unit's place", async () => {
    const campaign = await selection({ selfNomination: true, quota: { perUnit: 1 } });
    const w = await woman();
    const self = await nominate(w.c, campaign, presetAnswers("hn.cs", residentId()));
    expect(self.status, self.text).toBe(201);
    expect(await quotaCount(campaign, "hn.cs")).toBe(0);
    const again = await nominate(w.c, campaign, presetAnswers("hn.cs", residentId()));
    expect([again.status, again.json.error.code]).toEqual([409, "ENTRY_LIMIT"]);
    // 长沙's own place is still there for its organiser.
    expect((await nominate(changsha, campaign, presetAnswers("hn.cs", residentId()))).status).toBe(201);
    const queue = await changsha.get(`/api/admin/campaigns/${campaign}/entries?limit=100`);
    expect(queue.json.items.map((e: { nominatedBy: string }) => e.nominatedBy).sort()).toEqual(["self", "unit"]);
    // Withdrawn, her place comes back (and nobody's quota moves).
    expect((await w.c.del(`/api/entries/${self.json.entry.id}`)).status).toBe(200);
    expect((await nominate(w.c, campaign, presetAnswers("hn.cs", residentId()))).status).toBe(201);
    expect(await quotaCount(campaign, "hn.cs")).toBe(1);
  });
});

describe("quotas: a conditional counter in the nomination's own transaction", () => {
  async function tenAtOnce(campaign: string) {
    const results = await Promise.all(Array.from({ length: 10 }, () => nominate(changsha, campaign, presetAnswers("hn.cs", residentId()))));
    const listed = await changsha.get(`/api/admin/campaigns/${campaign}/entries?limit=100`);
    return { results, live: listed.json.items as { id: string }[] };
  }

  it("ten nominations at once for a unit with a quota of 3 make exactly 3; the others are 409 QUOTA_FULL", async () => {
    const campaign = await selection({ quota: { perUnit: 3 } });
    const { results, live } = await tenAtOnce(campaign);
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.json.error.code)).toEqual(Array(7).fill("QUOTA_FULL"));
    expect(refused[0]!.json.error.details).toEqual({ orgUnit: "hn.cs", quota: 3 });
    expect(live).toHaveLength(3);
    expect(await quotaCount(campaign, "hn.cs")).toBe(3);
  });

  it("negative control: without the counter's condition more than 3 get through, and the check sees it", async () => {
    guards.quota = guardsOff.quota;
    const { live } = await tenAtOnce(await selection({ quota: { perUnit: 3 } }));
    expect(live.length).toBeGreaterThan(3);
  });

  it("a unit's own quota overrides the campaign's; a quota of 0 takes none; no quota at all is unlimited", async () => {
    const campaign = await selection({ quota: { perUnit: 2, units: { "hn.zz": 1, "hn.cs.yl": 0 } } });
    expect((await nominate(zhuzhou, campaign, presetAnswers("hn.zz", residentId()))).status).toBe(201);
    expect((await nominate(zhuzhou, campaign, presetAnswers("hn.zz", residentId()))).json.error).toMatchObject({ code: "QUOTA_FULL", details: { quota: 1 } });
    // Each unit has its own places: a county of 株洲 is not 株洲's city federation.
    expect((await nominate(zhuzhou, campaign, presetAnswers("hn.zz.ht", residentId()))).status).toBe(201);
    expect((await nominate(changsha, campaign, presetAnswers("hn.cs.yl", residentId()))).json.error.code).toBe("QUOTA_FULL");
    expect(await quotaCount(campaign, "hn.cs.yl")).toBe(0);

    const unlimited = await selection({ quota: {} });
    for (let i = 0; i < 5; i++) expect((await nominate(changsha, unlimited, presetAnswers("hn.cs", residentId()))).status).toBe(201);
    // Counted even without a quota, so one set later counts what is already there.
    expect(await quotaCount(unlimited, "hn.cs")).toBe(5);
  });

  it("withdrawing gives the place back; a rejection does not (it can be reconsidered) until the rejected one is withdrawn", async () => {
    const campaign = await selection({ quota: { perUnit: 2 } });
    const a = (await nominate(changsha, campaign, presetAnswers("hn.cs", residentId()))).json.entry;
    const b = (await nominate(changsha, campaign, presetAnswers("hn.cs", residentId()))).json.entry;
    expect((await nominate(changsha, campaign, presetAnswers("hn.cs", residentId()))).json.error.code).toBe("QUOTA_FULL");

    expect((await admin.post(`/api/admin/entries/${a.id}/reject`, { reason: "不符合推荐条件" })).status).toBe(200);
    expect((await nominate(changsha, campaign, presetAnswers("hn.cs", residentId()))).json.error.code).toBe("QUOTA_FULL");
    expect(await quotaCount(campaign, "hn.cs")).toBe(2);

    // Only she who nominated withdraws (to anyone else it is not there).
    expect((await zhuzhou.del(`/api/entries/${a.id}`)).status).toBe(404);
    expect((await changsha.del(`/api/entries/${a.id}`)).json.entry.status).toBe("withdrawn");
    expect((await changsha.del(`/api/entries/${a.id}`)).status).toBe(200); // again: nothing more given back
    expect(await quotaCount(campaign, "hn.cs")).toBe(1);
    expect((await nominate(changsha, campaign, presetAnswers("hn.cs", residentId()))).status).toBe(201);
    expect((await nominate(changsha, campaign, presetAnswers("hn.cs", residentId()))).json.error.code).toBe("QUOTA_FULL");
    expect(b.status).toBe("submitted");
  });

  it("moving a nomination to another unit moves its place, under the new unit's quota; not to a unit she does not manage", async () => {
    const campaign = await selection({ quota: { perUnit: 1 } });
    const e = (await nominate(changsha, campaign, presetAnswers("hn.cs", residentId()))).json.entry;
    expect((await nominate(changsha, campaign, presetAnswers("hn.cs.yl", residentId()))).status).toBe(201);
    // 雨花区 (hn.cs.yh) has a free place: the nomination moves there, and 长沙's place is free again.
    const moved = await changsha.patch(`/api/entries/${e.id}`, { answers: { unit: "hn.cs.yh" } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json.entry.orgUnit).toBe("hn.cs.yh");
    expect([await quotaCount(campaign, "hn.cs"), await quotaCount(campaign, "hn.cs.yh")]).toEqual([0, 1]);
    // 岳麓区 (hn.cs.yl) is full; 株洲 is not hers.
    expect((await changsha.patch(`/api/entries/${e.id}`, { answers: { unit: "hn.cs.yl" } })).json.error.code).toBe("QUOTA_FULL");
    expect((await changsha.patch(`/api/entries/${e.id}`, { answers: { unit: "hn.zz" } })).json.error.code).toBe("NOT_NOMINATOR");
    expect([await quotaCount(campaign, "hn.cs.yh"), await quotaCount(campaign, "hn.cs.yl"), await quotaCount(campaign, "hn.zz")]).toEqual([1, 1, 0]);
  });
});

describe("the quotas organisers see", () => {
  it("her unit and those directly below it, used and left; another unit's are not hers", async () => {
    const campaign = await selection({ quota: { perUnit: 2, units: { "hn.cs.yl": 1 } } });
    await nominate(changsha, campaign, presetAnswers("hn.cs", residentId()));
    await nominate(changsha, campaign, presetAnswers("hn.cs.yl", residentId()));
    const mine = await changsha.get(`/api/admin/campaigns/${campaign}/quotas`);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.json.items[0]).toEqual({ orgUnit: "hn.cs", used: 1, quota: 2, left: 1 });
    expect(mine.json.items).toContainEqual({ orgUnit: "hn.cs.yl", used: 1, quota: 1, left: 0 });
    expect(mine.json.items).toContainEqual({ orgUnit: "hn.cs.fr", used: 0, quota: 2, left: 2 });
    expect(mine.json.items.every((i: { orgUnit: string }) => i.orgUnit.startsWith("hn.cs"))).toBe(true);

    const province = await admin.get(`/api/admin/campaigns/${campaign}/quotas`);
    expect(province.json.items[0].orgUnit).toBe("hn");
    expect(province.json.items).toContainEqual({ orgUnit: "hn.cs", used: 1, quota: 2, left: 1 });
    expect(province.json.items).toHaveLength(15); // the province and its 14 cities

    expect((await zhuzhou.get(`/api/admin/campaigns/${campaign}/quotas?unit=hn.cs`)).status).toBe(403);
    expect((await zhuzhou.get(`/api/admin/campaigns/${campaign}/quotas`)).json.items[0]).toMatchObject({ orgUnit: "hn.zz", used: 0 });
    expect((await admin.get(`/api/admin/campaigns/${campaign}/quotas?unit=hn.nowhere`)).status).toBe(422);
    expect((await admin.get(`/api/admin/campaigns/${STORIES}/quotas`)).json.error.code).toBe("NO_NOMINATIONS");
    const unlimited = await selection({ quota: {} });
    expect((await changsha.get(`/api/admin/campaigns/${unlimited}/quotas`)).json.items[0]).toEqual({ orgUnit: "hn.cs", used: 0, quota: null, left: null });
  });
});

describe("one nominee once per campaign (by the keyed hash of her resident ID)", () => {
  async function bothUnitsAtOnce(campaign: string) {
    const id = residentId();
    const results = await Promise.all([
      nominate(changsha, campaign, presetAnswers("hn.cs", id)),
      nominate(zhuzhou, campaign, presetAnswers("hn.zz", id)),
    ]);
    return results;
  }

  it("the same nominee from two units at once: exactly one, the other 409 DUPLICATE_NOMINEE", async () => {
    const campaign = await selection({ quota: { perUnit: 10 } });
    for (let round = 0; round < 5; round++) {
      const results = await bothUnitsAtOnce(campaign);
      expect(results.map((r) => r.status).sort(), results.map((r) => r.text).join("\n")).toEqual([201, 409]);
      const refused = results.find((r) => r.status === 409)!;
      expect(refused.json.error).toMatchObject({ code: "DUPLICATE_NOMINEE", details: { field: "idNumber" } });
    }
    // The refused unit's place was not taken.
    expect((await quotaCount(campaign, "hn.cs")) + (await quotaCount(campaign, "hn.zz"))).toBe(5);
  });

  it("negative control: without the nominee key's condition both get through, and the check sees it", async () => {
    guards.nominee = guardsOff.nominee;
    const campaign = await selection({ quota: { perUnit: 10 } });
    const statuses = [];
    for (let round = 0; round < 3; round++) statuses.push(...(await bothUnitsAtOnce(campaign)).map((r) => r.status));
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(3);
  });

  it("the same ID however it is typed (x or X) is the same nominee; withdrawal frees her; the seeded 最美家庭 checks it too", async () => {
    const id = residentIdWithX();
    const first = await nominate(changsha, SANBA, sanbaAnswers("hn.cs", id.toLowerCase()));
    expect(first.status, first.text).toBe(201);
    const dup = await nominate(admin, SANBA, sanbaAnswers("hn", id));
    expect([dup.status, dup.json.error.code]).toEqual([409, "DUPLICATE_NOMINEE"]);
    expect(dup.text).not.toContain(first.json.entry.id); // nothing of who nominated her
    await changsha.del(`/api/entries/${first.json.entry.id}`);
    expect((await nominate(admin, SANBA, sanbaAnswers("hn", id))).status).toBe(201);

    const family = {
      familyName: "张桂兰家庭",
      nominatingUnit: "hn.cs",
      members: "夫妻二人、婆婆、一儿一女",
      story: "婆媳和睦二十年，邻里有事都来帮忙。",
      idNumber: residentId(),
      contactPhone: "13912340002",
      consent: true,
    };
    expect((await nominate(changsha, FAMILIES, family)).status).toBe(201);
    expect((await nominate(admin, FAMILIES, { ...family, nominatingUnit: "hn" })).json.error.code).toBe("DUPLICATE_NOMINEE");
  });

  it("an edit that keeps the masked ID keeps the nominee; one to a nominated ID is refused; one to a new ID frees the old", async () => {
    const campaign = await selection({ quota: { perUnit: 10 } });
    const [idA, idB, idC] = [residentId(), residentId(), residentId()];
    const a = (await nominate(changsha, campaign, presetAnswers("hn.cs", idA))).json.entry;
    expect((await nominate(changsha, campaign, presetAnswers("hn.cs", idB))).status).toBe(201);
    // The form sends back what she was shown: the mask. It is the same ID.
    const kept = await changsha.patch(`/api/entries/${a.id}`, { answers: { deeds: "改过的事迹", idNumber: a.answers.idNumber } });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.json.entry.answers.idNumber).toBe(a.answers.idNumber);
    expect((await nominate(zhuzhou, campaign, presetAnswers("hn.zz", idA))).json.error.code).toBe("DUPLICATE_NOMINEE");

    const clash = await changsha.patch(`/api/entries/${a.id}`, { answers: { idNumber: idB } });
    expect([clash.status, clash.json.error.code]).toEqual([409, "DUPLICATE_NOMINEE"]);
    const changed = await changsha.patch(`/api/entries/${a.id}`, { answers: { idNumber: idC } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.entry.answers.idNumber).toBe(`430${"*".repeat(11)}${idC.slice(-4)}`);
    // A is free now, C is taken.
    expect((await nominate(zhuzhou, campaign, presetAnswers("hn.zz", idA))).status).toBe(201);
    expect((await nominate(zhuzhou, campaign, presetAnswers("hn.zz", idC))).json.error.code).toBe("DUPLICATE_NOMINEE");
    // A mask that is not the stored one is not an ID.
    const bad = await changsha.patch(`/api/entries/${a.id}`, { answers: { idNumber: "430***********9999" } });
    expect(bad.json.error.details.fields).toEqual({ idNumber: "FIELD_ID_NUMBER" });
  });
});

describe("idempotent retries count once", () => {
  it("the same Idempotency-Key, sent at once and again after, makes one nomination and takes one place", async () => {
    const campaign = await selection({ quota: { perUnit: 3 } });
    const answers = presetAnswers("hn.cs", residentId());
    const key = { "idempotency-key": "nominate-hn.cs-1" };
    const burst = await Promise.all(Array.from({ length: 5 }, () => nominate(changsha, campaign, answers, key)));
    for (const r of burst) expect([201, 409], r.text).toContain(r.status);
    expect(burst.filter((r) => r.status === 409).every((r) => r.json.error.code === "IN_PROGRESS")).toBe(true);
    const later = await nominate(changsha, campaign, answers, key);
    expect(later.status).toBe(201);
    expect(later.headers.get("idempotent-replayed")).toBe("true");
    const ids = new Set([...burst.filter((r) => r.status === 201), later].map((r) => r.json.entry.id));
    expect(ids.size).toBe(1);
    expect(await quotaCount(campaign, "hn.cs")).toBe(1);
    expect((await changsha.get(`/api/admin/campaigns/${campaign}/entries?limit=100`)).json.items).toHaveLength(1);
  });

  it("a retry whose first answer was lost (the key's record gone) finds the nomination it made", async () => {
    const campaign = await selection({ quota: { perUnit: 3 } });
    const organiser = (await getUser(api.db, (await changsha.get("/api/me")).json.user.id))!;
    const input = { campaignId: campaign, userId: organiser.id, answers: presetAnswers("hn.cs", residentId()), secret: "a-secret-of-this-test", requestKey: "lost-1" };
    const first = await Entries.submitEntry(api.db, api.clock, input);
    const retry = await Entries.submitEntry(api.db, api.clock, input);
    expect(retry.id).toBe(first.id);
    expect(await quotaCount(campaign, "hn.cs")).toBe(1);
    // Without the key it is another request: the same nominee again.
    await expect(Entries.submitEntry(api.db, api.clock, { ...input, requestKey: undefined })).rejects.toMatchObject({ code: "DUPLICATE_NOMINEE" });
  });
});

describe("resident IDs at rest", () => {
  it("the stored entry holds the ID only sealed (it opens under the stage's secret), never in the clear — nor anything else in the table", async () => {
    const campaign = await selection({ quota: { perUnit: 3 } });
    const id = residentId();
    const organiser = (await getUser(api.db, (await changsha.get("/api/me")).json.user.id))!;
    const secret = "a-secret-of-this-test";
    const entry = await Entries.submitEntry(api.db, api.clock, { campaignId: campaign, userId: organiser.id, answers: presetAnswers("hn.cs", id), secret });
    const raw = (await getItem<Record<string, any>>(api.db, keys.entry(entry.id)))!;
    expect(JSON.stringify(raw)).not.toContain(id);
    expect(JSON.stringify(raw)).not.toContain(BIRTH);
    expect(raw.answers.idNumber).toBe(`430${"*".repeat(11)}${id.slice(-4)}`);
    expect(isSealed(raw.sealed.idNumber)).toBe(true);
    expect(openIdNumber(secret, raw.sealed.idNumber)).toBe(id);

    // Through the API too: after every nomination of this file, no ID (nor its birth date) is anywhere in the table.
    const viaApi = residentId();
    expect((await nominate(changsha, campaign, presetAnswers("hn.cs", viaApi))).status).toBe(201);
    const table = await wholeTable();
    expect(table.filter((t) => t.includes(BIRTH))).toEqual([]);
    // …and the organisers' queue shows them masked.
    const queue = await changsha.get(`/api/admin/campaigns/${campaign}/entries?limit=100`);
    expect(queue.json.items.map((e: { answers: { idNumber: string } }) => e.answers.idNumber).sort()).toEqual(
      [id, viaApi].map((x) => `430${"*".repeat(11)}${x.slice(-4)}`).sort(),
    );
    expect(queue.text).not.toContain(BIRTH);
  });
});

describe("stories (the seeded 家风故事征集)", () => {
  it("a story with 9 photos (not 10), up to 3000 characters; one live story per person", async () => {
    const w = await woman();
    const photos = await Promise.all(Array.from({ length: 10 }, () => uploadPhoto(w.c)));
    const ten = await nominate(w.c, STORIES, storyAnswers(w.phone, { photos }));
    expect(ten.json.error.details.fields).toEqual({ photos: "FIELD_INVALID" });
    const long = await nominate(w.c, STORIES, storyAnswers(w.phone, { story: "家".repeat(3001) }));
    expect(long.json.error.details.fields).toEqual({ story: "FIELD_TOO_LONG" });
    const ok = await nominate(w.c, STORIES, storyAnswers(w.phone, { photos: photos.slice(0, 9), story: "家".repeat(3000) }));
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json.entry.answers.photos).toEqual(photos.slice(0, 9));
    const second = await nominate(w.c, STORIES, storyAnswers(w.phone, { storyTitle: "第二个故事" }));
    expect([second.status, second.json.error.code]).toEqual([409, "ENTRY_LIMIT"]);
  });

  it("a story with a sensitive word is taken (screening never refuses) and flagged where it is, for the organiser only; an edit screens again", async () => {
    const w = await woman();
    const story = "爷爷年轻时沉迷赌博，后来戒了。他常说：网络赌博害人，一分钱也不能碰。";
    const res = await nominate(w.c, STORIES, storyAnswers(w.phone, { story }));
    expect(res.status, res.text).toBe(201);
    expect(res.json.entry.screening).toBeUndefined(); // not hers to see

    const queue = await changsha.get(`/api/admin/campaigns/${STORIES}/entries?limit=100`);
    const row = queue.json.items.find((e: { id: string }) => e.id === res.json.entry.id);
    expect(row.screening).toEqual([
      { field: "story", word: "赌博", start: 7, end: 9, excerpt: "爷爷年轻时沉迷赌博，后来戒了。他常说：网络…" },
      { field: "story", word: "网络赌博", start: 19, end: 23, excerpt: "…赌博，后来戒了。他常说：网络赌博害人，一分钱也不能碰。" },
      { field: "story", word: "赌博", start: 21, end: 23, excerpt: "…，后来戒了。他常说：网络赌博害人，一分钱也不能碰。" },
    ]);
    expect(story.slice(row.screening[1].start, row.screening[1].end)).toBe("网络赌博");

    const edited = await w.c.patch(`/api/entries/${res.json.entry.id}`, { answers: { story: "爷爷一辈子勤俭持家。" } });
    expect(edited.status, edited.text).toBe(200);
    const after = await changsha.get(`/api/admin/campaigns/${STORIES}/entries?limit=100`);
    expect(after.json.items.find((e: { id: string }) => e.id === res.json.entry.id).screening).toEqual([]);
  });

  it("a campaign's own sensitive words are screened for too", async () => {
    const created = await admin.post("/api/admin/campaigns", { kind: "collection", title: "测试征集", orgUnit: "hn", sensitiveWords: ["拉票"] });
    expect(created.status, created.text).toBe(201);
    const campaign = created.json.campaign.id;
    await admin.post(`/api/admin/campaigns/${campaign}/publish`);
    const w = await woman();
    const res = await nominate(w.c, campaign, { title: "我家的故事", authorName: "刘春花", phone: w.phone, city: "hn.cs", story: "请大家帮忙拉票。", consent: true });
    expect(res.status, res.text).toBe(201);
    const queue = await admin.get(`/api/admin/campaigns/${campaign}/entries`);
    expect(queue.json.items[0].screening).toMatchObject([{ field: "story", word: "拉票" }]);
    // Not a list of words anyone may send: a blank one is refused.
    expect((await admin.patch(`/api/admin/campaigns/${campaign}`, { sensitiveWords: [" "] })).status).toBe(422);
  });
});

describe("only approved entries are public, with only public fields", () => {
  it("a nomination: not before approval; after it, the name and deeds — no ID (not even masked), no phone", async () => {
    const id = residentId();
    const e = (await nominate(changsha, SANBA, sanbaAnswers("hn.cs.kf", id))).json.entry;
    const anonymous = api.client();
    expect((await anonymous.get(`/api/entries/${e.id}`)).status).toBe(404);
    expect((await anonymous.get(`/api/campaigns/${SANBA}/entries?limit=100`)).json.items.map((x: { id: string }) => x.id)).not.toContain(e.id);
    expect((await changsha.post(`/api/admin/entries/${e.id}/approve`)).status).toBe(200);
    const one = await anonymous.get(`/api/entries/${e.id}`);
    expect(one.status).toBe(200);
    expect(Object.keys(one.json.entry.answers).sort()).toEqual(["deeds", "nominatingUnit", "nomineeName", "nomineeType"]);
    const list = await anonymous.get(`/api/campaigns/${SANBA}/entries?limit=100`);
    expect(list.json.items.every((x: { status: string }) => x.status === "approved")).toBe(true);
    for (const text of [one.text, list.text]) {
      for (const secret of [id, id.slice(-4) + '"', "13912340000", "idNumber", "contactPhone", "sealed", "screening", "nomination"]) expect(text).not.toContain(secret);
    }
  });

  it("a story: after approval with its byline (the consent says so) and its photos, made public; never the phone", async () => {
    const w = await woman();
    const photo = await uploadPhoto(w.c);
    const e = (await nominate(w.c, STORIES, storyAnswers(w.phone, { photos: [photo] }))).json.entry;
    const anonymous = api.client();
    expect((await anonymous.get(`/api/entries/${e.id}`)).status).toBe(404);
    expect((await getUpload(api.db, photo))?.public).toBe(false);
    expect((await changsha.post(`/api/admin/entries/${e.id}/approve`)).status).toBe(200);
    const one = await anonymous.get(`/api/entries/${e.id}`);
    expect(one.json.entry.answers).toEqual({
      storyTitle: "奶奶的针线包",
      authorName: "刘春花",
      city: "hn.cs",
      story: storyAnswers(w.phone).story,
      photos: [photo],
    });
    expect(one.text).not.toContain(w.phone);
    expect((await getUpload(api.db, photo))?.public).toBe(true);
  });
});
