import { createMiddleware } from "hono/factory";
import { getCookie, setCookie } from "hono/cookie";
import { bodyLimit } from "hono/body-limit";
import { matchedRoutes } from "hono/route";
import type { Context } from "hono";
import { randomBytes } from "node:crypto";
import type { AppEnv } from "../env.ts";
import { problem } from "../errors.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
export const CSRF_COOKIE = "csrf";
export const JSON_BODY_LIMIT = 64 * 1024;

export const isLocalhost = (host: string | undefined) => !!host && /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);

/**
 * CSRF: a state-changing request must come from our own origin (its `Origin` is the origin it
 * was sent to), or echo the `csrf` cookie in `x-csrf-token`. A cross-site form post — even a
 * `text/plain` one, which skips CORS preflight — carries a foreign Origin and no token.
 */
export const csrf = createMiddleware<AppEnv>(async (c, next) => {
  let token = getCookie(c, CSRF_COOKIE);
  if (!token) {
    token = randomBytes(18).toString("base64url");
    // Readable by our script (it echoes it); SameSite keeps other sites from sending it.
    setCookie(c, CSRF_COOKIE, token, { path: "/", sameSite: "Lax", secure: !isLocalhost(c.req.header("host")) });
  }
  if (SAFE.has(c.req.method)) return next();
  const origin = c.req.header("origin");
  const header = c.req.header("x-csrf-token");
  const cookie = getCookie(c, CSRF_COOKIE);
  // Behind CloudFront the Host is the API gateway's, so the public site's origin counts too.
  const ours = [requestOrigin(c.req.url, c.req.header("host"), c.req.header("x-forwarded-proto")), c.var.deps.publicUrl];
  const sameOrigin = origin !== undefined && ours.includes(origin);
  const echoed = !!cookie && !!header && header === cookie;
  if (!sameOrigin && !echoed) return problem(c, "CSRF");
  return next();
});

/** The origin a request was sent to: scheme (as the proxy saw it) + the Host it came in on. */
export function requestOrigin(url: string, host: string | undefined, forwardedProto: string | undefined): string {
  const u = new URL(url);
  const proto = forwardedProto?.split(",")[0]?.trim() || u.protocol.replace(":", "");
  return `${proto}://${host ?? u.host}`;
}

/** JSON routes take only `application/json` bodies (415 otherwise), of a sane size (413). */
export const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE.has(c.req.method) || c.req.method === "DELETE") return next();
  if (takesMultipart(c)) return next(); // its own guard, `multipartBody`, decides
  const hasBody = c.req.raw.body !== null && c.req.header("content-length") !== "0";
  if (hasBody && mediaType(c) !== "application/json") return problem(c, "UNSUPPORTED_MEDIA_TYPE");
  return next();
});

const jsonLimit = bodyLimit({ maxSize: JSON_BODY_LIMIT, onError: (c) => problem(c, "PAYLOAD_TOO_LARGE") });
export const jsonBodyLimit = createMiddleware<AppEnv>(async (c, next) => (takesMultipart(c) ? next() : jsonLimit(c, next)));

const mediaType = (c: Context) => (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

// The middleware made by `multipartBody`: a route whose chain holds one takes multipart, not JSON.
const multipartGuards = new WeakSet<Function>();
// A sub-app with its own onError wraps its handlers (as openapi.ts's targetOf walks).
const unwrap = (h: Function): Function => ((h as any).__COMPOSED_HANDLER ? unwrap((h as any).__COMPOSED_HANDLER) : h);
/** Is the request for a route that declared `multipartBody` (POST /api/uploads)? Only that route is let past the JSON guards. */
const takesMultipart = (c: Context) => matchedRoutes(c).some((r) => multipartGuards.has(unwrap(r.handler)));

/**
 * The one exception to JSON bodies, put in the chain of the route that takes a file (after
 * `requireUser`, so nobody unknown gets to send megabytes): `multipart/form-data` only (415
 * otherwise, JSON included) and at most `maxSize` bytes (413). The JSON guards above step aside
 * for exactly the routes that carry it; CSRF still applies to them.
 */
export function multipartBody(maxSize: number) {
  const limit = bodyLimit({ maxSize, onError: (c) => problem(c, "PAYLOAD_TOO_LARGE") });
  const guard = createMiddleware<AppEnv>(async (c, next) => {
    if (mediaType(c) !== "multipart/form-data") return problem(c, "UNSUPPORTED_MEDIA_TYPE");
    return limit(c, next);
  });
  multipartGuards.add(guard);
  return guard;
}
