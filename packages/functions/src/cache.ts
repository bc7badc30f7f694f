import { createHash } from "node:crypto";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env.ts";

export interface SharedPolicy {
  /** how long her browser may use its copy without asking (0: it asks each time, with the ETag) */
  browserSeconds: number;
  /** how long a shared cache (CloudFront) may keep it */
  edgeSeconds: number;
}

/**
 * A public read, the same for everyone: a shared cache (CloudFront in the cloud, whose /api
 * cache policy only follows what the API says: infra/cloud-settings.ts apiCache) may keep a
 * successful answer `edgeSeconds`, her browser `browserSeconds`. Each answer carries a strong
 * ETag of its bytes: a browser asking again with `If-None-Match` gets a 304 without the body when
 * nothing changed (the same cache headers, so the copy it keeps is good for as long again).
 * An error keeps the app's default (`no-store`), so a campaign published a moment later is not
 * hidden behind a cached 404. The CSRF cookie every response sets stays out of it, or a cache
 * would hand one token to all.
 */
export const sharedFor = (policy: SharedPolicy) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    const tag = etagOf(new Uint8Array(await c.res.clone().arrayBuffer()));
    if (matches(c.req.header("if-none-match"), tag)) {
      // Hono carries the 200's headers over to the new answer; what describes a body goes.
      c.res = new Response(null, { status: 304 });
      for (const name of ["content-type", "content-length", "content-encoding"]) c.res.headers.delete(name);
    }
    c.res.headers.set("cache-control", `public, max-age=${policy.browserSeconds}, s-maxage=${policy.edgeSeconds}`);
    c.res.headers.set("etag", tag);
    c.res.headers.delete("set-cookie");
  });

/** Strong: the same bytes, the same tag, in every process (a hash, not a version or a time). */
function etagOf(body: Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

/**
 * If-None-Match compares weakly (RFC 9110 13.1.2): `W/"x"` matches `"x"`. That is what a server
 * that compresses the answer sends (hono/compress and nginx make the tag weak when they gzip), so
 * her browser's copy still validates.
 */
function matches(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === tag);
}
