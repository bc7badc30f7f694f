import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";
import { VitePWA } from "vite-plugin-pwa";
import type { ManifestTransform } from "workbox-build";
import { LOCALES, messageAreas, messages, type Entry, type Locale, type MessageArea } from "../core/src/messages/index.ts";
import { PAGE_AREAS, SHELL, isParticipantRoute, pageTableOf, readRoutes, srcDir, webRoot, wordTables, type RouteInfo } from "./app-map.ts";

const coreSrc = fileURLToPath(new URL("../core/src/", import.meta.url));

/**
 * The browser takes nothing from core at run time: the message table reaches it only as the
 * tables of words below, one per language (and types, which leave nothing behind). A value imported
 * from core — `t`, `messages` — would bring every area in both languages back into the bundle;
 * anything else would drag in DynamoDB and the AWS SDK. So the build fails loudly instead.
 */
function browserSafeCore(): Plugin {
  return {
    name: "jinguo:browser-safe-core",
    enforce: "pre",
    load(id) {
      const file = id.split("?")[0] ?? id;
      if (file.includes("/node_modules/@aws-sdk/") || file.includes("/node_modules/@smithy/")) {
        this.error(`The web app must not bundle the AWS SDK (${file}). Import only types from core.`);
      }
      if (file.startsWith(coreSrc)) {
        this.error(
          `The web app may take only types from core, not ${file}: use \`import type\`, and tr() from i18n.ts for messages (they come per table and language from virtual:messages/…).`,
        );
      }
      return null;
    },
  };
}

const MESSAGES = "virtual:messages/";
/** The loaders of every table, and which route's page has a table of its own (i18n.ts). */
const TABLES = "virtual:message-tables";

/**
 * What the browser's tables hold: each area of core's table whole, for the pages that name it,
 * and the common area cut into the shell's words and each page's own by what their modules name
 * (app-map.ts, wordTables). Worked out again when a source changes (the dev server), once per
 * build.
 */
function wordCut() {
  type Cut = { tables: Record<string, Readonly<Record<string, Entry>>>; pageTables: Record<string, string> };
  const compute = (): Cut => {
    const routes = readRoutes();
    const areaKeys = Object.fromEntries(Object.entries(messageAreas).map(([area, table]) => [area, new Set(Object.keys(table))])) as Record<MessageArea, Set<string>>;
    const common: Record<string, Entry> = messageAreas.common;
    const words = wordTables(routes, areaKeys, new Set(Object.keys(messages)));
    return {
      tables: {
        ...Object.fromEntries(Object.entries(words).map(([table, keys]) => [table, Object.fromEntries(keys.map((k) => [k, common[k]!]))])),
        ...Object.fromEntries(PAGE_AREAS.map((area) => [area, messageAreas[area] as Record<string, Entry>])),
      },
      pageTables: Object.fromEntries(routes.flatMap((r) => (words[pageTableOf(r.page)] ? [[r.path, pageTableOf(r.page)]] : []))),
    };
  };
  let cut: Cut | undefined;
  return {
    /** every table, by name ("shell", "pages/Home", "organiser"), with its entries */
    tables: () => (cut ??= compute()).tables,
    /** route path → the page's own table, for the pages that have one */
    pageTables: () => (cut ??= compute()).pageTables,
    reset: () => {
      cut = undefined;
    },
  };
}

/** The tables a route's page loads: the shell's, its areas, its own (if it has words of its own). */
function tablesOfRoute(words: ReturnType<typeof wordCut>, route: RouteInfo): string[] {
  const own = words.pageTables()[route.path];
  return [SHELL, ...route.areas, ...(own ? [own] : [])];
}

/**
 * `virtual:messages/<table>/<locale>`: one table of words in one language, as a plain
 * `{ key: text }` made at build time, so each is a chunk of its own that i18n.ts loads only when
 * a page that shows it is shown in that language; `virtual:message-tables`, a loader of each.
 * Text messages (SMS) are in no table.
 */
