import { describe, it, expect, afterAll, inject } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { queryAll } from "@jinguo/core/db";
import { startPlatform, StartupError, webDist } from "../src/platform.ts";
import { startDynamoLocal } from "../src/dynamo.ts";

const dataDir = mkdtempSync(join(tmpdir(), "jinguo-platform-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Every item of the table, to compare whole states. Test-only: requests never Scan. */
async function snapshot(db: Parameters<typeof queryAll>[0]) {
  const { ScanCommand } = await import("@aws-sdk/client-dynamodb");
  const out = await db.client.send(new ScanCommand({ TableName: db.tableName }));
  return (out.Items ?? []).map((i) => JSON.stringify(i)).sort();
}

const javaProcesses = () => {
  try {
    return execFileSync("pgrep", ["-f", `DynamoDBLocal.jar.*${dataDir}`]).toString().trim().split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe("the local platform on disk", () => {
  it("seeds once, keeps data and sign-ins across a restart, and leaves no Java behind", async () => {
    const first = await startPlatform({ port: 0, dataDir, quiet: true });
    expect(first.seeded.campaignsCreated).toBeGreaterThanOrEqual(7);
    const origin = first.url;
    const phone = "13911112222";
    const post = (path: string, body: unknown, cookie = "") =>
      fetch(`${origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin, ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
    expect((await post("/api/auth/otp", { phone })).status).toBe(204);
    const outbox = (await (await fetch(`${origin}/api/dev/outbox?phone=${phone}`)).json()) as { items: { code: string }[] };
    const login = await post("/api/auth/login", { phone, code: outbox.items[0]!.code });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const before = await snapshot(first.db);
    await first.stop();
    expect(javaProcesses()).toBe(0);

    const second = await startPlatform({ port: 0, dataDir, quiet: true });
    try {
      expect(second.seeded.campaignsCreated).toBe(0);
      expect(second.seeded.sessionsCreated).toBe(0);
      expect(await snapshot(second.db)).toEqual(before);
      const me = await fetch(`${second.url}/api/me`, { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { user: { phone: string } }).user.phone).toBe("139****2222");
      const page = await fetch(`${second.url}/campaigns/c-2019-cxcy-lectures`);
      expect(page.headers.get("content-type")).toMatch(/text\/html/);
    } finally {
      await second.stop();
    }
    expect(javaProcesses()).toBe(0);
  });

  it("says plainly when the port is taken", async () => {
    const holder = await startPlatform({ port: 0, dataDir, quiet: true });
    try {
      const err = await startPlatform({ port: holder.port, dataDir: `${dataDir}-2`, quiet: true }).catch((e) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect(err.message).toContain(`端口 ${holder.port} 已被占用`);
    } finally {
      await holder.stop();
      rmSync(`${dataDir}-2`, { recursive: true, force: true });
    }
  });

  it("says plainly when Java is missing", async () => {
    const path = process.env.PATH;
    process.env.PATH = join(dataDir, "no-java-here");
    try {
      const err = await startDynamoLocal({ dataDir: join(dataDir, "nojava") }).catch((e) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect(err.message).toContain("找不到 Java");
    } finally {
      process.env.PATH = path;
    }
  });
});

describe("the web app's security headers", () => {
  /** One CSP directive's sources, or undefined when the policy lacks it. */
  const directive = (csp: string, name: string) =>
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .find(([n]) => n === name)
      ?.slice(1);

  it("every page and asset: a CSP without inline script, no framing, nosniff, no referrer to other sites, camera for us only", async () => {
    const platform = await startPlatform({
      port: 0,
      inMemory: true,
      quiet: true,
      dynamoEndpoint: inject("dynamoEndpoint"),
      tableName: `headers-${randomBytes(4).toString("hex")}`,
    });
    try {
      const index = readFileSync(`${webDist}/index.html`, "utf8");
      const assets = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
      expect(assets.some((a) => a.endsWith(".js")) && assets.some((a) => a.endsWith(".css")), "index.html names its script and stylesheet").toBe(true);
      // What the policy below forbids must not be what the built app needs.
      expect(index, "no inline script").not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(index, "no inline style").not.toMatch(/<style|\sstyle=/);
      expect(index, "no inline handlers").not.toMatch(/\son[a-z]+=/);

      for (const path of ["/", "/campaigns/c-2019-cxcy-lectures", "/organiser/checkin?code=ABCD1234", "/favicon.svg", "/assets/nothing-here.js", ...assets]) {
        const res = await fetch(`${platform.url}${path}`);
        expect(res.status, path).toBe(path.includes("nothing-here") ? 404 : 200);
        const h = (name: string) => res.headers.get(name) ?? "";
        const csp = h("content-security-policy");
        expect(directive(csp, "default-src"), `${path}: default-src`).toEqual(["'self'"]);
        expect(directive(csp, "script-src"), `${path}: script-src`).toEqual(["'self'"]);
        expect(directive(csp, "style-src"), `${path}: style-src`).toEqual(["'self'"]);
        expect(directive(csp, "object-src"), path).toEqual(["'none'"]);
        expect(directive(csp, "base-uri"), path).toEqual(["'none'"]);
        expect(directive(csp, "frame-ancestors"), `${path}: frame-ancestors`).toEqual(["'none'"]);
        // The offline ticket's service worker and the web manifest: ours, and only ours.
        expect(directive(csp, "worker-src"), `${path}: worker-src`).toEqual(["'self'"]);
        expect(directive(csp, "manifest-src"), `${path}: manifest-src`).toEqual(["'self'"]);
        expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
        expect(h("x-frame-options"), path).toBe("DENY");
        expect(h("x-content-type-options"), path).toBe("nosniff");
        // A ticket link's code never reaches another site.
        expect(["same-origin", "no-referrer"], `${path}: referrer-policy`).toContain(h("referrer-policy"));
        expect(h("permissions-policy"), path).toMatch(/(^|,\s*)camera=\(self\)(,|$)/);
        expect(h("permissions-policy"), path).toMatch(/(^|,\s*)microphone=\(\)(,|$)/);
      }
    } finally {
      await platform.stop();
    }
  });
});
