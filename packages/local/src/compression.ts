import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { MiddlewareHandler } from "hono";

export type Encoding = "br" | "gzip";

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Compresses on libuv's threads (node:zlib's callbacks), never on the event loop. Brotli because
 * it is what phones ask for first and it is ~20% smaller than gzip on our scripts; Node 20's
 * CompressionStream has no brotli, so zlib it is for both.
 */
export function compress(bytes: Uint8Array, encoding: Encoding, effort: "once" | "per-request"): Promise<Buffer> {
  if (encoding === "gzip") return gzipAsync(bytes, { level: effort === "once" ? 9 : 6 });
  return brotliAsync(bytes, {
    params: {
      // 11 (the most) for a file compressed once and sent many times; 4 for an answer made now.
      [constants.BROTLI_PARAM_QUALITY]: effort === "once" ? 11 : 4,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
    },
  });
}

/**
 * The encoding to send from those we have, by her Accept-Encoding: the highest q she gives,
 * brotli before gzip when she rates them the same (every browser sends them unrated). `*` rates
 * what she does not name; q=0 refuses. Undefined: the bytes as they are.
 */
export function chooseEncoding(header: string | undefined, available: readonly Encoding[]): Encoding | undefined {
  if (!header) return undefined;
  const rated = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const value = q === undefined ? 1 : Number(q);
    rated.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  let best: { encoding: Encoding; q: number } | undefined;
  for (const encoding of (["br", "gzip"] as const).filter((e) => available.includes(e))) {
    const q = rated.get(encoding) ?? rated.get("*") ?? 0;
    if (q > 0 && (!best || q > best.q)) best = { encoding, q };
  }
  return best?.encoding;
}

/** Adds Accept-Encoding to a response's Vary, once. */
export function varyOnEncoding(headers: Headers): void {
  const vary = headers.get("vary");
  if (!vary) headers.set("vary", "Accept-Encoding");
  else if (vary !== "*" && !/(^|,)\s*accept-encoding\s*(,|$)/i.test(vary)) headers.set("vary", `${vary}, Accept-Encoding`);
}

/** Below this an answer fits in a packet or two anyway, and compressing it costs more than it saves. */
export const API_COMPRESS_MIN_BYTES = 1024;
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(;|$)/i;

/**
 * The API's JSON answers, compressed when larger than ~1 KB (a campaign with its sessions, a list
 * of registrations): brotli or gzip as her browser prefers. A strong ETag becomes weak, as
 * hono/compress and nginx do: the compressed bytes are not the ones it was computed over, and the
 * API's If-None-Match compares weakly, so a 304 still comes back for an unchanged answer.
 * In the cloud CloudFront compresses at the edge; this is the local stage's stand-in.
 */
export const compressJson: MiddlewareHandler = async (c, next) => {
  await next();
  const res = c.res;
  if (!res.body || res.status === 204 || res.status === 206 || res.status === 304 || c.req.method === "HEAD") return;
  if (res.headers.has("content-encoding") || !JSON_TYPE.test(res.headers.get("content-type") ?? "")) return;
  if (/(^|,)\s*no-transform\s*(,|$)/i.test(res.headers.get("cache-control") ?? "")) return;
  const bytes = new Uint8Array(await res.clone().arrayBuffer());
  if (bytes.byteLength < API_COMPRESS_MIN_BYTES) return;
  varyOnEncoding(res.headers);
  const encoding = chooseEncoding(c.req.header("accept-encoding"), ["br", "gzip"]);
  if (!encoding) return;
  const packed = await compress(bytes, encoding, "per-request");
  // Hono carries the old answer's headers (its cookies too) over to the new one, all but its type.
  c.res = new Response(new Uint8Array(packed), { status: res.status, headers: { "content-type": res.headers.get("content-type")! } });
  c.res.headers.set("content-encoding", encoding);
  c.res.headers.set("content-length", String(packed.byteLength));
  const etag = c.res.headers.get("etag");
  if (etag && !etag.startsWith("W/")) c.res.headers.set("etag", `W/${etag}`);
};
