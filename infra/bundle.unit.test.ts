import { describe, it, expect, afterAll, beforeAll } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Metafile } from "esbuild";
import * as zm from "zod/mini";
import QRCode from "qrcode";
import { bundle, bundleOptions, chineseOnlyMessages, coldStart, jsonSchemaUser, leanZod, repoRoot, s3Sdk, zodLeftOut } from "./bundle.ts";
import { documentedSchema } from "../packages/functions/src/openapi-document.ts";
import { errorMessages, fieldMessages, noticeMessages } from "../packages/core/src/messages/index.ts";
import { pngBytes } from "../packages/core/test/images.ts";

/**
 * What infra/bundle.ts leaves out of the functions' bundles must be what no function uses,
 * and what stays must behave as the source does.
 */

const out = mkdtempSync(join(tmpdir(), "jinguo-bundle-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every .ts file of the code that is bundled into functions (core and functions). */
function bundledSources(): { file: string; text: string }[] {
  const files: { file: string; text: string }[] = [];
  for (const dir of ["packages/core/src", "packages/functions/src"]) {
    for (const file of readdirSync(join(repoRoot, dir), { recursive: true, encoding: "utf8" })) {
      if (file.endsWith(".ts")) files.push({ file: `${dir}/${file}`, text: readFileSync(join(repoRoot, dir, file), "utf8") });
    }
  }
  return files;
}

// A probe through the same settings: zod's schemas, its JSON Schema, and the ticket's QR code.
const PROBE = `
import * as z from "zod/mini";
import QRCode from "qrcode";
const schema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(5)),
  age: z.number().check(z.int(), z.gte(18)),
  kind: z.enum(["event", "contest"]),
  when: z.iso.datetime(),
  phone: z.string().check(z.regex(/^1\\d{10}$/)),
  tags: z.optional(z.array(z.string()).check(z.maxLength(2))),
});
export const parse = (v) => schema.safeParse(v);
import { documentedSchema } from ${JSON.stringify(join(repoRoot, "packages/functions/src/openapi-document.ts"))};
export const jsonSchema = () => documentedSchema(schema, {}, "probe");
export const askedElsewhere = () => z.toJSONSchema(schema, { io: "input" });
export const qr = (text) => QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
export const png = (text) => QRCode.toString(text, { type: "png" });
`;
async function probe(plugins: boolean): Promise<{ module: Record<string, any>; metafile: Metafile }> {
  const dir = mkdtempSync(join(out, plugins ? "lean-" : "plain-"));
  const options = bundleOptions("unused", dir);
  const { entryPoints: _entry, ...rest } = options;
  const result = await build({
    ...rest,
    ...(plugins ? {} : { plugins: [] }),
    stdin: { contents: PROBE, resolveDir: repoRoot, sourcefile: "probe.ts", loader: "ts" },
    outdir: dir,
  });
  const file = readdirSync(dir).find((f) => f.endsWith(".mjs"))!;
  return { module: await import(pathToFileURL(join(dir, file)).href), metafile: result.metafile! };
}
const lean = probe(true);

const samples: unknown[] = [
  { name: "王秀兰", age: 30, kind: "event", when: "2026-12-01T02:00:00Z", phone: "13912345678" },
  { name: "", age: 17.5, kind: "lecture", when: "yesterday", phone: "12345", tags: ["a", "b", "c"] },
  { name: 3, age: "30" },
  null,
  "x",
];
const sourceSchema = zm.object({
  name: zm.string().check(zm.minLength(1), zm.maxLength(5)),
  age: zm.number().check(zm.int(), zm.gte(18)),
  kind: zm.enum(["event", "contest"]),
  when: zm.iso.datetime(),
  phone: zm.string().check(zm.regex(/^1\d{10}$/)),
  tags: zm.optional(zm.array(zm.string()).check(zm.maxLength(2))),
});

describe("the functions' bundle", () => {
  it("no bundled source uses a part of zod that is left out", () => {
    const found = bundledSources().flatMap(({ file, text }) =>
      Object.entries(zodLeftOut)
        .filter(([, { uses }]) => uses.test(text))
        .map(([part]) => `${file} uses ${part}`),
    );
    expect(found).toEqual([]);
  });

  it("no bundled source uses zod's classic API (its methods sit on prototypes and carry ~90 KB more: zod/mini)", () => {
    const found = bundledSources()
      .filter(({ text }) => /from "zod(\/v4)?(\/classic)?"/.test(text))
      .map(({ file }) => file);
    expect(found).toEqual([]);
  });

  it("the only QR codes drawn are SVG, through QRCode.toString", () => {
    const uses = bundledSources().flatMap(({ file, text }) => [...text.matchAll(/QRCode\.(\w+)\(([^;]*)/g)].map((m) => ({ file, call: m[1], args: m[2] })));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) {
      expect(u.call, u.file).toBe("toString");
      expect(u.args, u.file).toMatch(/type: "svg"/);
    }
  });

  it("validates as the source does: the same successes, issues and messages", async () => {
    const { module } = await lean;
    for (const v of samples) expect(module.parse(v), JSON.stringify(v)).toEqual(sourceSchema.safeParse(v));
    // zod/mini loads no locale: its own words are the generic ones (ours come from core/messages).
    expect(module.parse({}).error.issues[0].message).toMatch(/^Invalid input/);
  });

  it("makes the same JSON Schema for the OpenAPI document, and says so to anything else that asks", async () => {
    const { module } = await lean;
    expect(module.jsonSchema()).toEqual(documentedSchema(sourceSchema, {}, "probe"));
    expect(() => module.askedElsewhere()).toThrow(/OpenAPI document only/);
  });

  it("only the OpenAPI document turns schemas into JSON Schema (the rest of the bundle has a stand-in)", () => {
    const users = bundledSources()
      .filter(({ text }) => /\btoJSONSchema\b|JSONSchemaGenerator/.test(text))
      .map(({ file }) => file);
    expect(users.filter((f) => !jsonSchemaUser.test(f))).toEqual([]);
    expect(users.length).toBe(1);
  });

  it("draws the ticket's QR code byte for byte as qrcode does, and refuses other kinds", async () => {
    const { module } = await lean;
    for (const text of ["https://jinguo.example.cn/organiser/checkin?code=ABCD2345", "x"]) {
      expect(await module.qr(text)).toBe(await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 }));
    }
    await expect(module.png("x")).rejects.toThrow(/SVG/);
  });

  it("holds no locale but English, no second pngjs, no zod compiler or JSON-Schema importer", async () => {
    const inputs = Object.keys((await lean).metafile.inputs);
    expect(inputs.filter((i) => /zod\/v4\/locales\/(?!en\.js)/.test(i))).toEqual([]);
    expect(inputs.filter((i) => /pngjs|qrcode\/lib\/renderer\/(png|utf8|terminal|canvas)/.test(i))).toEqual([]);
    expect(inputs.filter((i) => /zod\/v4\/(core\/compile|classic\/from-json-schema)\.js$/.test(i))).toEqual([]);
  });

  it("negative control: without the plugins the same probe holds every locale and the PNG renderer", { timeout: 30_000 }, async () => {
    const inputs = Object.keys((await probe(false)).metafile.inputs);
    expect(inputs.filter((i) => /zod\/v4\/locales\//.test(i)).length).toBeGreaterThan(10);
    expect(inputs.some((i) => /pngjs/.test(i))).toBe(true);
    expect(leanZod.name).toBe("lean-zod");
  });
});

/** The input files (source paths) of the given outputs. */
const inputsOf = (metafile: Metafile, outputs: Iterable<string>) => [...outputs].flatMap((o) => Object.keys(metafile.outputs[o]!.inputs));

// What only a few requests use, each to wait for its first use (by its source's path).
const lazyParts: Record<string, RegExp> = {
  "image codecs": /node_modules\/(jpeg-js|pngjs)\/|core\/src\/uploads\/image\.ts$/,
  "S3 SDK": /node_modules\/@aws-sdk\/(client-s3|s3-request-presigner)\//,
  "OpenAPI document and docs page": /functions\/src\/(openapi-document|routes\/docs-page)\.ts$/,
  "QR codes": /node_modules\/qrcode\//,
  // Each group of routes with its first request (functions/src/routes/groups.ts), and what only routes use:
  "route groups": /functions\/src\/routes\/(?!groups\.ts|manifest\.ts)[\w-]+\.ts$/,
  zod: /node_modules\/zod\//,
  "form schemas": /core\/src\/forms\/(model|validate|text)\.ts$/,
  "Tencent SMS sender": /core\/src\/sms\/tencent\.ts$/,
  "S3 upload store": /functions\/src\/s3-uploads\.ts$/,
};

describe("the API's bundle: what a cold start loads", () => {
  const dir = mkdtempSync(join(out, "api-"));
  let api: Promise<Metafile>;
  // Built after the probes above are done with: both at once on a busy machine time them out.
  beforeAll(() => {
    api = bundle("api", dir);
    return api.then(() => undefined);
  }, 120_000);

  it("is the entry and its static imports; the image codecs, S3 SDK, OpenAPI document and QR codes are not among them but are in the bundle", async () => {
    const metafile = await api;
    const parts = coldStart(metafile);
    expect(parts.entry).toMatch(/index\.mjs$/);
    const atStart = inputsOf(metafile, parts.coldStart.keys());
    const later = inputsOf(metafile, parts.lazy.keys());
    expect(atStart.some((i) => /packages\/functions\/src\/lambda\.ts$/.test(i))).toBe(true);
    for (const [part, re] of Object.entries(lazyParts)) {
      expect(atStart.filter((i) => re.test(i)), part).toEqual([]);
      expect(later.some((i) => re.test(i)), part).toBe(true);
    }
  });

  it("the S3 SDK is a bundle apart, found by its bare name from the entry and from a chunk", { timeout: 30_000 }, async () => {
    await api;
    const found = async (from: string) => {
      const probe = join(dir, from, `probe-${Math.random().toString(36).slice(2)}.mjs`);
      writeFileSync(probe, `export const sdk = await import(${JSON.stringify(s3Sdk.specifier)});`);
      return Object.keys((await import(pathToFileURL(probe).href)).sdk).sort();
    };
    const names = ["DeleteObjectCommand", "GetObjectCommand", "PutObjectCommand", "S3Client", "getSignedUrl"];
    expect(await found(".")).toEqual(names);
    expect(await found("chunks")).toEqual(names);
    // The function's own files name it only as that external import.
    const own = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".mjs") && !f.startsWith("node_modules") && !f.includes("probe-"));
    const texts = own.map((f) => readFileSync(join(dir, f), "utf8"));
    expect(texts.filter((t) => t.includes(`import("${s3Sdk.specifier}")`))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("com.amazonaws.s3#")).length).toBe(0);
  });

  it("holds the server's messages in Chinese only, each as the source says it", async () => {
    await api;
    const code = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".mjs") && !f.startsWith("node_modules"))
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .join("\n");
    const tables = { ...errorMessages, ...fieldMessages, ...noticeMessages };
    const english = Object.values(tables).filter((e) => !code.includes(JSON.stringify(e.en).slice(1, -1)));
    expect(english.length).toBe(Object.keys(tables).length);
    // Each entry's Chinese is there as written (JSON-escaped like the plugin writes it).
    expect(Object.entries(tables).filter(([, e]) => !code.includes(JSON.stringify(e["zh-CN"]).slice(1, -1))).map(([k]) => k)).toEqual([]);
  });

  it("control: without the plugin the same table keeps its English", { timeout: 30_000 }, async () => {
    const probeDir = mkdtempSync(join(out, "messages-"));
    const { entryPoints: _entry, plugins, ...options } = bundleOptions("unused", probeDir);
    const source = JSON.stringify(join(repoRoot, "packages/core/src/messages/errors.ts"));
    const built = async (withPlugin: boolean) => {
      const result = await build({
        ...options,
        outdir: mkdtempSync(join(probeDir, withPlugin ? "with-" : "without-")),
        plugins: (plugins ?? []).filter((p) => withPlugin || p !== chineseOnlyMessages),
        stdin: { contents: `export { errorMessages } from ${source};`, resolveDir: repoRoot, sourcefile: "probe.ts", loader: "ts" },
      });
      const file = Object.keys(result.metafile!.outputs).find((f) => f.endsWith("stdin.mjs"))!;
      return (await import(pathToFileURL(join(repoRoot, file)).href)).errorMessages as Record<string, Record<string, string>>;
    };
    const [lean, whole] = [await built(true), await built(false)];
    expect(lean.NOT_FOUND).toEqual({ "zh-CN": errorMessages.NOT_FOUND["zh-CN"] });
    expect(whole.NOT_FOUND).toEqual(errorMessages.NOT_FOUND);
  });

  it("a lazy chunk works inside the bundle: the image codecs (CommonJS pngjs) decode and re-encode", { timeout: 30_000 }, async () => {
    const probeDir = mkdtempSync(join(out, "lazy-"));
    const { entryPoints: _entry, ...options } = bundleOptions("unused", probeDir);
    const image = JSON.stringify(join(repoRoot, "packages/core/src/uploads/image.ts"));
    const result = await build({
      ...options,
      stdin: { contents: `export const accept = async (b) => (await import(${image})).acceptImage(b);`, resolveDir: repoRoot, sourcefile: "probe.ts", loader: "ts" },
    });
    const parts = coldStart(result.metafile!);
    expect(inputsOf(result.metafile!, parts.coldStart.keys()).filter((i) => lazyParts["image codecs"]!.test(i))).toEqual([]);
    const { accept } = await import(pathToFileURL(join(probeDir, "stdin.mjs")).href);
    const kept = await accept(pngBytes(40, 30));
    expect({ type: kept.contentType, width: kept.width, height: kept.height }).toEqual({ type: "image/jpeg", width: 40, height: 30 });
  });

  it("negative control: imported statically, the codecs are on the cold-start path and coldStart() says so", { timeout: 30_000 }, async () => {
    const probeDir = mkdtempSync(join(out, "static-"));
    const { entryPoints: _entry, ...options } = bundleOptions("unused", probeDir);
    const image = JSON.stringify(join(repoRoot, "packages/core/src/uploads/image.ts"));
    const result = await build({
      ...options,
      stdin: { contents: `import { acceptImage } from ${image}; export const accept = acceptImage;`, resolveDir: repoRoot, sourcefile: "probe.ts", loader: "ts" },
    });
    const parts = coldStart(result.metafile!);
    expect(inputsOf(result.metafile!, parts.coldStart.keys()).some((i) => lazyParts["image codecs"]!.test(i))).toBe(true);
  });
});
