/**
 * Web bytes (`npm run bench`, or alone: `tsx packages/local/bench/web-bytes.ts`): what a phone
 * downloads on its first visit to each participant route, from the web app's build (built first
 * if stale, into WEB_DIST if set). From Vite's manifest (.vite/manifest.json: each chunk, its
 * static imports and CSS) and the build's app map (.vite/app-map.json, vite.config.ts: the routes,
 * the message tables, each chunk's modules, the modules only organiser, judge or desk pages use):
 *
 * - a route's first visit: the entry and its static imports (deeply), the route's page chunk and
 *   its static imports, and the tables of words it loads in Chinese (the shell's and the page's
 *   own; a participant page has no area of its own), with their CSS. Each file compressed alone, as sent:
 *   gzip (level 9) and brotli (quality 11).
 * - whether any organiser, judge or desk module is among them: it must not be (the bench fails).
 *   The same check on /organiser must find some, or the check itself is broken (a control).
 *
 * Goal (issue 7): home ≤ 30 KB of JS gzip. Reported, not enforced. After the page has loaded,
 * the service worker's registration and its precache follow; reported apart.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const dist = process.env.WEB_DIST ?? join(root, "packages/web/dist");
const GOAL_HOME_JS_GZIP = 30 * 1024;

type ManifestChunk = { file: string; src?: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] };
type AppMap = {
  routes: { path: string; page: string; areas: string[]; tables: string[] }[];
  entry: string;
  pageChunks: Record<string, string>;
  messageChunks: Record<string, string>;
  chunks: Record<string, { modules: string[] }>;
  restricted: string[];
  shell: string[];
};

const build = spawnSync(process.execPath, [join(root, "packages/local/src/build-web-if-needed.mjs")], { encoding: "utf8" });
if (build.status !== 0) {
  console.error(`✗ the web app's build failed\n${build.stdout}${build.stderr}`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(join(dist, ".vite/manifest.json"), "utf8")) as Record<string, ManifestChunk>;
const map = JSON.parse(readFileSync(join(dist, ".vite/app-map.json"), "utf8")) as AppMap;

const keyOfFile = new Map(Object.entries(manifest).map(([key, chunk]) => [chunk.file, key]));
const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
if (!entryKey) throw new Error(`No entry in ${dist}/.vite/manifest.json`);

/** A manifest chunk's file, its CSS and all it imports statically, deeply. */
function closure(key: string, out = new Set<string>()): Set<string> {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`No chunk ${key} in the manifest`);
  if (out.has(chunk.file)) return out;
  out.add(chunk.file);
  for (const css of chunk.css ?? []) out.add(css);
  for (const imported of chunk.imports ?? []) closure(imported, out);
  return out;
}

function keyOf(file: string | undefined, what: string): string {
  const key = file ? keyOfFile.get(file) : undefined;
  if (!key) throw new Error(`No chunk for ${what} in the build`);
  return key;
}

type Visit = { files: string[]; js: Size; messages: Size; css: Size; restricted: string[] };
type Size = { raw: number; gzip: number; brotli: number };

const sizes = new Map<string, Size>();
function sizeOf(file: string): Size {
  let size = sizes.get(file);
  if (!size) {
    const bytes = readFileSync(join(dist, file));
    size = {
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
    sizes.set(file, size);
  }
  return size;
}
const add = (files: string[]): Size =>
  files.map(sizeOf).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }), { raw: 0, gzip: 0, brotli: 0 });

const restricted = new Set(map.restricted);
const messageFiles = new Set(Object.values(map.messageChunks));

function firstVisit(route: AppMap["routes"][number]): Visit {
  const files = closure(entryKey!);
  closure(keyOf(map.pageChunks[route.page], route.page), files);
  for (const table of route.tables) closure(keyOf(map.messageChunks[`${table}/zh-CN`], `the words of ${table}`), files);
  const list = [...files].sort();
  const js = list.filter((f) => f.endsWith(".js"));
  return {
    files: list,
    js: add(js),
    messages: add(js.filter((f) => messageFiles.has(f))),
    css: add(list.filter((f) => f.endsWith(".css"))),
    restricted: list.flatMap((f) => (map.chunks[f]?.modules ?? []).filter((m) => restricted.has(m))),
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const col = (s: string, n: number) => s.padStart(n);
const participant = map.routes.filter((r) => r.areas.length === 0);
const visits = participant.map((route) => ({ route, visit: firstVisit(route) }));
const home = visits.find((v) => v.route.path === "/");
if (!home) throw new Error("No home route (/) in the app map");

console.log(`Web bytes — first visit of each participant route, in Chinese (${dist}; each file gzip -9 / brotli q11, as sent)`);
console.log(`  ${"route".padEnd(30)}${col("JS gzip", 10)}${col("of it words", 13)}${col("JS br", 10)}${col("CSS gzip", 10)}${col("CSS br", 9)}${col("files", 7)}   organiser/judge/desk code`);
for (const { route, visit } of visits) {
  console.log(
    `  ${route.path.padEnd(30)}${col(kb(visit.js.gzip), 10)}${col(kb(visit.messages.gzip), 13)}${col(kb(visit.js.brotli), 10)}${col(kb(visit.css.gzip), 10)}${col(kb(visit.css.brotli), 9)}${col(String(visit.files.length), 7)}   ${
      visit.restricted.length ? `YES: ${visit.restricted.slice(0, 6).join(", ")}${visit.restricted.length > 6 ? ", …" : ""}` : "none"
    }`,
  );
}
const met = home.visit.js.gzip <= GOAL_HOME_JS_GZIP;
console.log(`  goal, home ≤ ${kb(GOAL_HOME_JS_GZIP)} JS gzip: ${kb(home.visit.js.gzip)} ${met ? "✓ met" : "✗ not met"}`);
const heaviest = home.visit.files
  .filter((f) => f.endsWith(".js"))
  .sort((a, b) => sizeOf(b).gzip - sizeOf(a).gzip)
  .map((f) => `${f.replace(/^assets\//, "").replace(/-[\w-]{8}\.js$/, "")} ${kb(sizeOf(f).gzip)}`);
console.log(`  home, by file (gzip): ${heaviest.join(", ")}`);

// The check must be able to fail: an organiser's page loads organiser code.
const control = map.routes.find((r) => r.path === "/organiser");
const controlSees = control ? firstVisit(control).restricted.length > 0 : false;
console.log(`  control: the same check on /organiser finds organiser code: ${controlSees ? "yes ✓" : "NO ✗ (the check is broken)"}`);

const pwa = Object.keys(manifest).find((k) => manifest[k]!.src === "src/pwa.ts");
const registration = pwa
  ? [...[pwa, ...(manifest[pwa]!.dynamicImports ?? [])].reduce((out, key) => closure(key, out), new Set<string>())].filter(
      (f) => !home.visit.files.includes(f) && f.endsWith(".js"),
    )
  : [];
const precache = map.shell.filter((f) => !f.startsWith("."));
console.log(
  `  after the page has loaded: the service worker's registration ${kb(add(registration).gzip)} JS gzip; its precache ${precache.length} files, ${kb(add(precache).gzip)} gzip (the participant's shell, every route)`,
);

const leaked = visits.filter((v) => v.visit.restricted.length > 0);
if (leaked.length || !controlSees) {
  console.error(leaked.length ? `✗ organiser, judge or desk code on: ${leaked.map((v) => v.route.path).join(", ")}` : "✗ the control found nothing");
  process.exit(1);
}
