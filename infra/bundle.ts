/**
 * The one way a function is bundled, for every path that ships or measures one: the CDK
 * stack (infra/cdk/stack.ts, local bundling), the SST app (infra/api.ts, a pre-built bundle)
 * and the Lambda fitness bench (packages/local/bench/lambda-fitness.ts, which builds its
 * hello-world baseline with these very settings).
 *
 *   tsx infra/bundle.ts <api|outbox|reminders> <outdir>   → <outdir>/index.mjs (+ index.mjs.map)
 *
 * Plain esbuild, no Docker. Node only (no SST globals, no CDK). Synchronous callers (CDK, SST)
 * run it as a child process: infra/prebuilt.ts.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions, Metafile, Plugin } from "esbuild";

export const repoRoot = fileURLToPath(new URL("../", import.meta.url));

/** Each function's entry (its handlers are exports of that one file). */
export const functionEntries = {
  /** the Hono API: `handler` */
  api: "packages/functions/src/lambda.ts",
  /** the outbox: `handler` on the table's stream, `sweep` on a schedule */
  outbox: "packages/functions/src/stream.ts",
  /** the day-before reminders: `handler` on a daily schedule */
  reminders: "packages/functions/src/schedule.ts",
} as const;
export type FunctionName = keyof typeof functionEntries;

/**
 * Left to the Lambda runtime, which carries the whole AWS SDK v3: the S3 client only, loaded
 * on an image's first upload or read (packages/functions/src/s3-uploads.ts). The DynamoDB and
 * Secrets Manager clients, on every cold start, stay in the bundle: one minified file starts
 * faster than the runtime's SDK spread over hundreds of files, and the function runs the
 * versions the tests ran (the runtime's lag behind ours and change under us).
 */
export const runtimeProvided = ["@aws-sdk/client-s3"];

const zodRoot = dirname(createRequire(import.meta.url).resolve("zod/package.json"));

/**
 * zod's parts the code never uses, left out of the bundle. `import { z } from "zod"` is a
 * namespace that holds every locale's error messages (z.locales: ~260 KB minified of the API's
 * bundle), the JSON-Schema importer (z.fromJSONSchema) and the opt-in compiler (z.compile);
 * esbuild keeps a namespace whole. English stays: zod registers it itself on the first schema
 * (classic/schemas.js), and our own error messages come from core/messages, not from zod.
 * infra/bundle.unit.test.ts checks that no source uses what is left out and that the bundle
 * validates as the source does.
 */
export const zodLeftOut: Record<string, { uses: RegExp; contents: string }> = {
  "v4/locales/index.js": {
    uses: /\bz\.locales\b|\bz\.config\(|from "zod\/(v4\/)?locales/,
    contents: `export { default as en } from ${JSON.stringify(join(zodRoot, "v4/locales/en.js"))};`,
  },
  "v4/classic/from-json-schema.js": {
    uses: /\bfromJSONSchema\b/,
    contents: `export function fromJSONSchema() { throw new Error("z.fromJSONSchema is not in this bundle (infra/bundle.ts)"); }`,
  },
  "v4/core/compile.js": {
    uses: /\bz\.compile\b|\bwithParser\b|\bcompileFn\b|from "zod\/compile"/,
    contents: [
      `export const INVALID = Symbol.for("zod.compile.invalid");`,
      `export class ZodCompileAsyncError extends Error {}`,
      `export class ZodCompileUnsupportedError extends Error {}`,
      // What z.compile itself does with a schema it cannot speed up: the runtime parser.
      `export function compile(schema) { return schema; }`,
      `export function withParser() { throw new Error("zod's compiler is not in this bundle (infra/bundle.ts)"); }`,
      `export function compileFn() { throw new Error("zod's compiler is not in this bundle (infra/bundle.ts)"); }`,
    ].join("\n"),
  },
};

export const leanZod: Plugin = {
  name: "lean-zod",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      if (!args.importer.startsWith(zodRoot)) return undefined;
      const target = join(dirname(args.importer), args.path).slice(zodRoot.length + 1);
      return target in zodLeftOut ? { path: target, namespace: "lean-zod" } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: "lean-zod" }, (args) => ({
      contents: zodLeftOut[args.path]!.contents,
      loader: "js",
      resolveDir: zodRoot,
    }));
  },
};

