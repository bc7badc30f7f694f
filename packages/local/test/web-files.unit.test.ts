import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { webFiles, IMMUTABLE, type WebFiles } from "../src/web-files.ts";
import { chooseEncoding } from "../src/compression.ts";

/**
 * The built web app as the local stage serves it (web-files.ts): each file compressed once,
 * brotli or gzip by what the browser accepts, hashed assets kept a year, everything else
 * revalidated with its ETag. A build of our own in a temporary folder, so the bytes are known.
 */
const dist = mkdtempSync(join(tmpdir(), "jinguo-web-files-"));
// Text that compresses the way a bundle does: repetitive, but not one byte over and over.
const script = Array.from({ length: 2000 }, (_, i) => `export const f${i} = (x) => x + ${i} * Math.random();\n`).join("");
const files: Record<string, string | Buffer> = {
  "index.html": `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><script type="module" src="/assets/index-Abc123.js"></script><link rel="stylesheet" href="/assets/index-Def456.css"><link rel="manifest" href="/manifest.webmanifest"></head><body><div id="root"></div>${"<!-- 巾帼 -->".repeat(80)}</body></html>`,
  "assets/index-Abc123.js": script,
  "assets/index-Def456.css": Array.from({ length: 400 }, (_, i) => `.c${i} { margin: ${i}px; color: #${(i * 997).toString(16).padStart(6, "0")}; }\n`).join(""),
  "sw.js": `importScripts("/workbox-1a2b.js");\n${"self.__WB_MANIFEST = [];\n".repeat(60)}`,
  "workbox-1a2b.js": script.slice(0, 8000),
  "registerSW.js": "if('serviceWorker' in navigator)navigator.serviceWorker.register('/sw.js',{scope:'/'})",
  "manifest.webmanifest": JSON.stringify({ name: "巾帼活动平台", short_name: "巾帼", start_url: "/", display: "standalone", icons: [{ src: "/icon-192.png", sizes: "192x192", type: "image/png" }], description: "x".repeat(400) }),
  "favicon.svg": `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">${'<circle cx="8" cy="8" r="7"/>'.repeat(30)}</svg>`,
  "icon-192.png": randomBytes(3000),
  ".secret": "not for the web",
};

let web: WebFiles;
let app: Hono;
beforeAll(async () => {
  mkdirSync(join(dist, "assets"));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dist, name), body);
  writeFileSync(join(dist, "..", "outside-the-build.txt"), "outside");
  web = webFiles(dist);
  app = new Hono();
  app.use("/*", web.files);
  app.get("*", web.page);
  await web.compressed;
});
afterAll(() => {
  web.stop();
  rmSync(dist, { recursive: true, force: true });
  rmSync(join(dist, "..", "outside-the-build.txt"), { force: true });
});

const CHROME = "gzip, deflate, br, zstd";
const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());
/** What the browser gets after undoing the content coding. */
async function decoded(res: Response): Promise<Buffer> {
  const raw = await bytesOf(res);
  const coding = res.headers.get("content-encoding");
  return coding === "br" ? brotliDecompressSync(raw) : coding === "gzip" ? gunzipSync(raw) : raw;
}
const original = (name: string) => Buffer.from(files[name]!);
const TEXT_FILES = ["index.html", "assets/index-Abc123.js", "assets/index-Def456.css", "sw.js", "workbox-1a2b.js", "manifest.webmanifest", "favicon.svg"];

describe("compression of the web app's files", () => {
  it("sends brotli to a browser that takes it, gzip to one that takes only gzip, and the bytes come back to the file", async () => {
    for (const name of TEXT_FILES) {
      for (const [accept, expected] of [
        [CHROME, "br"],
        ["br", "br"],
        ["gzip, deflate", "gzip"],
        // WeChat's older X5 browsers send exactly this
        ["gzip", "gzip"],
        [undefined, null],
        ["identity", null],
      ] as const) {
        const res = await get(`/${name}`, accept ? { "accept-encoding": accept } : {});
        expect(res.status, `${name} ${accept}`).toBe(200);
        expect(res.headers.get("content-encoding"), `${name} ${accept}`).toBe(expected);
        const raw = await bytesOf(res.clone());
        expect(Number(res.headers.get("content-length")), name).toBe(raw.byteLength);
        if (expected) expect(raw.byteLength, `${name}: smaller compressed`).toBeLessThan(original(name).byteLength);
        expect((await decoded(res)).equals(original(name)), `${name} ${accept}: decodes to the file`).toBe(true);
        expect(res.headers.get("vary"), name).toBe("Accept-Encoding");
      }
    }
  });

  it("brotli is the better of the two for the bundle, and the one sent when both are welcome", async () => {
    const br = await bytesOf(await get("/assets/index-Abc123.js", { "accept-encoding": "br" }));
    const gz = await bytesOf(await get("/assets/index-Abc123.js", { "accept-encoding": "gzip" }));
    expect(br.byteLength).toBeLessThan(gz.byteLength);
    expect(br.byteLength).toBeLessThan(original("assets/index-Abc123.js").byteLength / 4);
  });

  it("follows the browser's own ratings: q=0 refuses, a higher q wins, * stands for the rest", () => {
    const both = ["br", "gzip"] as const;
    expect(chooseEncoding("gzip, deflate, br", both)).toBe("br");
    expect(chooseEncoding("br;q=0, gzip", both)).toBe("gzip");
    expect(chooseEncoding("gzip;q=1.0, br;q=0.5", both)).toBe("gzip");
    expect(chooseEncoding("*", both)).toBe("br");
    expect(chooseEncoding("*;q=0, gzip", both)).toBe("gzip");
    expect(chooseEncoding("deflate", both)).toBeUndefined();
    expect(chooseEncoding("gzip;q=0, br;q=0", both)).toBeUndefined();
    expect(chooseEncoding("", both)).toBeUndefined();
    expect(chooseEncoding(undefined, both)).toBeUndefined();
    expect(chooseEncoding("br, gzip", ["gzip"])).toBe("gzip");
    expect(chooseEncoding(" BR ; Q=0.8 , gzip;q=0.9", both)).toBe("gzip");
  });

  it("leaves images as they are (already compressed), with no Vary", async () => {
    const res = await get("/icon-192.png", { "accept-encoding": CHROME });
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.headers.get("vary")).toBeNull();
    expect((await bytesOf(res)).equals(files["icon-192.png"] as Buffer)).toBe(true);
  });

  it("names each file's type, the service worker and the manifest included", async () => {
    expect((await get("/sw.js")).headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await get("/registerSW.js")).headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await get("/manifest.webmanifest")).headers.get("content-type")).toBe("application/manifest+json");
    expect((await get("/")).headers.get("content-type")).toMatch(/^text\/html/);
  });
});

