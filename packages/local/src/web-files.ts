import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import type { Context, MiddlewareHandler } from "hono";
import { getMimeType } from "hono/utils/mime";
import { chooseEncoding, compress, type Encoding } from "./compression.ts";

/**
 * The built web app, served from memory, each file compressed once.
 *
 * Why in memory and not `.br`/`.gz` files beside the build: the build folder is vite's (and
 * WEB_DIST's, several builds side by side), emptied and rewritten by every build, and a copy
 * left next to a file that was since rebuilt would be served for it. Kept here, a copy is
 * checked against the file each time it is asked for (size and mtime): a rebuild while the
 * platform runs is picked up at its first request, as index.html always was. The whole app is
 * well under a megabyte, so three copies of it cost nothing.
 *
 * Why at start: brotli at its best (quality 11) takes a second or more for the biggest bundle,
 * which no request should wait for. gzip (fast at any level) is made when a file is first read;
 * the brotli copies are made after, one file at a time, off the event loop, while the platform
 * makes its table and seeds. A request before its file's brotli copy is ready gets the gzip one.
 *
 * Cache headers: the files under /assets/ have the hash of their content in their name, so a
 * browser may keep them a year and never ask again (`immutable`); a new build names new files.
 * Every other file keeps its name from build to build — index.html, the service worker
 * (/sw.js, /registerSW.js, vite-plugin-pwa's workbox-*.js), the web manifest, icons — and is
 * `no-cache`: the browser keeps it but asks each time, and an unchanged file costs a 304 (the
 * ETag). A service worker served stale would keep a phone on an old app.
 */
export interface WebFiles {
  /** serves the file the path names, if there is one; otherwise passes on */
  files: MiddlewareHandler;
  /** the web app's own routes: index.html (its router reads the path); 404 for a missing file */
  page: MiddlewareHandler;
  /** resolves once every file there was at start has its compressed copies (tests, bench) */
  compressed: Promise<void>;
  /** no more compressing in the background */
  stop(): void;
}

/** Bytes in a buffer of their own (what a Response body may be; a Buffer may share a pool). */
type Bytes = Uint8Array<ArrayBuffer>;

interface Prepared {
  size: number;
  mtimeMs: number;
  type: string;
  /** worth compressing: text of some kind */
  compressible: boolean;
  /** a strong ETag of the bytes as they are; a compressed copy's adds its encoding */
  tag: string;
  bytes: Bytes;
  copies: Partial<Record<Encoding, Bytes>>;
}

export const IMMUTABLE = "public, max-age=31536000, immutable";
const COMPRESSIBLE = /^(?:text\/|application\/(?:javascript|json|manifest\+json|xml|wasm)|image\/svg\+xml)/;
// A missing file by its kind of name gets a 404, not index.html: a service worker script or a
// manifest answered with a page would be taken for one. (The app's own paths have no such ending:
// a ticket's /me/tickets/s-cxcy-01.u0123456789ab ends in a user id.)
const FILE_NAME = /\.(?:js|mjs|css|map|json|webmanifest|html|txt|xml|png|jpe?g|gif|webp|avif|svg|ico|woff2?)$/i;

