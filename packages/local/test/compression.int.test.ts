import { describe, it, expect, beforeAll, afterAll, inject } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { addSession } from "@jinguo/core/registration";
import { startPlatform, type Platform } from "../src/platform.ts";
import { IMMUTABLE } from "../src/web-files.ts";
import { lectureAnswers, LECTURES } from "../../../test/harness.ts";

/**
 * The local stage on one port, as a browser meets it: the API's JSON compressed, the web app's
 * files compressed once with their cache headers, the security headers that let the offline
 * ticket's service worker in, and an SMS whose link opens her ticket on this very server.
 * The web app here is a build of our own (WEB_DIST's stand-in), so its bytes are known.
 */
const dist = mkdtempSync(join(tmpdir(), "jinguo-local-web-"));
const script = Array.from({ length: 1500 }, (_, i) => `export const f${i} = (x) => x * ${i};\n`).join("");
const INDEX = `<!doctype html><html><head><script type="module" src="/assets/index-Abc123.js"></script><link rel="manifest" href="/manifest.webmanifest"></head><body>${"<!-- 巾帼 -->".repeat(60)}</body></html>`;
const SW = `importScripts("/workbox-1a2b.js");\n${"self.addEventListener('fetch', () => {});\n".repeat(40)}`;

let platform: Platform;
beforeAll(async () => {
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), INDEX);
  writeFileSync(join(dist, "assets/index-Abc123.js"), script);
  writeFileSync(join(dist, "sw.js"), SW);
  writeFileSync(join(dist, "registerSW.js"), "navigator.serviceWorker.register('/sw.js')");
  writeFileSync(join(dist, "manifest.webmanifest"), JSON.stringify({ name: "巾帼活动平台", start_url: "/", display: "standalone" }));
  platform = await startPlatform({
    port: 0,
    inMemory: true,
    quiet: true,
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: `compress-${randomBytes(4).toString("hex")}`,
    webDist: dist,
  });
  await platform.webCompressed;
});
afterAll(async () => {
  await platform?.stop();
  rmSync(dist, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** the bytes as they came over the wire */
  body: Buffer;
}

/** A request without fetch's own Accept-Encoding and decompression: what is sent is what is seen. */
function raw(path: string, headers: Record<string, string> = {}, method = "GET", body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${platform.url}${path}`, { method, headers: { origin: platform.url, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}
const header = (r: Raw, name: string) => {
  const v = r.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
};
const decoded = (r: Raw) =>
  header(r, "content-encoding") === "br" ? brotliDecompressSync(r.body) : header(r, "content-encoding") === "gzip" ? gunzipSync(r.body) : r.body;

const CHROME = "gzip, deflate, br, zstd";

/** Signs in the way a person does, the code from the dev outbox; her cookies. */
async function signIn(phone: string): Promise<string> {
  const json = { "content-type": "application/json" };
  expect((await raw("/api/auth/otp", json, "POST", JSON.stringify({ phone }))).status).toBe(204);
  const outbox = JSON.parse((await raw(`/api/dev/outbox?phone=${phone}`)).body.toString()) as { items: { code: string }[] };
  const login = await raw("/api/auth/login", json, "POST", JSON.stringify({ phone, code: outbox.items[0]!.code }));
  expect(login.status).toBe(200);
  return ([login.headers["set-cookie"] ?? []].flat() as string[]).map((c) => c.split(";")[0]).join("; ");
}

describe("the API's JSON, compressed by the local stage", () => {
  it("a campaign with its sessions goes brotli or gzip as the browser prefers, and decodes to the same answer", async () => {
    const path = `/api/campaigns/${LECTURES}`;
    const plain = await raw(path);
    expect(plain.status).toBe(200);
    expect(header(plain, "content-encoding")).toBeUndefined();
    expect(plain.body.byteLength, "large enough to be worth it").toBeGreaterThan(1024);
    const answer = JSON.parse(plain.body.toString());
    for (const [accept, expected] of [
      [CHROME, "br"],
      ["gzip, deflate", "gzip"],
      ["br;q=0, gzip", "gzip"],
      ["identity", undefined],
    ] as const) {
      const res = await raw(path, { "accept-encoding": accept });
      expect(res.status, accept).toBe(200);
      expect(header(res, "content-encoding"), accept).toBe(expected);
      expect(header(res, "vary"), accept).toMatch(/accept-encoding/i);
      expect(Number(header(res, "content-length") ?? res.body.byteLength), accept).toBe(res.body.byteLength);
      if (expected) expect(res.body.byteLength, accept).toBeLessThan(plain.body.byteLength / 2);
      expect(header(res, "content-type"), accept).toMatch(/^application\/json/);
      expect(JSON.parse(decoded(res).toString()), accept).toEqual(answer);
    }
  });

  it("the public read's ETag turns weak when compressed, and still brings a 304 with no body", async () => {
    const path = "/api/campaigns";
    const strong = header(await raw(path), "etag")!;
    expect(strong).toMatch(/^"[^"]+"$/);
    const packed = await raw(path, { "accept-encoding": CHROME });
    expect(header(packed, "content-encoding")).toBe("br");
    expect(header(packed, "etag")).toBe(`W/${strong}`);
    const again = await raw(path, { "accept-encoding": CHROME, "if-none-match": header(packed, "etag")! });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    expect(header(again, "cache-control")).toBe(header(packed, "cache-control"));
    expect(header(again, "set-cookie")).toBeUndefined();
  });

  it("a small answer goes as it is; a compressed one keeps its cookies", async () => {
    const health = await raw("/api/health", { "accept-encoding": CHROME });
    expect(health.status).toBe(200);
    expect(header(health, "content-encoding")).toBeUndefined();
    expect(JSON.parse(health.body.toString())).toMatchObject({ ok: true });
    // The organisers' list of campaigns is large, personal, and (asked without the CSRF cookie)
    // sets one, as every personal answer does.
    const session = (await signIn("13800000000")).split("; ").filter((c) => !c.startsWith("csrf=")).join("; ");
    const list = await raw("/api/admin/campaigns", { cookie: session, "accept-encoding": "gzip" });
    expect(list.status).toBe(200);
    expect(header(list, "content-encoding")).toBe("gzip");
    expect(header(list, "cache-control")).toBe("no-store");
    expect(String(header(list, "set-cookie"))).toMatch(/csrf=/);
    expect(JSON.parse(decoded(list).toString()).items.length).toBeGreaterThan(0);
  });

  it("an error stays as it was: no-store, and readable", async () => {
    const res = await raw("/api/campaigns/c-no-such-campaign", { "accept-encoding": CHROME });
    expect(res.status).toBe(404);
    expect(header(res, "cache-control")).toBe("no-store");
    expect(JSON.parse(decoded(res).toString()).error.code).toBe("CAMPAIGN_NOT_FOUND");
  });
});

describe("the web app's files on the local stage", () => {
  it("hashed assets brotli and immutable; the service worker, its registration and the manifest no-cache", async () => {
    const asset = await raw("/assets/index-Abc123.js", { "accept-encoding": CHROME });
    expect(header(asset, "content-encoding")).toBe("br");
    expect(header(asset, "cache-control")).toBe(IMMUTABLE);
    expect(decoded(asset).toString()).toBe(script);
    for (const path of ["/sw.js", "/registerSW.js", "/manifest.webmanifest", "/", "/me/tickets/s-cxcy-01.u0123456789ab"]) {
      const res = await raw(path, { "accept-encoding": CHROME });
      expect(res.status, path).toBe(200);
      expect(header(res, "cache-control"), path).toBe("no-cache");
    }
    const sw = await raw("/sw.js", { "accept-encoding": "gzip" });
    expect(header(sw, "content-encoding")).toBe("gzip");
    expect(decoded(sw).toString()).toBe(SW);
    const again = await raw("/sw.js", { "accept-encoding": "gzip", "if-none-match": header(sw, "etag")! });
    expect(again.status).toBe(304);
  });

  it("a same-origin service worker and manifest are allowed, and nothing else is loosened", async () => {
    for (const path of ["/", "/sw.js", "/manifest.webmanifest", "/assets/index-Abc123.js"]) {
      const csp = header(await raw(path), "content-security-policy")!;
      const directive = (name: string) => csp.split(";").map((d) => d.trim().split(/\s+/)).find(([n]) => n === name)?.slice(1);
      expect(directive("worker-src"), path).toEqual(["'self'"]);
      expect(directive("manifest-src"), path).toEqual(["'self'"]);
      expect(directive("default-src"), path).toEqual(["'self'"]);
      expect(directive("script-src"), path).toEqual(["'self'"]);
      expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval|\*|blob:/);
    }
  });
});

describe("the SMS of a promotion on the local stage", () => {
  it("links to her ticket on this server's own address, which opens the web app", async () => {
    const session = await addSession(platform.db, LECTURES, {
      title: "本机满员场",
      startsAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
      venue: "省妇联",
      capacity: 1,
      waitlist: true,
    });
    const base = 13700000000 + Math.floor(Math.random() * 90_000_000);
    const [holderPhone, herPhone] = [String(base), String(base + 1)];
    const [holder, her] = [await signIn(holderPhone), await signIn(herPhone)];
    const register = (cookie: string, phone: string) =>
      raw(`/api/campaigns/${LECTURES}/registrations`, { cookie, "content-type": "application/json" }, "POST", JSON.stringify({ sessionId: session.id, answers: lectureAnswers(phone) }));
    const held = JSON.parse((await register(holder, holderPhone)).body.toString()).registration;
    const waiting = JSON.parse((await register(her, herPhone)).body.toString()).registration;
    expect([held.status, waiting.status]).toEqual(["confirmed", "waitlisted"]);
    expect((await raw(`/api/registrations/${held.id}`, { cookie: holder }, "DELETE")).status).toBe(200);

    // The cancellation wakes the local dispatcher; the text lands in the dev outbox.
    let texts: string[] = [];
    for (let i = 0; i < 50 && texts.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      texts = (JSON.parse((await raw(`/api/dev/notices?phone=${herPhone}`)).body.toString()) as { items: { text: string }[] }).items.map((n) => n.text);
    }
    const link = `${platform.url}/me/tickets/${waiting.id}`;
    expect(texts).toEqual([expect.stringContaining(link)]);
    const mine = JSON.parse((await raw("/api/me/notices", { cookie: her })).body.toString()) as { items: { text: string }[] };
    expect(mine.items[0]!.text).toContain(link);

    // The link works: this server answers it with the web app, which shows the ticket.
    const page = await raw(new URL(link).pathname, { "accept-encoding": CHROME });
    expect(page.status).toBe(200);
    expect(header(page, "content-type")).toMatch(/^text\/html/);
    expect(decoded(page).toString()).toBe(INDEX);
  });
});
