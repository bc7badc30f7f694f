import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Deps } from "../env.ts";
import { doc, routeTable } from "../openapi.ts";
import { once } from "../once.ts";

/**
 * The contract: `GET /api/openapi.json` and a reference to read on a phone at `GET /api/docs`,
 * both made from the whole API (every route group loaded, app.ts `createFullApp`) on the first
 * request for them, once per stage (the local stage has routes the cloud has not). The code
 * that writes them (openapi-document.ts, docs-page.ts) is imported then too.
 */
/**
 * Nothing personal, the same for everyone: a shared cache may keep it briefly. The CSRF cookie
 * every response sets stays out of it, or a cache would hand one token to everyone.
 */
const shared = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res.headers.set("cache-control", "public, max-age=300");
  c.res.headers.delete("set-cookie");
});

// No script at all, styles only from our own stylesheet: the page works under the site's strict CSP.
const DOCS_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const documents = new Map<string, () => Promise<Record<string, any>>>();
const pages = new Map<string, () => Promise<string>>();

const documentOf = (stage: string) => {
  let made = documents.get(stage);
  if (!made) {
    made = once(async () => {
      const [{ createFullApp }, { openApiDocument }] = await Promise.all([import("../app.ts"), import("../openapi-document.ts")]);
      return openApiDocument(routeTable(await createFullApp({ stage } as Deps)), { stage });
    });
    documents.set(stage, made);
  }
  return made();
};

const pageOf = (stage: string) => {
  let made = pages.get(stage);
  if (!made) {
    made = once(async () => (await import("./docs-page.ts")).renderDocs((await documentOf(stage)) as Record<string, any>));
    pages.set(stage, made);
  }
  return made();
};

export const contract = new Hono<AppEnv>()
  .get(
    "/openapi.json",
    doc({ summary: "接口说明（机器可读，OpenAPI 3.1）", summaryEn: "The contract as OpenAPI 3.1", access: "public" }),
    shared,
    async (c) => c.json(await documentOf(c.var.deps.stage)),
  )
  .get(
    "/docs",
    doc({ summary: "接口参考（网页）", summaryEn: "The API reference as a web page", access: "public" }),
    shared,
    async (c) => {
      c.header("content-security-policy", DOCS_CSP);
      return c.html(await pageOf(c.var.deps.stage));
    },
  )
  .get(
    "/docs/style.css",
    doc({ summary: "接口参考的样式表", summaryEn: "The reference's stylesheet", access: "public" }),
    shared,
    async (c) => c.body((await import("./docs-page.ts")).STYLE, 200, { "content-type": "text/css; charset=utf-8" }),
  );


