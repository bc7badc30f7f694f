import { describe, it, expect, beforeAll } from "vitest";
import { testApi, LECTURES, type TestApi } from "../../../test/harness.ts";

/**
 * What a shared cache may keep is the API's to say (CloudFront only follows it:
 * infra/cloud-settings.ts apiCache). Public reads, the same for everyone: briefly, without a
 * cookie. Everything personal, and every error: never.
 */
let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

const SHARED = /^public, max-age=0, s-maxage=(\d+)$/;

describe("cache-control on /api", () => {
  it("the campaign list, a campaign's page and the org units may be kept a short time at the edge, without a cookie", async () => {
    const anon = api.client();
    for (const path of ["/api/campaigns", "/api/campaigns?kind=event", `/api/campaigns/${LECTURES}`, "/api/org-units"]) {
      const res = await anon.get(path);
      expect(res.status, path).toBe(200);
      const seconds = Number(SHARED.exec(res.headers.get("cache-control") ?? "")?.[1]);
      expect(seconds, `${path}: ${res.headers.get("cache-control")}`).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(300);
      expect(res.headers.getSetCookie(), `${path} sets no cookie a cache could hand to everyone`).toEqual([]);
    }
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
});
