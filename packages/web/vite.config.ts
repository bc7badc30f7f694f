import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";
import { VitePWA } from "vite-plugin-pwa";
import type { ManifestTransform } from "workbox-build";
import { LOCALES, messageAreas, type Locale, type MessageArea } from "../core/src/messages/index.ts";
import { isParticipantRoute, readRoutes, webRoot, type RouteInfo } from "./app-map.ts";

const coreSrc = fileURLToPath(new URL("../core/src/", import.meta.url));

/**
 * The browser takes nothing from core at run time: the message table reaches it only as the
 * per-area, per-language tables below (and types, which leave nothing behind). A value imported
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
          `The web app may take only types from core, not ${file}: use \`import type\`, and tr() from i18n.ts for messages (they come per area and language from virtual:messages/…).`,
        );
      }
      return null;
    },
  };
}

const MESSAGES = "virtual:messages/";

/**
 * `virtual:messages/<area>/<locale>`: one area of core's message table in one language, as a
 * plain `{ key: text }` made at build time, so each is a chunk of its own that i18n.ts loads
 * only when a page of that area is shown in that language. Text messages (SMS) are in no area.
 */
function messageTables(): Plugin {
  return {
    name: "jinguo:message-tables",
    resolveId(id) {
      return id.startsWith(MESSAGES) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${MESSAGES}`)) return null;
      const [area, locale] = id.slice(MESSAGES.length + 1).split("/") as [MessageArea, Locale];
      const table = messageAreas[area] as Record<string, Record<Locale, string>> | undefined;
      if (!table || !(LOCALES as readonly string[]).includes(locale)) this.error(`No message table ${id.slice(1)}`);
      const texts = Object.fromEntries(Object.entries(table).map(([key, entry]) => [key, entry[locale]]));
      return `export default ${JSON.stringify(texts)};`;
    },
  };
}

/** The chunk of one area's messages in one language, by its module (`\0virtual:messages/common/zh-CN`). */
const messagesChunkName = (id: string) => `messages-${id.slice(MESSAGES.length + 1).replace("/", "-")}`;

type Chunk = { file: string; imports: string[]; dynamicImports: string[]; css: string[]; modules: string[]; facade?: string };

/** What the build made, beside Vite's manifest: routes, chunks and their modules, the shell. */
export type AppMap = {
  routes: { path: string; page: string; areas: MessageArea[] }[];
  entry: string;
  /** chunk file of each page module (src/pages/X.tsx) and of each message table (area/locale) */
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
  const starts = [map.entry, page, ...["common", ...route.areas].map((a) => map.messageChunks[`${a}/${locale}`] ?? "")];
  return [...new Set(starts.flatMap((s) => closure(map.chunks, s)))];
}

/**
 * Writes .vite/app-map.json and works out the service worker's precache: the app shell and each
 * participant route's first visit in Chinese. The organiser's, judge's and desk's chunks stay
 * out (the runtime cache keeps those once opened), and so does English.
 */
function appMap(shell: { files: Set<string> }): Plugin {
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
        routes: routes.map((r) => ({ path: r.path, page: rel(r.page), areas: r.areas })),
        entry,
        pageChunks,
        messageChunks,
        chunks,
        restricted: restrictedModules(this, routes, rel),
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
 * still count it as theirs, and the bench would say so). Found on the build's own module graph,
 * so packages (a QR scanner) are in it too.
 */
function restrictedModules(
  ctx: { getModuleInfo(id: string): { importedIds: readonly string[]; dynamicallyImportedIds: readonly string[]; isEntry: boolean } | null; getModuleIds(): IterableIterator<string> },
  routes: RouteInfo[],
  rel: (id: string) => string,
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
      // a page's own import() belongs to it; the router's import() of every page does not
      if (!id.endsWith("/src/routes.ts")) queue.push(...info.dynamicallyImportedIds);
    }
    return seen;
  };
  const entries = [...ctx.getModuleIds()].filter((id) => ctx.getModuleInfo(id)?.isEntry);
  const open = walk([...entries, ...routes.filter(isParticipantRoute).map((r) => r.page)], restrictedPages);
  const closed = walk([...restrictedPages], new Set());
  const areaTables = [...ctx.getModuleIds()].filter((id) => id.startsWith(`\0${MESSAGES}`) && !id.startsWith(`\0${MESSAGES}common/`));
  return [...new Set([...closed, ...areaTables])].filter((id) => !open.has(id) || restrictedPages.has(id)).map(rel).sort();
}

const shell = { files: new Set<string>() };

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
    messageTables(),
    solid(),
    appMap(shell),
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
      },
    },
  },
});
