import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { API_SECURITY_HEADERS, mountApi } from "../src/api.ts";
import type { Deps } from "../src/env.ts";
import { systemClock } from "@jinguo/core/clock";

const headersOf = (res: Response) => Object.fromEntries([...res.headers].filter(([name]) => name !== "content-type" && name !== "content-length"));

describe("the API's security headers", () => {
  it("are hono's secureHeaders() as the API configured it, header for header", async () => {
    const hono = new Hono().use(secureHeaders({ crossOriginResourcePolicy: "same-origin" })).get("/", (c) => c.text("x"));
    expect(API_SECURITY_HEADERS).toEqual(headersOf(await hono.request("/")));
  });

  it("are on the API's answers, a 404 too", async () => {
    const api = mountApi({ stage: "local", clock: systemClock } as Deps, []);
    const [health, missing] = [await api.request("/api/health"), await api.request("/api/nothing-here")];
    expect([health.status, missing.status]).toEqual([200, 404]);
    for (const res of [health, missing]) for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) expect(res.headers.get(name), name).toBe(value);
  });
});
