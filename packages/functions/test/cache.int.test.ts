import { describe, it, expect, beforeAll } from "vitest";
import { getCampaignWithSessions } from "@jinguo/core/campaigns";
import { testApi, lectureAnswers, LECTURES, type TestApi } from "../../../test/harness.ts";

/**
 * What a shared cache may keep is the API's to say (CloudFront only follows it:
 * infra/cloud-settings.ts apiCache). Public reads, the same for everyone: briefly, without a
 * cookie, with an ETag her browser revalidates with. Everything personal, and every error: never.
 */
let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

const SHARED = /^public, max-age=(\d+), s-maxage=(\d+)$/;
const PUBLIC_READS = ["/api/campaigns", "/api/campaigns?kind=event", `/api/campaigns/${LECTURES}`, "/api/org-units"];
const STRONG_ETAG = /^"[A-Za-z0-9_-]{16,}"$/;

/** [browser seconds, edge seconds] of an answer's cache-control. */
function lifetimes(res: { headers: Headers }): [number, number] {
  const m = SHARED.exec(res.headers.get("cache-control") ?? "");
  if (!m) throw new Error(`not a shared answer: ${res.headers.get("cache-control")}`);
  return [Number(m[1]), Number(m[2])];
}

describe("cache-control on /api", () => {
  it("the campaign list, a campaign's page and the org units may be kept a short time at the edge, without a cookie", async () => {
    const anon = api.client();
    for (const path of PUBLIC_READS) {
      const res = await anon.get(path);
      expect(res.status, path).toBe(200);
      const [browser, edge] = lifetimes(res);
      expect(edge, `${path}: ${res.headers.get("cache-control")}`).toBeGreaterThan(0);
      expect(edge).toBeLessThanOrEqual(300);
      expect(browser).toBeLessThanOrEqual(300);
      expect(res.headers.getSetCookie(), `${path} sets no cookie a cache could hand to everyone`).toEqual([]);
    }
  });

  it("her browser keeps the list and the org units a short while, but asks again for a campaign's seats each time", async () => {
    const anon = api.client();
    for (const path of ["/api/campaigns", "/api/org-units"]) {
      const [browser] = lifetimes(await anon.get(path));
      expect(browser, path).toBeGreaterThan(0);
      expect(browser, path).toBeLessThanOrEqual(300);
    }
    expect(lifetimes(await anon.get(`/api/campaigns/${LECTURES}`))[0]).toBe(0);
  });

  it("a signed-in woman gets the same shareable answer: nothing of hers is in it", async () => {
    const woman = api.client();
    await woman.signIn(api.newPhone());
    const anon = await api.client().get(`/api/campaigns/${LECTURES}`);
    const hers = await woman.get(`/api/campaigns/${LECTURES}`);
    expect(hers.headers.get("cache-control")).toMatch(SHARED);
    expect(hers.json).toEqual(anon.json);
  });

  it("an error is never kept (a campaign published a moment later must not hide behind a cached 404)", async () => {
    const res = await api.client().get("/api/campaigns/c-no-such-campaign");
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("etag")).toBeNull();
    const bad = await api.client().get("/api/campaigns?kind=nonsense", { "if-none-match": "*" });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("cache-control")).toBe("no-store");
  });

  it("her own answers are never kept in a shared cache", async () => {
    const woman = api.client();
    await woman.signIn(api.newPhone());
    for (const path of ["/api/me", "/api/me/registrations", "/api/me/notices"]) {
      const res = await woman.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
    expect((await api.client().get("/api/me")).headers.get("cache-control")).toBe("no-store");
  });

  it("her own answers carry no ETag and are never answered 304, whatever her browser asks", async () => {
    const woman = api.client();
    await woman.signIn(api.newPhone());
    for (const path of ["/api/me", "/api/me/registrations", "/api/me/notices"]) {
      const first = await woman.get(path);
      expect(first.headers.get("etag"), path).toBeNull();
      const again = await woman.get(path, { "if-none-match": "*" });
      expect(again.status, path).toBe(200);
      expect(again.headers.get("cache-control"), path).toBe("no-store");
    }
  });
});