export function webFiles(root: string): WebFiles {
  const base = resolve(root);
  const known = new Map<string, Prepared>();
  const preparing = new Map<string, Promise<Prepared | undefined>>();
  let stopped = false;
  // The brotli copies, one at a time: the machine has other work (and other processes).
  let brotliQueue: Promise<unknown> = Promise.resolve();

  /** The file a URL path names, inside the build folder; undefined for anything else. */
  function fileOf(urlPath: string): string | undefined {
    let path: string;
    try {
      path = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    // No dot files or folders (nor `..`), no backslashes, no NUL: only what the build made.
    if (path.includes("\\") || path.includes("\0") || path.split("/").some((part) => part.startsWith("."))) return undefined;
    const file = resolve(base, `.${path === "/" ? "/index.html" : path}`);
    return file.startsWith(base + sep) ? file : undefined;
  }

  async function prepared(file: string): Promise<Prepared | undefined> {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      // Gone with a rebuild (an old hashed asset): its copies go too.
      known.delete(file);
      return undefined;
    }
    const hit = known.get(file);
    if (hit && hit.size === info.size && hit.mtimeMs === info.mtimeMs) return hit;
    // Two requests for a file not yet read share one read.
    const key = `${file}\0${info.size}\0${info.mtimeMs}`;
    let pending = preparing.get(key);
    if (!pending) {
      pending = prepare(file, info.size, info.mtimeMs).finally(() => preparing.delete(key));
      preparing.set(key, pending);
    }
    return pending;
  }

  async function prepare(file: string, size: number, mtimeMs: number): Promise<Prepared | undefined> {
    const bytes = await readFile(file).catch(() => undefined);
    if (!bytes) return undefined;
    const type = getMimeType(file) ?? "application/octet-stream";
    const entry: Prepared = {
      size,
      mtimeMs,
      type,
      compressible: COMPRESSIBLE.test(type),
      tag: createHash("sha256").update(bytes).digest("base64url").slice(0, 27),
      bytes: new Uint8Array(bytes),
      copies: {},
    };
    if (entry.compressible) {
      await keepIfSmaller(entry, "gzip");
      brotliQueue = brotliQueue.then(() => (stopped ? undefined : keepIfSmaller(entry, "br"))).catch(() => {});
    }
    known.set(file, entry);
    return entry;
  }

  async function keepIfSmaller(entry: Prepared, encoding: Encoding): Promise<void> {
    const packed = await compress(entry.bytes, encoding, "once");
    if (packed.byteLength < entry.bytes.byteLength) entry.copies[encoding] = new Uint8Array(packed);
  }

  async function answer(c: Context, entry: Prepared, urlPath: string): Promise<Response> {
    const available = (Object.keys(entry.copies) as Encoding[]).filter((e) => entry.copies[e]);
    const encoding = chooseEncoding(c.req.header("accept-encoding"), available);
    const tag = `"${entry.tag}${encoding ? `.${encoding === "br" ? "br" : "gz"}` : ""}"`;
    const headers: Record<string, string> = {
      "content-type": entry.type,
      etag: tag,
      "cache-control": urlPath.startsWith("/assets/") ? IMMUTABLE : "no-cache",
    };
    // A text file's bytes depend on what she accepts: a cache must keep the copies apart.
    if (entry.compressible) headers.vary = "Accept-Encoding";
    // Unchanged: the validators and cache headers again, nothing that describes a body.
    if (noneMatch(c.req.header("if-none-match"), tag)) {
      const { "content-type": _type, ...unchanged } = headers;
      return c.body(null, 304, unchanged);
    }
    if (encoding) headers["content-encoding"] = encoding;
    const body = encoding ? entry.copies[encoding]! : entry.bytes;
    headers["content-length"] = String(body.byteLength);
    return c.body(body, 200, headers);
  }

  const files: MiddlewareHandler = async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    const file = fileOf(c.req.path);
    const entry = file && (await prepared(file));
    if (!entry) return next();
    return answer(c, entry, c.req.path);
  };

  const page: MiddlewareHandler = async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    if (c.req.path.startsWith("/assets/") || FILE_NAME.test(c.req.path)) return c.text("Not found", 404);
    const entry = await prepared(join(base, "index.html"));
    if (!entry) return next();
    return answer(c, entry, "/index.html");
  };

  async function everyFile(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const found = await Promise.all(
      entries
        .filter((e) => !e.name.startsWith("."))
        .map((e) => (e.isDirectory() ? everyFile(join(dir, e.name)) : Promise.resolve(e.isFile() ? [join(dir, e.name)] : []))),
    );
    return found.flat();
  }

  const compressed = (async () => {
    for (const file of await everyFile(base)) {
      if (stopped) return;
      await prepared(file);
    }
    await brotliQueue;
  })().catch(() => {});

  return {
    files,
    page,
    compressed,
    stop() {
      stopped = true;
    },
  };
}

/** If-None-Match compares weakly (RFC 9110 13.1.2); `*` matches any file that exists. */
function noneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === tag);
}
