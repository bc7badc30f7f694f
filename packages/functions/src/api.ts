import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Deps } from "./env.ts";
import { onError, problem } from "./errors.ts";
import { csrf, jsonBody, jsonBodyLimit } from "./middleware/guard.ts";
import { session } from "./middleware/auth.ts";

/** A group of routes, loaded, and where under /api it sits. */
export interface Mounted {
  mount: string;
  app: Hono<AppEnv, any, any>;
}

/**
 * What hono's `secureHeaders({ crossOriginResourcePolicy: "same-origin" })` sets, as the fixed
 * list it comes to (its options, CSP and nonce code are ~3 KB on every cold start for headers
 * that never change). api.unit.test.ts holds it equal to hono's own.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "cross-origin-resource-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};

const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) c.res.headers.set(name, value);
  c.res.headers.delete("x-powered-by");
});

/** Is the API up, and which stage is it. */
export const health = new Hono<AppEnv>().get("/health", (c) => c.json({ ok: true, stage: c.var.deps.stage }));

/**
 * The API with the given route groups mounted behind the middleware every request passes
 * (deps, secure headers, no-store, body guards, CSRF, the session), then the 404 and the one
 * error shape. All groups make the whole API; one group, the app that answers its routes
 * (app.ts); none, the app that answers what no route does.
 */
export function mountApi(deps: Deps, groups: readonly Mounted[]) {
  const api = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set("deps", deps);
      await next();
    })
    .use(async (c, next) => {
      // A change may have written notices, even one that then failed (a promotion before her own error).
      try {
        await next();
      } finally {
        if (c.req.method !== "GET" && c.req.method !== "HEAD") c.var.deps.outbox?.kick();
      }
    })
    .use(securityHeaders)
    .use(async (c, next) => {
      await next();
      // Answers are per person: never cache them in a shared cache.
      if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
    })
    .use(jsonBodyLimit)
    .use(csrf)
    .use(jsonBody)
    .use(session)
    .route("/", health);
  for (const group of groups) api.route(group.mount, group.app);
  api.all("*", (c) => problem(c, "NOT_FOUND"));
  api.onError(onError);

  const app = new Hono().route("/api", api);
  app.onError(onError);
  return app;
}