describe("ETags of the public reads", () => {
  it("a strong ETag of the body: asked again with it, a 304 with no body, the same cache headers and no cookie", async () => {
    const anon = api.client();
    for (const path of PUBLIC_READS) {
      const first = await anon.get(path);
      const tag = first.headers.get("etag")!;
      expect(tag, path).toMatch(STRONG_ETAG);
      // The same bytes, the same tag: another process, or the edge, would say the same.
      expect((await api.client().get(path)).headers.get("etag"), path).toBe(tag);

      for (const asked of [tag, `W/${tag}`, `"nope", ${tag}`, "*"]) {
        const again = await api.client().get(path, { "if-none-match": asked });
        expect(again.status, `${path} with ${asked}`).toBe(304);
        expect(again.text, path).toBe("");
        expect(again.headers.get("etag"), path).toBe(tag);
        expect(again.headers.get("cache-control"), path).toBe(first.headers.get("cache-control"));
        expect(again.headers.get("content-type"), path).toBeNull();
        expect(again.headers.getSetCookie(), path).toEqual([]);
      }
      const other = await anon.get(path, { "if-none-match": '"something-else-entirely"' });
      expect(other.status, path).toBe(200);
      expect(other.text, path).toBe(first.text);
    }
  });

  it("a seat taken changes the campaign's tag: her browser's old copy is not confirmed, she gets the new count", async () => {
    const { sessions } = (await getCampaignWithSessions(api.db, LECTURES))!;
    const session = sessions.find((s) => s.taken < s.capacity)!;
    const anon = api.client();
    const before = await anon.get(`/api/campaigns/${LECTURES}`);
    const seatsLeft = (res: typeof before) => res.json.campaign.sessions.find((s: any) => s.id === session.id).seatsLeft;

    const woman = api.client();
    const phone = api.newPhone();
    await woman.signIn(phone);
    expect((await woman.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId: session.id, answers: lectureAnswers(phone) })).status).toBe(201);

    const after = await anon.get(`/api/campaigns/${LECTURES}`, { "if-none-match": before.headers.get("etag")! });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
    expect(seatsLeft(after)).toBe(seatsLeft(before) - 1);
  });
});

describe("the campaign list", () => {
  it("carries what a card on 首页 shows, not each campaign's form, description or settings", async () => {
    const list = await api.client().get("/api/campaigns");
    expect(list.json.items.length).toBeGreaterThanOrEqual(7);
    for (const c of list.json.items) {
      // What pages/Home.tsx and components/CampaignCards.tsx read.
      expect(c, c.id).toMatchObject({ id: expect.any(String), kind: expect.any(String), title: expect.any(String), orgUnit: expect.any(String), phase: expect.any(String) });
      expect(Array.isArray(c.phases), c.id).toBe(true);
      expect(c.intake, c.id).toMatchObject({ open: expect.any(Boolean) });
      for (const heavy of ["form", "description", "descriptionEn", "sessions", "voting", "weights", "quota", "capabilities"]) {
        expect(c, `${c.id}: ${heavy}`).not.toHaveProperty(heavy);
      }
    }
    // Its own page still has them.
    const page = await api.client().get(`/api/campaigns/${LECTURES}`);
    expect(page.json.campaign.form.fields.length).toBeGreaterThan(0);
    expect(page.json.campaign.sessions.length).toBeGreaterThan(0);
    const card = list.json.items.find((c: any) => c.id === LECTURES);
    expect(card).toEqual({
      id: LECTURES,
      kind: page.json.campaign.kind,
      title: page.json.campaign.title,
      ...(page.json.campaign.titleEn ? { titleEn: page.json.campaign.titleEn } : {}),
      orgUnit: page.json.campaign.orgUnit,
      phase: page.json.campaign.phase,
      phases: page.json.campaign.phases,
      intake: page.json.campaign.intake,
    });
  });
});
