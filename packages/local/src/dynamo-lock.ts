import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StartupError } from "./startup-error.ts";

/**
 * One DynamoDB Local per data directory. Two Javas on the same SQLite files (what a restart
 * after a crash used to do) race each other on every write. The lock file in the data directory
 * says which Java runs on it and which process started it, so the next start can tell a live
 * platform (refuse) from a crashed one (stop its Java, after checking that the pid really is
 * DynamoDB Local on this directory — a pid can be reused by anything).
 */
export const LOCK_FILE = "dynamodb-local.pid";

export interface DynamoLock {
  /** the process that started the Java (`npm start`, a test) */
  owner: number;
  /** the DynamoDB Local, once started */
  java?: number;
  port?: number;
  dbPath: string;
}

const lockPath = (dbPath: string) => join(dbPath, LOCK_FILE);

export function readLock(dbPath: string): DynamoLock | undefined {
  try {
    const parsed = JSON.parse(readFileSync(lockPath(dbPath), "utf8")) as Partial<DynamoLock>;
    if (typeof parsed.owner !== "number") return undefined;
    return { owner: parsed.owner, java: parsed.java, port: parsed.port, dbPath };
  } catch {
    return undefined;
  }
}

/**
 * Takes the data directory for this process, stopping the DynamoDB Local that a crashed start
 * left on it. Throws a StartupError when another live process uses it.
 */
export async function claimDataDir(dbPath: string, log: (line: string) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      // `wx`: of two starts at the same moment only one creates the file.
      writeFileSync(lockPath(dbPath), JSON.stringify({ owner: process.pid, dbPath }), { flag: "wx", mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const lock = readLock(dbPath);
    const java = lock?.java !== undefined && isDynamoLocalOn(lock.java, dbPath) ? lock.java : undefined;
    // (a second EEXIST: another start took it between our removing the stale file and now)
    if (lock && isAlive(lock.owner) && (java !== undefined || lock.java === undefined || attempt > 0)) {
      throw new StartupError(
        `数据目录 ${dbPath} 正被另一个进程（pid ${lock.owner}）使用：平台可能已经在运行。请先停止它；如果没有在运行，删除 ${lockPath(dbPath)} 后再启动。\n` +
          `The data directory is in use by process ${lock.owner} (is the platform already running?). Stop it, or if nothing runs, delete the file above.`,
      );
    }
    if (attempt > 2) throw new StartupError(`无法锁定数据目录 ${dbPath} — could not lock the data directory (${lockPath(dbPath)})`);
    if (java !== undefined) {
      log(`停止上次异常退出后留下的 DynamoDB Local (pid ${java}) — stopping a DynamoDB Local left by a crashed start`);
      await stopProcess(java);
    }
    rmSync(lockPath(dbPath), { force: true });
  }
  // A DynamoDB Local that no lock file names (started by an older version, or by hand): it may
  // be in use, so say so rather than kill it.
  const strangers = dynamoLocalsOn(dbPath);
  if (strangers.length > 0) {
    releaseDataDir(dbPath);
    throw new StartupError(
      `另一个 DynamoDB Local（pid ${strangers.join(", ")}）正在使用数据目录 ${dbPath}。两个同时写同一份数据会出错：请先停止它（kill ${strangers.join(" ")}）。\n` +
        `Another DynamoDB Local (pid ${strangers.join(", ")}) runs on this data directory; stop it first.`,
    );
  }
}

export function recordJava(dbPath: string, java: number, port: number): void {
  writeFileSync(lockPath(dbPath), JSON.stringify({ owner: process.pid, java, port, dbPath }), { mode: 0o600 });
}

/** Removes the lock if it is still this process's. */
export function releaseDataDir(dbPath: string): void {
  if (readLock(dbPath)?.owner === process.pid) rmSync(lockPath(dbPath), { force: true });
}

/** The arguments a process was started with, or undefined if it is gone (or not ours to see). */
function commandLine(pid: number): string[] | undefined {
  if (existsSync("/proc/self/cmdline")) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    } catch {
      return undefined;
    }
  }
  try {
    // macOS: no /proc; `ps` gives the command as one string, which is enough for the test below.
    const line = execFileSync("ps", ["-ww", "-o", "command=", "-p", String(pid)], { encoding: "utf8" }).trim();
    return line ? line.split(" ") : undefined;
  } catch {
    return undefined;
  }
}

/** Is `pid` a DynamoDB Local (ours or the plain jar) with its data in `dbPath`? */
export function isDynamoLocalOn(pid: number, dbPath: string): boolean {
  if (!isAlive(pid)) return false;
  const args = commandLine(pid);
  if (!args) return false;
  const at = args.indexOf("-dbPath");
  return at >= 0 && args.some((a) => a.includes("DynamoDBLocal")) && dbPathArg(args, at) === dbPath;
}

/** The value after -dbPath; `ps` splits a path with spaces, so it is joined back up to the next option. */
function dbPathArg(args: string[], at: number): string {
  const rest = args.slice(at + 1);
  const end = existsSync("/proc/self/cmdline") ? 1 : rest.findIndex((a) => a.startsWith("-"));
  return rest.slice(0, end === -1 ? undefined : end).join(" ");
}

function dynamoLocalsOn(dbPath: string): number[] {
  let pids: number[];
  if (existsSync("/proc/self/cmdline")) {
    pids = readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number);
  } else {
    try {
      pids = execFileSync("ps", ["-A", "-o", "pid="], { encoding: "utf8" }).split("\n").map((l) => Number(l.trim())).filter((n) => n > 0);
    } catch {
      return [];
    }
  }
  return pids.filter((pid) => pid !== process.pid && isDynamoLocalOn(pid, dbPath));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, it just is not ours
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // A zombie has ended; it only waits for its parent to read its exit code.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

async function stopProcess(pid: number): Promise<void> {
  const gone = async (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      if (!isAlive(pid)) return true;
    }
    return !isAlive(pid);
  };
  try {
    process.kill(pid, "SIGTERM");
    if (await gone(5000)) return;
    process.kill(pid, "SIGKILL");
    if (await gone(3000)) return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return;
    throw err;
  }
  throw new StartupError(`无法停止旧的 DynamoDB Local (pid ${pid})，请手动停止它 — could not stop the old DynamoDB Local (pid ${pid}); stop it by hand.`);
}
