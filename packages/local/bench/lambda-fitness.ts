/**
 * Lambda fitness (`npm run bench`, or `FITNESS_ONLY=1 npm run bench`): the API's bundle beside a
 * hello-world Hono + @aws-sdk/client-dynamodb function, both built by the one bundling of
 * infra/bundle.ts (the settings the CDK twin and the SST app deploy), side by side in one run:
 *
 * - bytes: all the bundle's files, and the part a cold start loads (the entry and the chunks it
 *   imports statically; lazily imported chunks — the SDK's unused credential providers — wait);
 * - fresh-process import time: a new `node` per import, median of FITNESS_RUNS (default 10),
 *   the two interleaved so a busy machine slows both alike. Import only: what Lambda's init
 *   spends on our code, without Node's own start-up, which is the same for both.
 *
 * Goals (issue 8): bytes ≤ 1.25 × the hello-world's, import time ≤ 1.2 ×. Reported, not
 * enforced: the bench fails only if a build or an import does.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Metafile } from "esbuild";
import { bundle, bundleOptions, repoRoot } from "../../../infra/bundle.ts";

const RUNS = Number(process.env.FITNESS_RUNS ?? 10);
const GOALS = { bytes: 1.25, importMs: 1.2 };

/** The floor: a Hono app on Lambda that reads one item. */
const HELLO_WORLD = `
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
const db = new DynamoDBClient({});
const app = new Hono().get("/api/hello", async (c) => {
  const out = await db.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { pk: { S: "hello" }, sk: { S: "world" } } }));
  return c.json({ hello: "world", found: !!out.Item });
});
export const handler = handle(app);
`;

interface Built {
  name: string;
  entry: string;
  totalBytes: number;
  coldStartBytes: number;
  metafile: Metafile;
}

function sizes(name: string, dir: string, metafile: Metafile): Built {
  const outputs = metafile.outputs;
  const code = Object.keys(outputs).filter((k) => !k.endsWith(".map"));
  const entryKey = code.find((k) => outputs[k]!.entryPoint !== undefined && /(index|stdin)\.mjs$/.test(k))!;
  const loaded = new Set<string>();
  const walk = (k: string) => {
    if (loaded.has(k) || !outputs[k]) return;
    loaded.add(k);
    for (const i of outputs[k]!.imports) if (i.kind === "import-statement" && !i.external) walk(i.path);
  };
  walk(entryKey);
  return {
    name,
    entry: join(repoRoot, entryKey),
    totalBytes: code.reduce((n, k) => n + outputs[k]!.bytes, 0),
    coldStartBytes: [...loaded].reduce((n, k) => n + outputs[k]!.bytes, 0),
    metafile,
  };
}

async function buildHelloWorld(dir: string): Promise<Built> {
  const { entryPoints: _entry, ...options } = bundleOptions("unused", dir);
  const result = await build({ ...options, stdin: { contents: HELLO_WORLD, resolveDir: repoRoot, sourcefile: "hello-world.ts", loader: "ts" } });
  return sizes("hello-world", dir, result.metafile!);
}

/** One import in a new process, in milliseconds. */
function importMs(entry: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(entry).href)}); console.log(performance.now() - t);`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, AWS_REGION: "ap-east-1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", TABLE_NAME: "fitness" },
  });
  if (run.status !== 0) throw new Error(`importing ${entry} failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

/** The biggest parts of a bundle, by package (or folder of our own code). */
function heaviest(metafile: Metafile, count: number): string {
  const by = new Map<string, number>();
  for (const out of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const key = m ? m[1]! : input.split("/").slice(0, 4).join("/");
      by.set(key, (by.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([k, v]) => `${k} ${kb(v)}`)
    .join(", ");
}

const work = mkdtempSync(join(tmpdir(), "jinguo-fitness-"));
try {
  const apiDir = join(work, "api");
  const api = sizes("api", apiDir, await bundle("api", apiDir));
  const hello = await buildHelloWorld(join(work, "hello"));

  const times = { api: [] as number[], hello: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    times.hello.push(importMs(hello.entry));
    times.api.push(importMs(api.entry));
  }
  const ms = { api: median(times.api), hello: median(times.hello) };
  const ratio = {
    total: api.totalBytes / hello.totalBytes,
    coldStart: api.coldStartBytes / hello.coldStartBytes,
    importMs: ms.api / ms.hello,
  };
  const mark = (r: number, goal: number) => `${r.toFixed(2)}× ${r <= goal ? "✓" : `✗ (goal ≤ ${goal})`}`;

  console.log("Lambda fitness — infra/bundle.ts settings (esbuild, ESM, node22, minified), both built in this run");
  console.log(`                      ${"API".padStart(10)} ${"hello-world".padStart(12)}   API ÷ hello-world`);
  console.log(`  bundle, all files   ${kb(api.totalBytes).padStart(10)} ${kb(hello.totalBytes).padStart(12)}   ${mark(ratio.total, GOALS.bytes)}`);
  console.log(`  loaded at import    ${kb(api.coldStartBytes).padStart(10)} ${kb(hello.coldStartBytes).padStart(12)}   ${mark(ratio.coldStart, GOALS.bytes)}`);
  console.log(`  import, median/${RUNS}   ${`${ms.api.toFixed(0)} ms`.padStart(10)} ${`${ms.hello.toFixed(0)} ms`.padStart(12)}   ${mark(ratio.importMs, GOALS.importMs)}`);
  console.log(`  API's heaviest parts: ${heaviest(api.metafile, 10)}`);
  console.log("  (left to the Lambda runtime: @aws-sdk/client-s3, loaded on the first image; infra/bundle.ts)");
} finally {
  rmSync(work, { recursive: true, force: true });
}
