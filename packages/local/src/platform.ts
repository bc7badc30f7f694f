import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, ensureTable, type Db } from "@jinguo/core/db";
import { systemClock, type Clock } from "@jinguo/core/clock";
import { devOutbox } from "@jinguo/core/sms";
import { startDispatcher, writeReminders, type Dispatcher } from "@jinguo/core/outbox";
import { localUploadStore } from "@jinguo/core/uploads";
import { createApp } from "@jinguo/functions";
import { startDynamoLocal, StartupError, type DynamoLocal } from "./dynamo.ts";
import { browserUrl, DEFAULT_HOST } from "./host.ts";
import { webSecurityHeaders } from "./web-headers.ts";
import { webFiles, type WebFiles } from "./web-files.ts";
import { compressJson } from "./compression.ts";
import { localSecret } from "./secret.ts";
import { seed, type SeedReport } from "./seed.ts";

export { StartupError } from "./dynamo.ts";
export { seed } from "./seed.ts";

// The SDK pinned here is tested on Node 20; its notice about future versions is noise locally.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// WEB_DIST: another build of the web app to serve (engineers working side by side each test their own).
export const webDist = process.env.WEB_DIST ?? fileURLToPath(new URL("../../web/dist", import.meta.url));

export interface PlatformOptions {
  /** 0 = any free port */
  port?: number;
  /** the address the web/API server listens on (default 127.0.0.1: this machine only) */
  host?: string;
  /** where DynamoDB Local keeps its data and the signing secret lives (default `.data/`) */
  dataDir?: string;
  /** keep the data in memory (tests) */
  inMemory?: boolean;
  /** use a DynamoDB Local that is already running (tests share one) */
  dynamoEndpoint?: string;
  tableName?: string;
  clock?: Clock;
  quiet?: boolean;
  /** per-client limits; off locally unless asked for (API.md) */
  rateLimitPerClient?: boolean;
  /** the built web app to serve (default `webDist`) */
  webDist?: string;
}

export interface Platform {
  url: string;
  /** the address it listens on */
  host: string;
  port: number;
  db: Db;
  seeded: SeedReport;
  /** resolves once every file of the web app has its gzip and brotli copies */
  webCompressed: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole platform on one port: DynamoDB Local, the table from core's definition, the seeds,
 * the API and the built web app — the "local" stage.
 */
export async function startPlatform(opts: PlatformOptions = {}): Promise<Platform> {
  const dataDir = resolve(opts.dataDir ?? ".data");
  const log = opts.quiet ? () => {} : (line: string) => console.log(line);
  const clock = opts.clock ?? systemClock;
  let dynamo: DynamoLocal | undefined;
  if (!opts.dynamoEndpoint) dynamo = await startDynamoLocal({ dataDir: opts.inMemory ? undefined : join(dataDir, "dynamodb"), log });
  const endpoint = opts.dynamoEndpoint ?? dynamo!.endpoint;
  const dist = opts.webDist ?? webDist;
  // Compressed while the table and the seeds are made (web-files.ts).
  let web: WebFiles | undefined;
  try {
    if (existsSync(join(dist, "index.html"))) web = webFiles(dist);
    const db = createDb({ endpoint, tableName: opts.tableName ?? "jinguo" });
    await ensureTable(db);
    const seeded = await seed(db, clock, { localAccounts: true });
    const secret = opts.inMemory ? localSecretInMemory() : localSecret(dataDir);
    const sms = devOutbox(db, clock, log);
    // Started once the port is known, so the texts can link to this very site.
    let outbox: Dispatcher | undefined;
    const api = createApp({
      db,
      clock,
      secret,
      stage: "local",
      sms,
      outbox: { kick: () => outbox?.kick() },
      // Beside the table's data; in memory (tests), in a folder of its own that nothing else reads.
      uploads: localUploadStore(opts.inMemory ? mkdtempSync(join(tmpdir(), "jinguo-uploads-")) : join(dataDir, "uploads")),
      rateLimitPerClient: opts.rateLimitPerClient ?? process.env.RATE_LIMIT_PER_CLIENT === "on",
    });
    // Before the API, so it wraps the API's answers (CloudFront compresses them in the cloud).
    const app = new Hono().use("/api/*", compressJson).route("/", api);
    if (web) {
      // Registered after the API, so it wraps the web app's answers only.
      app.use("/*", webSecurityHeaders);
      app.use("/*", web.files);
      // The web app routes in the browser: every other path is its index.html (checked against
      // the file each time, so a rebuild while running is picked up).
      app.get("*", web.page);
    }
    const host = opts.host ?? DEFAULT_HOST;
    const server = await listen(app, opts.port ?? 3000, host);
    const port = (server.address() as { port: number }).port;
    outbox = startDispatcher({ db, clock, sms, publicUrl: browserUrl(host, port) }, { intervalMs: 2_000 });
    // Day-before reminders, looked for now and every hour: each is written once however often this runs.
    let reminding: Promise<unknown> = Promise.resolve();
    const remind = () =>
      (reminding = writeReminders(db, clock).then(
        (run) => run.written > 0 && outbox?.kick(),
        (err) => log(`[reminders] run failed: ${(err as Error).name}`),
      ));
    void remind();
    const reminders = setInterval(remind, 3_600_000);
    reminders.unref();
    return {
      url: browserUrl(host, port),
      host,
      port,
      db,
      seeded,
      webCompressed: web?.compressed ?? Promise.resolve(),
      async stop() {
        web?.stop();
        await new Promise<void>((res) => server.close(() => res()));
        clearInterval(reminders);
        await reminding;
        await outbox?.stop();
        db.client.destroy();
        await dynamo?.stop();
      },
    };
  } catch (err) {
    web?.stop();
    await dynamo?.stop();
    throw err;
  }
}

function listen(app: Hono, port: number, hostname: string): Promise<ServerType> {
  return new Promise((res, rej) => {
    const server = serve({ fetch: app.fetch, port, hostname }, () => res(server));
    server.once("error", (err: NodeJS.ErrnoException) =>
      rej(
        err.code === "EADDRINUSE"
          ? new StartupError(`端口 ${port} 已被占用。请关掉占用它的程序，或换一个端口：PORT=3001 npm start\nPort ${port} is taken; try PORT=3001 npm start.`)
          : err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND" || err.code === "EAI_AGAIN"
            ? new StartupError(`HOST=${hostname} 不是这台电脑的地址。不设置 HOST 即可（只有本机能访问）。\nHOST=${hostname} is not an address of this computer; leave HOST unset.`)
            : err,
      ),
    );
  });
}

const localSecretInMemory = () => randomBytes(32).toString("base64url");