const qrcodeRoot = dirname(createRequire(import.meta.url).resolve("qrcode/package.json"));

/**
 * qrcode's SVG renderer only. Its main module loads every renderer, the PNG one with its own
 * copy of pngjs (an older major than core's, so a second one in the bundle), for one call:
 * `QRCode.toString(text, { type: "svg", … })` (core/registration `ticketQr`). This module
 * is qrcode's own `toString` for that type, from the same two files (core/qrcode.js,
 * renderer/svg-tag.js), so the SVG is the same byte for byte (infra/bundle.unit.test.ts);
 * anything else it is asked for is refused, not drawn differently.
 */
export const qrcodeSvgOnly = [
  `import QRCode from ${JSON.stringify(join(qrcodeRoot, "lib/core/qrcode.js"))};`,
  `import SvgTag from ${JSON.stringify(join(qrcodeRoot, "lib/renderer/svg-tag.js"))};`,
  `export const create = QRCode.create;`,
  `export function toString(text, opts, cb) {`,
  `  if (typeof opts === "function") { cb = opts; opts = {}; }`,
  `  opts = opts || {};`,
  `  const draw = (done) => {`,
  `    if (opts.type !== "svg") throw new Error("Only QR codes as SVG are in this bundle (infra/bundle.ts)");`,
  `    return SvgTag.render(QRCode.create(text, opts), opts, done);`,
  `  };`,
  `  if (typeof cb === "function") { try { draw(cb); } catch (e) { cb(e); } return; }`,
  `  return new Promise((resolve, reject) => { try { draw((e, svg) => (e ? reject(e) : resolve(svg))); } catch (e) { reject(e); } });`,
  `}`,
  `export default { create, toString };`,
].join("\n");

export const svgOnlyQrcode: Plugin = {
  name: "svg-only-qrcode",
  setup(build) {
    build.onResolve({ filter: /^qrcode$/ }, () => ({ path: "qrcode", namespace: "svg-only-qrcode" }));
    build.onLoad({ filter: /.*/, namespace: "svg-only-qrcode" }, () => ({ contents: qrcodeSvgOnly, loader: "js", resolveDir: qrcodeRoot }));
  },
};

/** The settings, for any entry (the bench's baseline too). */
export function bundleOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    // ESM builds of dependencies first: they tree-shake where CommonJS cannot.
    mainFields: ["module", "main"],
    // CommonJS dependencies that call require() inside an ESM bundle.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    external: runtimeProvided,
    plugins: [leanZod, svgOnlyQrcode],
    minify: true,
    // Licences stay in the .map's sources; the function's code is what is read at cold start.
    legalComments: "none",
    // A map beside the bundle, for reading a stack trace offline; not loaded by the function
    // (no --enable-source-maps: parsing a map of this size costs every cold start).
    sourcemap: "linked",
    sourcesContent: false,
    metafile: true,
    logLevel: "warning",
    absWorkingDir: repoRoot,
  };
}

/** Bundles one function into `outdir`; the metafile says what it holds. */
export async function bundle(name: FunctionName, outdir: string): Promise<Metafile> {
  const { build } = await import("esbuild");
  mkdirSync(outdir, { recursive: true });
  const result = await build(bundleOptions(join(repoRoot, functionEntries[name]), outdir));
  return result.metafile!;
}

/** Bytes of the bundle's code (index.mjs), without its map. */
export const bundleBytes = (outdir: string) => readFileSync(join(outdir, "index.mjs")).length;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [name, outdir] = process.argv.slice(2);
  if (!name || !(name in functionEntries) || !outdir) {
    console.error(`usage: tsx infra/bundle.ts <${Object.keys(functionEntries).join("|")}> <outdir>`);
    process.exit(2);
  }
  await bundle(name as FunctionName, outdir);
}
