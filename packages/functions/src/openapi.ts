import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import type { RouterRoute } from "hono/types";
import type { AppEnv } from "./env.ts";
import { validationOf, type Validation } from "./validate.ts";
import { requireUser } from "./middleware/auth.ts";
import { idempotent } from "./middleware/idempotency.ts";

/**
 * The machine-readable contract, generated from the app itself: Hono's route table
 * (`app.routes`, one entry per middleware and handler) and the zod schemas its `valid()`
 * middleware hold. Nothing here lists routes, so a new route is documented the moment it is
 * mounted, with the schema that validates it.
 *
 * Here: what every route needs when it is mounted (`doc`) and the route table. The document
 * itself (openapi-document.ts) and its web page (routes/docs-page.ts) are built on the first
 * request for them, and load then: no cold start carries them.
 */

/** Who may call a route, as the docs say it (the access matrix test holds the exact rule). */
export const accessLevels = {
  public: { "zh-CN": "所有人，无需登录", en: "Anyone, no sign-in" },
  "signed-in": { "zh-CN": "已登录的任何人", en: "Anyone signed in" },
  owner: { "zh-CN": "仅本人（别人得到 404）", en: "Only its owner (anyone else gets 404)" },
  organiser: { "zh-CN": "任何单位的组织者", en: "An organiser of any unit" },
  manager: {
    "zh-CN": "管理该单位的组织者（本单位及上级单位）和管理员",
    en: "Organisers of the owning unit or a unit above it, and admins",
  },
  judge: { "zh-CN": "受邀的评委", en: "An invited judge" },
  admin: { "zh-CN": "仅管理员", en: "Admins only" },
  "local-only": { "zh-CN": "仅本地环境（云上 404），无需登录", en: "Local stage only (404 in the cloud), no sign-in" },
} as const;
export type Access = keyof typeof accessLevels;

export interface RouteDoc {
  /** one line in plain Chinese */
  summary: string;
  summaryEn: string;
  access: Access;
  description?: string;
  /** the success status, when not 200 */
  status?: 201 | 202 | 204;
  /** error statuses beyond those every route of its kind can answer, e.g. 429 on sign-in codes */
  errors?: number[];
}

const routeDocs = new WeakMap<Function, RouteDoc>();

/**
 * Per-route words for the contract: a middleware that does nothing but carry them, so they sit
 * in the route table next to the handler they describe. `.get("/x", doc({ … }), valid(…), h)`.
 */
export function doc(meta: RouteDoc): MiddlewareHandler<AppEnv> {
  const middleware = createMiddleware<AppEnv>(async (_c, next) => next());
  routeDocs.set(middleware, meta);
  return middleware;
}

/** One endpoint of the app as the route table has it. */
export interface Route {
  method: string;
  /** Hono's path, `/api/campaigns/:id` */
  path: string;
  /** `"GET /api/campaigns/:id"`: how tests key their tables */
  key: string;
  /** OpenAPI's path, `/api/campaigns/{id}` */
  openApiPath: string;
  params: { name: string; pattern?: string }[];
  /** the `valid()` middleware that run before the handler, in order */
  validations: Validation[];
  /** every middleware that runs before the handler, in order (the API's own first) */
  middleware: Function[];
  doc?: RouteDoc;
  /** `requireUser` runs before the handler, or the route's doc says only some people may call it */
  signedIn: boolean;
  idempotent: boolean;
  /** GET/HEAD/OPTIONS change nothing and skip the CSRF check */
  safe: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** A path parameter in a Hono path: `:id`, `:id{[0-9]+}`, `:id?`. */
export const PARAM = /:(\w+)(\{[^}]*\})?(\?)?/g;

// Hono wraps a sub-app's handlers when the sub-app has its own onError; the wrapper points at
// the handler inside (the same walk as hono's own `inspectRoutes`).
const targetOf = (handler: Function): Function =>
  (handler as any).__COMPOSED_HANDLER ? targetOf((handler as any).__COMPOSED_HANDLER) : handler;
// Hono's own test (utils/handler): a middleware takes `next`.
const isMiddleware = (handler: Function) => handler.length > 1;
const normalise = (path: string) => path.replace(PARAM, ":");

/** Does a middleware registered at `pattern` run for the route at `path`? */
function covers(pattern: string, path: string): boolean {
  const [p, r] = [normalise(pattern), normalise(path)];
  if (p === r || p === "*" || p === "/*") return true;
  if (!p.endsWith("/*")) return false;
  const base = p.slice(0, -2);
  return r === base || r.startsWith(`${base}/`);
}

/**
 * Every endpoint of the app, in the order they were mounted: each handler that is not a
 * middleware and not a catch-all (`*`, the 404), with the middleware that run before it.
 */
export function routeTable(app: { routes: RouterRoute[] }): Route[] {
  const entries = app.routes.map((r) => ({ method: r.method, path: r.path, target: targetOf(r.handler) }));
  const routes: Route[] = [];
  entries.forEach((entry, i) => {
    if (isMiddleware(entry.target) || entry.path.endsWith("*")) return;
    if (entry.method === "ALL") {
      // OpenAPI has no "any method"; a route must say which it answers.
      throw new Error(`route ALL ${entry.path}: mount it with its methods (.get, .post, …) so the contract can describe it`);
    }
    // A second handler for the same method and path never runs: the first one answers.
    if (routes.some((r) => r.method === entry.method && normalise(r.path) === normalise(entry.path))) return;
    const before = entries
      .slice(0, i)
      .filter((e) => isMiddleware(e.target) && (e.method === "ALL" || e.method === entry.method) && covers(e.path, entry.path))
      .map((e) => e.target);
    const validations = before.map((m) => validationOf(m)).filter((v) => v !== undefined);
    const docs = before.map((m) => routeDocs.get(m)).filter((d) => d !== undefined);
    const routeDoc = docs.at(-1);
    const params = [...entry.path.matchAll(PARAM)].map((m) => ({
      name: m[1]!,
      ...(m[2] ? { pattern: `^(?:${m[2].slice(1, -1)})$` } : {}),
    }));
    routes.push({
      method: entry.method,
      path: entry.path,
      key: `${entry.method} ${entry.path}`,
      openApiPath: entry.path.replace(PARAM, "{$1}"),
      params,
      validations,
      middleware: before,
      ...(routeDoc ? { doc: routeDoc } : {}),
      signedIn: before.includes(requireUser) || (!!routeDoc && !["public", "local-only"].includes(routeDoc.access)),
      idempotent: before.includes(idempotent),
      safe: SAFE_METHODS.has(entry.method),
    });
  });
  return routes;
}