function messageTables(words: ReturnType<typeof wordCut>): Plugin {
  const ours = (id: string) => id.startsWith(`\0${MESSAGES}`) || id === `\0${TABLES}`;
  return {
    name: "jinguo:message-tables",
    buildStart() {
      words.reset();
    },
    resolveId(id) {
      return id.startsWith(MESSAGES) || id === TABLES ? `\0${id}` : null;
    },
    load(id) {
      if (!ours(id)) return null;
      const tables = words.tables();
      if (id === `\0${TABLES}`) {
        const loaders = Object.keys(tables).map(
          (table) =>
            `${JSON.stringify(table)}: { ${LOCALES.map((l) => `${JSON.stringify(l)}: () => import(${JSON.stringify(`${MESSAGES}${table}/${l}`)})`).join(", ")} }`,
        );
        return `export const tables = {\n${loaders.join(",\n")}\n};\nexport const pageTables = ${JSON.stringify(words.pageTables())};\n`;
      }
      const path = id.slice(MESSAGES.length + 1);
      const locale = path.slice(path.lastIndexOf("/") + 1) as Locale;
      const table = tables[path.slice(0, path.lastIndexOf("/"))];
      if (!table || !(LOCALES as readonly string[]).includes(locale)) this.error(`No message table ${id.slice(1)}`);
      const texts = Object.fromEntries(Object.entries(table).map(([key, entry]) => [key, entry[locale]]));
      return `export default ${JSON.stringify(texts)};`;
    },
    // the dev server: a page that names another key gets it without a restart
    hotUpdate({ file }) {
      if (!file.startsWith(srcDir) && !file.startsWith(`${coreSrc}messages/`)) return;
      words.reset();
      const graph = this.environment.moduleGraph;
      for (const [id, node] of graph.idToModuleMap) if (ours(id)) graph.invalidateModule(node);
    },
  };
}

/** The chunk of one table in one language, by its module (`\0virtual:messages/pages/Home/zh-CN`). */
const messagesChunkName = (id: string) => `messages-${id.slice(MESSAGES.length + 1).replaceAll("/", "-")}`;

type Chunk = { file: string; imports: string[]; dynamicImports: string[]; css: string[]; modules: string[]; facade?: string };

/** What the build made, beside Vite's manifest: routes, chunks and their modules, the shell. */
export type AppMap = {
  /** each route, with the tables of words its page loads (the shell's first) */
  routes: { path: string; page: string; areas: MessageArea[]; tables: string[] }[];
  entry: string;
  /** chunk file of each page module (src/pages/X.tsx) and of each table of words (`table/locale`) */
  pageChunks: Record<string, string>;
  messageChunks: Record<string, string>;
  chunks: Record<string, Chunk>;
  /** modules only organiser, judge or desk pages reach (through their imports) */
  restricted: string[];
  /** files the service worker keeps ahead: the shell and what every participant route loads */
  shell: string[];
};

/** Everything a chunk needs before it runs: itself, its static imports (deeply), their CSS. */
export function closure(chunks: Record<string, Chunk>, start: string): string[] {
  const out = new Set<string>();
  const visit = (file: string) => {
    if (out.has(file)) return;
    out.add(file);
    const chunk = chunks[file];
    if (!chunk) return;
    chunk.css.forEach((css) => out.add(css));
    chunk.imports.forEach(visit);
  };
  visit(start);
  return [...out];
}

/** The files a first visit to a route loads: the app, the route's page, the messages it shows. */
export function firstVisit(map: AppMap, route: AppMap["routes"][number], locale: Locale = "zh-CN"): string[] {
  const page = map.pageChunks[route.page];
  if (!page) throw new Error(`No chunk for ${route.page}`);
  const starts = [map.entry, page, ...route.tables.map((t) => map.messageChunks[`${t}/${locale}`] ?? "")];
  return [...new Set(starts.flatMap((s) => closure(map.chunks, s)))];
}

/**
 * Writes .vite/app-map.json and works out the service worker's precache: the app shell and each
 * participant route's first visit in Chinese. The organiser's, judge's and desk's chunks stay
 * out (the runtime cache keeps those once opened), and so does English.
 */
