/**
 * The one way a function is bundled, for every path that ships or measures one: the CDK
 * stack (infra/cdk/stack.ts, local bundling), the SST app (infra/api.ts, a pre-built bundle)
 * and the Lambda fitness bench (packages/local/bench/lambda-fitness.ts, which builds its
 * hello-world baseline with these very settings).
 *
 *   tsx infra/bundle.ts <api|outbox|reminders> <outdir>   → <outdir>/index.mjs, <outdir>/chunks/*.mjs (+ maps)
 *
 * Split (ESM code splitting): `index.mjs` and the chunks it imports statically are what a cold
 * start loads; what the code imports with `import()` (the image codecs, the S3 client, the
 * OpenAPI document, the SDK's credential providers other than the environment's…) are chunks
 * of their own, read on first use. `coldStart()` below says which files are which.
 *
 * Plain esbuild, no Docker. Node only (no SST globals, no CDK). Synchronous callers (CDK, SST)
 * run it as a child process: infra/prebuilt.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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
 * Nothing is left to the Lambda runtime's copy of the AWS SDK: every client is bundled, so a
 * function runs the versions the tests ran (the runtime's lag behind ours and change under
 * us). The DynamoDB client, used by every request, is on its path (and its signer and
 * credentials read the secrets: functions/src/secrets.ts); the S3 client and presigner, used by
 * images only, are a bundle apart (`s3Sdk`).
 */
export const runtimeProvided: string[] = [];

/**
 * The S3 SDK (packages/functions/src/s3-sdk.ts), loaded with `import()` on an image's first
 * upload or read, bundled on its own into `<outdir>/node_modules/@jinguo/s3-sdk/`, where Node
 * finds the bare specifier from any file of the bundle. Not a chunk of the function's build:
 * esbuild places a module by which entries reach it, not by which of its exports each uses, so
 * shared SDK modules would carry S3's XML protocol, checksums and waiters onto the cold-start
 * path (~20 KB). Apart, it has its own copy of the SDK core: more bytes in all, none at start.
 */
export const s3Sdk = { source: "packages/functions/src/s3-sdk.ts", specifier: "@jinguo/s3-sdk" } as const;

export const s3SdkApart: Plugin = {
  name: "s3-sdk-apart",
  setup(build) {
    build.onResolve({ filter: /(^|\/)s3-sdk\.ts$/ }, (args) =>
      args.kind !== "entry-point" && resolve(args.resolveDir, args.path) === join(repoRoot, s3Sdk.source)
        ? { path: s3Sdk.specifier, external: true }
        : undefined,
    );
  },
};

const zodRoot = dirname(createRequire(import.meta.url).resolve("zod/package.json"));

/**
 * zod's parts the code never uses, left out of the bundle. The code uses zod/mini (its classic
 * API puts every method on prototypes: nothing of it tree-shakes), whose namespace still
 * re-exports every locale's error messages (z.locales: ~260 KB minified), the JSON-Schema
 * importer and the opt-in compiler (z.compile), which esbuild keeps once anything reaches them.
 * English stays for whoever asks; mini registers no locale, and our own error messages come
 * from core/messages, not from zod.
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

/**
 * zod's JSON Schema code (~21 KB) with the contract only. zod's barrels (v4/core/index.js,
 * v4/mini/external.js) re-export it, so every `zod/mini` import reaches it, and esbuild places a
 * module by which entries reach it, not by which use it: the one user, the OpenAPI document
 * (functions/src/openapi-document.ts, loaded on first use), would put it in the chunk every route
 * group loads. Here the barrels get a stand-in, and that one importer of `zod/mini` gets mini
 * plus the real `toJSONSchema`. infra/bundle.unit.test.ts checks that no other source uses it and
 * that the bundle's document is the source's; anything else that asked would be told, not
 * given a different schema.
 */
export const jsonSchemaUser = /packages\/functions\/src\/openapi-document\.ts$/;
const jsonSchemaFiles = /\/(to-json-schema|json-schema-processors|json-schema-generator|json-schema)\.js$/;
const zodBarrels = ["v4/core/index.js", "v4/mini/external.js"].map((f) => join(zodRoot, f));
const onlyInTheContract = "zod's JSON Schema is in this bundle for the OpenAPI document only (infra/bundle.ts)";

