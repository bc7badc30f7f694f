import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { queryAll } from "@jinguo/core/db";
import { startPlatform, StartupError } from "../src/platform.ts";
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
