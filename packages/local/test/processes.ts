/**
 * Test helpers: `npm start` in a child process, the Javas running on a data directory, and who
 * listens where (the kernel's socket table, so no traffic leaves loopback to find out).
 * Linux only, like the machines the tests run on.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const startScript = fileURLToPath(new URL("../src/start.ts", import.meta.url));

export interface Started {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
}

/** Runs start.ts (what `npm start` runs) in its own Node, PORT=0; resolves once it prints its address. */
export function startInChild(env: Record<string, string | undefined>): Promise<Started> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: "0", ...env };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const child = spawn(process.execPath, ["--import", "tsx", startScript], { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`start.ts did not start within 45 s:\n${output}`));
    }, 45_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /Open:\s+(http:\/\/\S+:(\d+))/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, port: Number(m[2]), output: () => output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`start.ts exited (${code ?? signal}):\n${output}`));
    });
  });
}

export async function killHard(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

/** The DynamoDB Locals (any Java with DynamoDBLocal on its class path) whose data is in `dbPath`. */
export function javasOn(dbPath: string): { pid: number; port: number }[] {
  const found: { pid: number; port: number }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      if (readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.startsWith("Z")) continue;
      args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue; // gone meanwhile
    }
    const at = args.indexOf("-dbPath");
    if (at < 0 || args[at + 1] !== dbPath || !args.some((a) => a.includes("DynamoDBLocal"))) continue;
    found.push({ pid: Number(entry), port: Number(args[args.indexOf("-port") + 1]) });
  }
  return found;
}

export async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (check()) return true;
  return check();
}

/** Kills (by pid) the Javas a test started on its own temp directory, if any are left. */
export function killJavasOn(dbPath: string): void {
  for (const { pid } of javasOn(dbPath)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

/** The local addresses that listen on TCP `port`, from /proc/net/tcp and tcp6. */
export function listenersOn(port: number): string[] {
  const out: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A" || !local) continue; // 0A: LISTEN
      const [hex, portHex] = local.split(":");
      if (parseInt(portHex!, 16) === port) out.push(decodeAddress(hex!));
    }
  }
  return out;
}

/** /proc/net's hex address: 32-bit words in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 8) {
    const word = hex.slice(i, i + 8);
    for (let j = 6; j >= 0; j -= 2) bytes.push(parseInt(word.slice(j, j + 2), 16));
  }
  if (bytes.length === 4) return bytes.join(".");
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join(".")}`;
  if (bytes.every((b) => b === 0)) return "::";
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return "::1";
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(":");
}

/** Does a socket listening on `listener` accept connections to `address` (IPv4)? */
export function accepts(listener: string, address: string): boolean {
  return ["0.0.0.0", "::", address, `::ffff:${address}`].includes(listener);
}

/** Connects to host:port: "connected", or the error code (ECONNREFUSED, …). */
export function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("ETIMEDOUT");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}