export const jsonSchemaWithTheContract: Plugin = {
  name: "json-schema-with-the-contract",
  setup(build) {
    build.onResolve({ filter: /^zod\/mini$/ }, (args) => (jsonSchemaUser.test(args.importer) ? { path: "zod/mini", namespace: "zod-mini-with-json-schema" } : undefined));
    build.onLoad({ filter: /.*/, namespace: "zod-mini-with-json-schema" }, () => ({
      contents: [
        `export * from ${JSON.stringify(join(zodRoot, "v4/mini/external.js"))};`,
        `export { toJSONSchema } from ${JSON.stringify(join(zodRoot, "v4/core/json-schema-processors.js"))};`,
      ].join("\n"),
      loader: "js",
      resolveDir: zodRoot,
    }));
    build.onResolve({ filter: jsonSchemaFiles }, (args) =>
      zodBarrels.includes(args.importer) ? { path: args.path, namespace: "zod-json-schema-elsewhere" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-json-schema-elsewhere" }, (args) => ({
      contents: args.path.endsWith("json-schema-processors.js")
        ? `export function toJSONSchema() { throw new Error(${JSON.stringify(onlyInTheContract)}); }`
        : args.path.endsWith("json-schema-generator.js")
          ? `export class JSONSchemaGenerator { constructor() { throw new Error(${JSON.stringify(onlyInTheContract)}); } }`
          : "export {};",
      loader: "js",
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

/**
 * The server's messages in Chinese only. The API and the texts it sends speak Chinese (API.md:
 * `message` in Chinese; core/outbox's notices): `t` is only ever asked for zh-CN, and the
 * English half of the table is the web app's, which gets it from its own build. So the
 * function's copy of core/messages' errors and notices is the same table with each entry's
 * zh-CN alone (~4 KB less on every cold start). Made from the modules themselves, not by
 * editing their text: infra/bundle.unit.test.ts checks that the bundle answers each code as
 * the source does.
 */
export const serverMessageFiles = /packages\/core\/src\/messages\/(errors|notices)\.ts$/;

export const chineseOnlyMessages: Plugin = {
  name: "chinese-only-messages",
  setup(build) {
    build.onLoad({ filter: serverMessageFiles }, async (args) => {
      const table = (await import(pathToFileURL(args.path).href)) as Record<string, Record<string, { "zh-CN": string }>>;
      const contents = Object.entries(table)
        .map(([name, entries]) => {
          const chinese = Object.fromEntries(Object.entries(entries).map(([key, entry]) => [key, { "zh-CN": entry["zh-CN"] }]));
          return `export const ${name} = ${JSON.stringify(chinese)};`;
        })
        .join("\n");
      return { contents, loader: "js" };
    });
  },
};

/** The settings, for any entry (the bench's baseline too). */
export function bundleOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    // What `import()` loads becomes its own chunk, read on first use, not at cold start.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    platform: "node",
    target: "node22",
    format: "esm",
    // ESM builds of dependencies first: they tree-shake where CommonJS cannot.
    mainFields: ["module", "main"],
    // CommonJS dependencies that call require() inside an ESM bundle.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    external: runtimeProvided,
    plugins: [leanZod, jsonSchemaWithTheContract, svgOnlyQrcode, s3SdkApart, chineseOnlyMessages],
    minify: true,
    // Chinese text as UTF-8 (3 bytes a character) rather than \uXXXX escapes (6): the message
    // table is most of the app's own bytes. Node reads modules as UTF-8.
    charset: "utf8",
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

/** Bundles one function into `outdir` (with the S3 SDK beside it when it uses it); the metafile says what it holds. */
export async function bundle(name: FunctionName, outdir: string): Promise<Metafile> {
  const { build } = await import("esbuild");
  // Chunk names carry hashes: a rebuild into the same folder must not leave old ones beside.
  for (const old of ["chunks", "node_modules"]) rmSync(join(outdir, old), { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const { metafile } = await build(bundleOptions(join(repoRoot, functionEntries[name]), outdir));
  const usesS3 = Object.values(metafile!.outputs).some((o) => o.imports.some((i) => i.external && i.path === s3Sdk.specifier));
  if (!usesS3) return metafile!;
  const dir = join(outdir, "node_modules", ...s3Sdk.specifier.split("/"));
  const apart = await build(bundleOptions(join(repoRoot, s3Sdk.source), dir));
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: s3Sdk.specifier, private: true, type: "module", exports: "./index.mjs" })}\n`);
  return { inputs: { ...metafile!.inputs, ...apart.metafile!.inputs }, outputs: { ...metafile!.outputs, ...apart.metafile!.outputs } };
}

/** The bundle's code files, in bytes, split into what a cold start loads and what waits for first use. */
export interface BundleParts {
  /** the entry (`index.mjs`, or `stdin.mjs` for a bundle built from a string) */
  entry: string;
  /** the entry and every chunk it imports statically, transitively: read before the handler runs */
  coldStart: Map<string, number>;
  /** chunks reached only through `import()` */
  lazy: Map<string, number>;
}

/** What a cold start loads, from the metafile: the entry and its static imports (maps excluded). */
export function coldStart(metafile: Metafile): BundleParts {
  const outputs = metafile.outputs;
  const code = Object.keys(outputs).filter((k) => !k.endsWith(".map"));
  // The function's own entry: the S3 SDK's (node_modules/…/index.mjs) is deeper.
  const entry = code.filter((k) => /(^|\/)(index|stdin)\.mjs$/.test(k)).sort((a, b) => a.length - b.length)[0];
  if (!entry) throw new Error(`no entry among ${code.join(", ")}`);
  const loaded = new Map<string, number>();
  const walk = (k: string) => {
    if (loaded.has(k) || !outputs[k]) return;
    loaded.set(k, outputs[k]!.bytes);
    for (const i of outputs[k]!.imports) if (i.kind === "import-statement" && !i.external) walk(i.path);
  };
  walk(entry);
  const lazy = new Map(code.filter((k) => !loaded.has(k)).map((k) => [k, outputs[k]!.bytes] as const));
  return { entry, coldStart: loaded, lazy };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [name, outdir] = process.argv.slice(2);
  if (!name || !(name in functionEntries) || !outdir) {
    console.error(`usage: tsx infra/bundle.ts <${Object.keys(functionEntries).join("|")}> <outdir>`);
    process.exit(2);
  }
  await bundle(name as FunctionName, outdir);
}