describe("what a browser may keep", () => {
  it("hashed assets a year without asking; index.html, the service worker and the manifest only after asking", async () => {
    for (const path of ["/assets/index-Abc123.js", "/assets/index-Def456.css"]) {
      expect((await get(path, { "accept-encoding": CHROME })).headers.get("cache-control"), path).toBe(IMMUTABLE);
    }
    for (const path of ["/", "/index.html", "/campaigns/c-2019-cxcy-lectures", "/sw.js", "/registerSW.js", "/workbox-1a2b.js", "/manifest.webmanifest", "/favicon.svg"]) {
      expect((await get(path, { "accept-encoding": CHROME })).headers.get("cache-control"), path).toBe("no-cache");
    }
  });

  it("answers an unchanged file 304 by its ETag, each encoding its own tag", async () => {
    for (const path of ["/", "/sw.js", "/assets/index-Abc123.js", "/icon-192.png", "/me/registrations"]) {
      const tags = new Set<string>();
      for (const accept of [CHROME, "gzip", "identity"]) {
        const first = await get(path, { "accept-encoding": accept });
        const tag = first.headers.get("etag")!;
        expect(tag, `${path} ${accept}`).toMatch(/^"[A-Za-z0-9_-]{20,}(\.br|\.gz)?"$/);
        tags.add(tag);
        for (const asked of [tag, `W/${tag}`, `"x", ${tag}`]) {
          const again = await get(path, { "accept-encoding": accept, "if-none-match": asked });
          expect(again.status, `${path} ${accept} ${asked}`).toBe(304);
          expect((await bytesOf(again)).byteLength).toBe(0);
          expect(again.headers.get("etag")).toBe(tag);
          expect(again.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
          expect(again.headers.get("vary")).toBe(first.headers.get("vary"));
        }
        expect((await get(path, { "accept-encoding": accept, "if-none-match": '"stale"' })).status).toBe(200);
      }
      // A copy in one encoding never validates another: a cache keeps them apart.
      expect(tags.size, path).toBe(path === "/icon-192.png" ? 1 : 3);
    }
  });
});

describe("the web app's routes and what is not in the build", () => {
  it("its own paths are index.html — the ticket link of an SMS too, with the dot in its id", async () => {
    for (const path of ["/me/tickets/s-cxcy-01.u0123456789ab", "/campaigns/c-2019-cxcy-lectures", "/organiser/checkin?code=482913075"]) {
      const res = await get(path, { "accept-encoding": CHROME });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect((await decoded(res)).equals(original("index.html")), path).toBe(true);
    }
  });

  it("a missing asset, script or manifest is a 404, never the page in its place", async () => {
    for (const path of ["/assets/index-Gone99.js", "/assets/", "/sw-old.js", "/manifest.json", "/icon-512.png"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).not.toMatch(/html/);
    }
  });

  it("serves nothing outside the build, nor its dot files", async () => {
    for (const path of ["/.secret", "/../outside-the-build.txt", "/%2e%2e/outside-the-build.txt", "/assets/%2e%2e/%2e%2e/outside-the-build.txt", "/%2esecret", "/..%5coutside-the-build.txt", "/%E0%A4%A"]) {
      const res = await get(path);
      const body = (await decoded(res)).toString();
      expect(body, path).not.toContain("not for the web");
      expect(body, path).not.toContain("outside");
    }
  });

  it("picks up a rebuild while running: a changed file is read and compressed again, a removed one is gone", async () => {
    const before = await get("/sw.js", { "accept-encoding": "gzip" });
    const changed = `${files["sw.js"]}\n// build 2\n${"self.skipWaiting();\n".repeat(40)}`;
    writeFileSync(join(dist, "sw.js"), changed);
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(dist, "sw.js"), later, later);
    const after = await get("/sw.js", { "accept-encoding": "gzip", "if-none-match": before.headers.get("etag")! });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
    expect((await decoded(after)).toString()).toBe(changed);

    unlinkSync(join(dist, "assets/index-Def456.css"));
    expect((await get("/assets/index-Def456.css")).status).toBe(404);
  });
});
