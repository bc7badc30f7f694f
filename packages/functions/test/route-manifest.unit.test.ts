import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { currentManifest, groupDrift } from "../scripts/route-manifest.ts";
import { routeManifest } from "../src/routes/manifest.ts";
import { requireUser } from "../src/middleware/auth.ts";
import type { AppEnv } from "../src/env.ts";

describe("the route manifest (what app.ts loads lazily, by group)", () => {
  it("is what the route groups give now (else: npm run routes)", async () => {
    expect(routeManifest).toEqual(await currentManifest());
  });

  it("names every route once, each in one group", () => {
    const keys = routeManifest.map(([method, path]) => `${method} ${path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeGreaterThan(50);
  });

  it("each group answers alone with the chain it has inside the whole API", async () => {
    expect(await groupDrift()).toEqual([]);
  });

  it("control: a route that leaned on an earlier group's requireUser is caught", async () => {
    const guarded = new Hono<AppEnv>().use(requireUser).get("/a", (c) => c.json({}));
    const leaning = new Hono<AppEnv>().get("/b", (c) => c.json({}));
    const groups = [
      { name: "a", mount: "/x", load: async () => guarded },
      { name: "b", mount: "/x", load: async () => leaning },
    ];
    expect(await groupDrift(groups)).toEqual(["GET /api/x/b"]);
  });
});
