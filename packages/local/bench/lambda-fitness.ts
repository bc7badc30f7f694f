/**
 * Lambda fitness (`npm run bench`, or `FITNESS_ONLY=1 npm run bench`): the API's bundle beside a
 * hello-world Hono + @aws-sdk/client-dynamodb function, both built by the one bundling of
 * infra/bundle.ts (the settings the CDK twin and the SST app deploy: ESM, code splitting), side
 * by side in one run:
 *
 * - bytes at cold start: the entry and every chunk it imports statically — what Node reads,
 *   compiles and runs before the handler can answer. Chunks reached only through `import()`
 *   (the API's image codecs, S3 SDK, OpenAPI document, QR codes; both bundles' unused AWS
 *   credential providers) wait for their first use and are reported apart, with all files.
 * - fresh-process import time: a new `node` per import, median of FITNESS_RUNS (default 10),
 *   the two interleaved so a busy machine slows both alike, with the spread. Import only: what
 *   Lambda's init spends on loading our code, without Node's own start-up (the same for both)
 *   and without the API's start (reading its secrets, building the app: it needs AWS).
 *
 * - the first request of each route group (packages/functions/src/routes/groups.ts): the API
 *   loads a group's chunk, and what that chunk imports, on the first request for one of its
 *   routes. Reported for the heaviest group beside the hello-world's cold start (whose one
 *   route is there from the start): bytes, and the import of the entry and then that chunk.
 *
 * Goals (issue 8): bytes at cold start ≤ 1.25 × the hello-world's, import time ≤ 1.2 ×.
 * Reported, not enforced: the bench fails only if a build or an import does.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Metafile } from "esbuild";
import { bundle, bundleOptions, coldStart, repoRoot } from "../../../infra/bundle.ts";

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
  entry: string;
  coldStartBytes: number;
  lazyBytes: number;
  metafile: Metafile;
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

function sizes(metafile: Metafile): Built {
  const parts = coldStart(metafile);
  return { entry: join(repoRoot, parts.entry), coldStartBytes: sum(parts.coldStart), lazyBytes: sum(parts.lazy), metafile };
}

async function buildHelloWorld(dir: string): Promise<Built> {
  const { entryPoints: _entry, ...options } = bundleOptions("unused", dir);
  const result = await build({ ...options, stdin: { contents: HELLO_WORLD, resolveDir: repoRoot, sourcefile: "hello-world.ts", loader: "ts" } });
  return sizes(result.metafile!);
}

/** The entry's import and then each of `then`'s, in a new process, in milliseconds. */
function importMs(entry: string, ...then: string[]): number {
  const imports = [entry, ...then].map((f) => `await import(${JSON.stringify(pathToFileURL(f).href)});`).join(" ");
  const script = `const t = performance.now(); ${imports} console.log(performance.now() - t);`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, AWS_REGION: "ap-east-1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", TABLE_NAME: "fitness" },
  });
  if (run.status !== 0) throw new Error(`importing ${entry} failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  return s[Math.floor(at)]! + (s[Math.ceil(at)]! - s[Math.floor(at)]!) * (at - Math.floor(at));
};
const median = (xs: number[]) => quantile(xs, 0.5);
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

/** The package (or folder of our own code) an input file belongs to. */
const partOf = (input: string) => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? input.split("/").slice(0, 4).join("/");

/** The biggest parts of the given output files, by package. */
function heaviest(metafile: Metafile, files: Iterable<string>, count: number): string {
  const by = new Map<string, number>();
  for (const file of files) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[file]!.inputs)) {
      by.set(partOf(input), (by.get(partOf(input)) ?? 0) + bytesInOutput);
    }
  }
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([k, v]) => `${k} ${kb(v)}`)
    .join(", ");
}

/** Each route group's module by its name, as routes/groups.ts loads them (`{ name: "auth", …, import("./auth.ts") … }`). */
const groupModules = new Map<string, string>(
  [...readFileSync(join(repoRoot, "packages/functions/src/routes/groups.ts"), "utf8").matchAll(/name: "([\w-]+)".*?import\("\.\/([\w-]+\.ts)"\)/g)].map(
    (m) => [`packages/functions/src/routes/${m[2]}`, m[1]!],
  ),
);

/** Each route group's chunk: what its first request adds to the cold start (its chunk and the chunks it imports statically). */
function firstRequests(metafile: Metafile): { group: string; file: string; bytes: number }[] {
  const atStart = coldStart(metafile).coldStart;
  return Object.entries(metafile.outputs)
    .filter(([, out]) => out.entryPoint !== undefined && groupModules.has(out.entryPoint))
    .map(([file, out]) => {
      const added = new Set<string>();
      const walk = (k: string) => {
        if (added.has(k) || atStart.has(k) || !metafile.outputs[k]) return;
        added.add(k);
        for (const i of metafile.outputs[k]!.imports) if (i.kind === "import-statement" && !i.external) walk(i.path);
      };
      walk(file);
      const bytes = [...atStart.values(), ...[...added].map((k) => metafile.outputs[k]!.bytes)].reduce((a, b) => a + b, 0);
      return { group: groupModules.get(out.entryPoint!)!, file: join(repoRoot, file), bytes };
    })
    .sort((a, b) => b.bytes - a.bytes);
}

/** What waits for first use, grouped by why it is there. */
function lazyParts(metafile: Metafile): string {
  const groups: [string, RegExp][] = [
    ["S3 SDK (own bundle)", /node_modules\/@jinguo\/s3-sdk\//],
    ["image codecs", /jpeg-js|pngjs|core\/src\/uploads\/image/],
    ["QR codes", /qrcode|dijkstrajs/],
    ["OpenAPI + docs", /openapi-document|docs-page/],
  ];
  const by = new Map<string, number>();
  for (const file of coldStart(metafile).lazy.keys()) {
    const out = metafile.outputs[file]!;
    const inputs = Object.keys(out.inputs);
    const name = groups.find(([, re]) => re.test(file) || inputs.some((i) => re.test(i)))?.[0] ?? "AWS credential providers and other SDK parts";
    by.set(name, (by.get(name) ?? 0) + out.bytes);
  }
  return [...by].map(([k, v]) => `${k} ${kb(v)}`).join(", ");
}

const work = mkdtempSync(join(tmpdir(), "jinguo-fitness-"));
try {
  const apiDir = join(work, "api");
  const api = sizes(await bundle("api", apiDir));
  const hello = await buildHelloWorld(join(work, "hello"));

  const groups = firstRequests(api.metafile);
  const top = groups[0]!;
  const times = { api: [] as number[], hello: [] as number[], first: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    times.hello.push(importMs(hello.entry));
    times.api.push(importMs(api.entry));
    times.first.push(importMs(api.entry, top.file));
  }
  const ms = { api: median(times.api), hello: median(times.hello), first: median(times.first) };
  const ratio = {
    coldStart: api.coldStartBytes / hello.coldStartBytes,
    total: (api.coldStartBytes + api.lazyBytes) / (hello.coldStartBytes + hello.lazyBytes),
    importMs: ms.api / ms.hello,
    firstBytes: top.bytes / hello.coldStartBytes,
    firstMs: ms.first / ms.hello,
  };
  // Three decimals next to a goal, so that 1.246 does not read as the 1.25 it is not.
  const mark = (r: number, goal?: number) => `${r.toFixed(goal === undefined ? 2 : 3)}×${goal === undefined ? "" : r <= goal ? " ✓" : ` ✗ (goal ≤ ${goal})`}`;
  const spread = (xs: number[]) => `${quantile(xs, 0.25).toFixed(0)}–${quantile(xs, 0.75).toFixed(0)}`;

  console.log("Lambda fitness — infra/bundle.ts settings (esbuild, ESM, code splitting, node22, minified), both built in this run");
  console.log(`                           ${"API".padStart(10)} ${"hello-world".padStart(12)}   API ÷ hello-world`);
  console.log(`  loaded at cold start     ${kb(api.coldStartBytes).padStart(10)} ${kb(hello.coldStartBytes).padStart(12)}   ${mark(ratio.coldStart, GOALS.bytes)}`);
  console.log(`  all files (+ lazy)       ${kb(api.coldStartBytes + api.lazyBytes).padStart(10)} ${kb(hello.coldStartBytes + hello.lazyBytes).padStart(12)}   ${mark(ratio.total)}`);
  console.log(`  import, median of ${String(RUNS).padEnd(5)} ${`${ms.api.toFixed(0)} ms`.padStart(10)} ${`${ms.hello.toFixed(0)} ms`.padStart(12)}   ${mark(ratio.importMs, GOALS.importMs)}`);
  console.log(`  import, middle half      ${`${spread(times.api)} ms`.padStart(10)} ${`${spread(times.hello)} ms`.padStart(12)}   (each run: API ${times.api.map((t) => t.toFixed(0)).join(" ")}; hello-world ${times.hello.map((t) => t.toFixed(0)).join(" ")})`);
  console.log(`  first request, heaviest group (${top.group}):`);
  console.log(`    loaded                 ${kb(top.bytes).padStart(10)} ${kb(hello.coldStartBytes).padStart(12)}   ${mark(ratio.firstBytes)}`);
  console.log(`    import, median         ${`${ms.first.toFixed(0)} ms`.padStart(10)} ${`${ms.hello.toFixed(0)} ms`.padStart(12)}   ${mark(ratio.firstMs)}`);
  console.log(`  first request of each group, loaded: ${groups.map((g) => `${g.group} ${kb(g.bytes)}`).join(", ")}`);
  console.log(`  API at cold start, heaviest: ${heaviest(api.metafile, coldStart(api.metafile).coldStart.keys(), 12)}`);
  console.log(`  API on first use only: ${lazyParts(api.metafile)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