function appMap(shell: { files: Set<string> }, words: ReturnType<typeof wordCut>): Plugin {
  let routes: RouteInfo[] = [];
  let outDir = "";
  return {
    name: "jinguo:app-map",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir.startsWith("/") ? config.build.outDir : join(config.root, config.build.outDir);
    },
    buildStart() {
      routes = readRoutes();
    },
    // after every generateBundle: Vite drops the chunks of CSS-only modules there
    writeBundle(_options, bundle) {
      const rel = (id: string) => (id.startsWith("\0") ? id.slice(1) : relative(webRoot, id).replaceAll("\\", "/"));
      const chunks: Record<string, Chunk> = {};
      const pageChunks: Record<string, string> = {};
      const messageChunks: Record<string, string> = {};
      let entry = "";
      for (const output of Object.values(bundle)) {
        if (output.type !== "chunk") continue;
        const facade = output.facadeModuleId ? rel(output.facadeModuleId) : undefined;
        chunks[output.fileName] = {
          file: output.fileName,
          imports: output.imports,
          dynamicImports: output.dynamicImports,
          css: [...(output.viteMetadata?.importedCss ?? [])],
          modules: output.moduleIds.map(rel),
          ...(facade ? { facade } : {}),
        };
        if (output.isEntry) entry = output.fileName;
        for (const id of output.moduleIds) {
          if (id.startsWith(`\0${MESSAGES}`)) messageChunks[id.slice(MESSAGES.length + 1)] = output.fileName;
        }
        // by membership, not facade: a page another page imports from shares its chunk
        for (const route of routes) if (output.moduleIds.includes(route.page)) pageChunks[rel(route.page)] = output.fileName;
      }
      const map: AppMap = {
        routes: routes.map((r) => ({ path: r.path, page: rel(r.page), areas: r.areas, tables: tablesOfRoute(words, r) })),
        entry,
        pageChunks,
        messageChunks,
        chunks,
        restricted: restrictedModules(this, routes, rel, (r) => tablesOfRoute(words, r)),
        shell: [],
      };
      const files = new Set(map.routes.filter(isParticipantRoute).flatMap((r) => firstVisit(map, r)));
      // The service worker's registration (pwa.ts, and workbox-window it imports) is part of the
      // shell; it loads after the page.
      for (const chunk of Object.values(chunks)) {
        if (chunk.facade !== "src/pwa.ts") continue;
        for (const start of [chunk.file, ...chunk.dynamicImports]) closure(chunks, start).forEach((f) => files.add(f));
      }
      map.shell = [...files].sort();
      shell.files = files;
      mkdirSync(join(outDir, ".vite"), { recursive: true });
      writeFileSync(join(outDir, ".vite", "app-map.json"), `${JSON.stringify(map, null, 1)}\n`);
    },
  };
}

/**
 * The modules reached from an organiser's, judge's or desk page and not from the entry or a
 * participant's page (whose walk stops at those pages: a participant page importing one would
 * still count it as theirs, and the bench would say so), and the tables of words no participant
 * loads. Found on the build's own module graph, so packages (a QR scanner) are in it too.
 */
function restrictedModules(
  ctx: { getModuleInfo(id: string): { importedIds: readonly string[]; dynamicallyImportedIds: readonly string[]; isEntry: boolean } | null; getModuleIds(): IterableIterator<string> },
  routes: RouteInfo[],
  rel: (id: string) => string,
  tablesOf: (route: RouteInfo) => string[],
): string[] {
  const restrictedPages = new Set(routes.filter((r) => !isParticipantRoute(r)).map((r) => r.page));
  const walk = (starts: string[], stopAt: Set<string>) => {
    const seen = new Set<string>();
    const queue = [...starts];
    while (queue.length) {
      const id = queue.pop()!;
      if (seen.has(id) || stopAt.has(id)) continue;
      seen.add(id);
      const info = ctx.getModuleInfo(id);
      if (!info) continue;
      queue.push(...info.importedIds);
      // a page's own import() belongs to it; the router's import() of every page does not, nor
      // the loaders' of every table (which tables a page loads, tablesOf says)
      if (!id.endsWith("/src/routes.ts") && id !== `\0${TABLES}`) queue.push(...info.dynamicallyImportedIds);
    }
    return seen;
  };
  const entries = [...ctx.getModuleIds()].filter((id) => ctx.getModuleInfo(id)?.isEntry);
  const open = walk([...entries, ...routes.filter(isParticipantRoute).map((r) => r.page)], restrictedPages);
  const closed = walk([...restrictedPages], new Set());
  const participantTables = new Set(routes.filter(isParticipantRoute).flatMap(tablesOf));
  const closedTables = [...ctx.getModuleIds()].filter(
    (id) => id.startsWith(`\0${MESSAGES}`) && !participantTables.has(id.slice(MESSAGES.length + 1, id.lastIndexOf("/"))),
  );
  return [...[...closed].filter((id) => !open.has(id) || restrictedPages.has(id)), ...closedTables].map(rel).sort();
}

const shell = { files: new Set<string>() };
/** The tables of words, shared by the plugin that makes them and the one that maps the build. */
const words = wordCut();

/**
 * The precache: index.html and the participant's shell only (see appMap), whatever the glob
 * found. The web manifest and the icon VitePWA adds itself (includeAssets), after this.
 */
const keepShell: ManifestTransform = async (entries) => {
  const manifest = entries.filter((e) => e.url === "index.html" || shell.files.has(e.url));
  const lacking = ["index.html", ...shell.files].filter((f) => !f.endsWith(".map") && !manifest.some((e) => e.url === f));
  return { manifest, warnings: lacking.map((f) => `The precache lacks ${f}`) };
};

export default defineConfig({
  plugins: [
    browserSafeCore(),
    messageTables(words),
    solid(),
    appMap(shell, words),
    VitePWA({
      registerType: "autoUpdate",
      // pwa.ts registers it from our own bundle: the CSP allows no inline script
      injectRegister: false,
      includeAssets: ["favicon.svg"],
      manifest: {
        name: "巾帼活动平台",
        short_name: "巾帼活动",
        description: "妇联的活动：报名、电子票、投稿、投票",
        lang: "zh-CN",
        dir: "ltr",
        start_url: "/",
        scope: "/",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#b0102f",
        icons: [{ src: "/favicon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" }],
      },
      workbox: {
        globPatterns: ["**/*.{html,js,css,svg,webmanifest}"],
        globIgnores: ["**/.vite/**", "sw.js", "workbox-*.js"],
        manifestTransforms: [keepShell],
        // Every page of the app is index.html, also without a network; the API is never the
        // worker's: her tickets are kept by the app (ticket-store.ts), answers are never stale.
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
        // autoUpdate: a new worker takes over at once (VitePWA sets these only when it injects
        // the registration itself), and the first one serves the page that installed it
        skipWaiting: true,
        clientsClaim: true,
        runtimeCaching: [
          {
            // the chunks not kept ahead (organiser, judge, desk, English), once opened: their
            // names change with their content, so what is kept is never stale
            urlPattern: /\/assets\/[^/]+\.(?:js|css)$/,
            handler: "CacheFirst",
            options: {
              cacheName: "jinguo-assets",
              expiration: { maxEntries: 120, maxAgeSeconds: 60 * 60 * 24 * 60 },
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      },
    }),
  ],
  resolve: {
    // core is TypeScript source (package exports `./*` → `./src/*/index.ts`); types only reach
    // the browser from it (see browserSafeCore), this keeps the one subpath resolvable.
    alias: [{ find: /^@jinguo\/core\/messages$/, replacement: `${coreSrc}messages/index.ts` }],
  },
  server: {
    port: 5173,
    proxy: { "/api": { target: "http://localhost:3000", changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    // .vite/manifest.json: the chunks and what each imports, for the bytes bench
    manifest: true,
    rolldownOptions: {
      output: {
        chunkFileNames: (chunk) => {
          const id = chunk.facadeModuleId ?? "";
          return id.startsWith(`\0${MESSAGES}`) ? `assets/${messagesChunkName(id)}-[hash].js` : "assets/[name]-[hash].js";
        },
        // Everything the entry imports, in one file with it: as Rolldown cuts them by who shares
        // what, they are four files and 2 KB more gzip before the first page. Not what those
        // modules import and nothing uses: the router's createAsync module imports solid-js/store
        // for createAsyncStore, which then stays out of the entry once no page uses that.
        codeSplitting: { groups: [{ name: "app", tags: ["$initial"], includeDependenciesRecursively: false }] },
      },
    },
  },
});
