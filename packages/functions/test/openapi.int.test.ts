import { describe, it, expect, beforeAll } from "vitest";
import { z } from "zod";
import { Hono } from "hono";
import { errorMessages } from "@jinguo/core/messages";
import { testApi, readResponse, ORIGIN, type TestApi } from "../../../test/harness.ts";
import { validationOf, valid, type Validation } from "../src/validate.ts";
import { routeTable } from "../src/openapi.ts";
import { jsonSchemaOptions, openApiDocument, componentName, operationId } from "../src/openapi-document.ts";
import { requireUser } from "../src/middleware/auth.ts";
import { onError } from "../src/errors.ts";
import type { AppEnv, Deps } from "../src/env.ts";
import { createFullApp } from "../src/app.ts";

// The whole API, every group loaded: the route table with each route's middleware (the running
// app, api.app, loads a group on its first request: app.ts).
const whole = await createFullApp({ stage: "local" } as Deps);

/**
 * The contract is the app: every route the app answers is in openapi.json with the schema that
 * validates it, and what the document calls required is what the route refuses without.
 */
type Client = ReturnType<TestApi["client"]>;
type Json = Record<string, any>;

let api: TestApi;
let admin: Client, judge: Client, participant: Client, anon: Client;
let document: Json;

beforeAll(async () => {
  api = await testApi();
  [admin, judge, participant, anon] = [api.client(), api.client(), api.client(), api.client()];
  await admin.signIn("13800000000");
  await judge.signIn("13800000003");
  await participant.signIn(api.newPhone());
  const res = await anon.get("/api/openapi.json");
  expect(res.status, res.text).toBe(200);
  document = res.json;
});

// ---- The route table, read here without openapi.ts: what the app itself will answer ----

const targetOf = (h: Function): Function => ((h as any).__COMPOSED_HANDLER ? targetOf((h as any).__COMPOSED_HANDLER) : h);

interface Endpoint {
  method: string;
  path: string;
  /** the validators registered with this very route (`.post(path, …, valid(…), handler)`) */
  validations: Validation[];
}

/**
 * Handlers (not middleware: they take no `next`) other than the catch-all 404, each with the
 * middleware registered right before it on the same method and path.
 */
function endpoints(app: { routes: { method: string; path: string; handler: Function }[] }): Endpoint[] {
  const out: Endpoint[] = [];
  let run: Function[] = [];
  let last = "";
  for (const r of app.routes) {
    const key = `${r.method} ${r.path}`;
    if (key !== last) run = [];
    last = key;
    const h = targetOf(r.handler);
    if (h.length > 1) {
      run.push(h);
      continue;
    }
    if (!r.path.endsWith("*")) out.push({ method: r.method, path: r.path, validations: run.map((m) => validationOf(m)).filter((v) => v !== undefined) });
    run = [];
  }
  return out;
}

const openApiPath = (path: string) => path.replace(/:(\w+)(\{[^}]*\})?\??/g, "{$1}");
const operations = (doc: Json) =>
  Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op: op as Json })));

/**
 * zod's JSON Schema as the document should carry it: no `$schema`; `$defs` and a schema that
 * refers to itself live in components, named after the operation and the target.
 */
function expectedSchema(schema: z.core.$ZodType, prefix: string): Json {
  const { $schema: _, $defs, ...json } = z.toJSONSchema(schema, jsonSchemaOptions) as Json;
  const text = JSON.stringify(json)
    .replace(/"#\/\$defs\/([^"]+)"/g, (_m, name) => `"#/components/schemas/${componentName(prefix, name)}"`)
    .replace(/"\$ref":"#"/g, `"$ref":"#/components/schemas/${prefix}"`);
  return JSON.parse(text);
}

/** A documented schema with a top-level `$ref` to a component read through it. */
const deref = (doc: Json, schema: Json | undefined): Json | undefined =>
  typeof schema?.$ref === "string" && Object.keys(schema).length === 1
    ? doc.components.schemas[schema.$ref.slice("#/components/schemas/".length)]
    : schema;

function coverageProblems(doc: Json, table: Endpoint[]): string[] {
  const documented = new Set(operations(doc).map((o) => `${o.method.toUpperCase()} ${o.path}`));
  const served = new Set(table.map((e) => `${e.method} ${openApiPath(e.path)}`));
  return [
    ...[...served].filter((k) => !documented.has(k)).map((k) => `not documented: ${k}`),
    ...[...documented].filter((k) => !served.has(k)).map((k) => `documented but not served: ${k}`),
  ];
}

function schemaProblems(doc: Json, table: Endpoint[]): string[] {
  const problems: string[] = [];
  for (const e of table) {
    const op = doc.paths[openApiPath(e.path)]?.[e.method.toLowerCase()];
    if (!op) continue; // coverageProblems says so
    const where = `${e.method} ${e.path}`;
    const id = operationId(e);
    const json = e.validations.filter((v) => v.target === "json");
    const bodySchema = deref(doc, op.requestBody?.content?.["application/json"]?.schema);
    if (json.length === 0 && bodySchema) problems.push(`${where}: documents a JSON body it does not validate`);
    for (const v of json) {
      if (JSON.stringify(bodySchema) !== JSON.stringify(expectedSchema(v.schema, `${id}_json`))) problems.push(`${where}: the JSON body schema is not the validator's`);
    }
    const queryParams = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "query");
    const queries = e.validations.filter((v) => v.target === "query");
    if (queries.length === 0 && queryParams.length) problems.push(`${where}: documents query parameters it does not validate`);
    for (const v of queries) {
      const expected = expectedSchema(v.schema, `${id}_query`);
      const names = Object.keys(expected.properties ?? {});
      if (JSON.stringify(queryParams.map((p) => p.name).sort()) !== JSON.stringify([...names].sort())) problems.push(`${where}: query parameters differ`);
      for (const p of queryParams) {
        if (JSON.stringify(p.schema) !== JSON.stringify(expected.properties?.[p.name])) problems.push(`${where}: ?${p.name} schema is not the validator's`);
        if (p.required !== (expected.required ?? []).includes(p.name)) problems.push(`${where}: ?${p.name} required differs`);
      }
    }
    const pathParams = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "path").map((p) => p.name);
    const templateParams = [...openApiPath(e.path).matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    if (JSON.stringify(pathParams) !== JSON.stringify(templateParams)) problems.push(`${where}: path parameters ${pathParams} vs ${templateParams}`);
  }
  return problems;
}

/** Every `$ref` of the document, with whether it points at something in it. */
function refProblems(doc: Json): string[] {
  const problems: string[] = [];
  const resolve = (ref: string) =>
    ref
      .slice(2)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<any>((node, key) => (node && typeof node === "object" ? node[key] : undefined), doc);
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${at}/${i}`));
    if (!v || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v)) {
      if (k === "$ref") {
        if (typeof x !== "string" || !x.startsWith("#/") || resolve(x) === undefined) problems.push(`${at}: $ref ${x} does not resolve`);
      } else walk(x, `${at}/${k}`);
    }
  };
  walk(doc, "#");
  return problems;
}

function shapeProblems(doc: Json): string[] {
  const problems: string[] = [];
  if (doc.openapi !== "3.1.0") problems.push(`openapi ${doc.openapi}`);
  if (typeof doc.info?.title !== "string" || typeof doc.info?.version !== "string") problems.push("info needs title and version");
  if (!doc.paths || typeof doc.paths !== "object" || Object.keys(doc.paths).length === 0) problems.push("no paths");
  const ids = new Set<string>();
  const schemes = Object.keys(doc.components?.securitySchemes ?? {});
  const tags = new Set((doc.tags ?? []).map((t: Json) => t.name));
  for (const { path, method, op } of operations(doc)) {
    const where = `${method} ${path}`;
    if (!path.startsWith("/api/")) problems.push(`${where}: not under /api`);
    if (!["get", "put", "post", "delete", "options", "head", "patch", "trace"].includes(method)) problems.push(`${where}: not an HTTP method`);
    if (ids.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} twice`);
    ids.add(op.operationId);
    if (typeof op.summary !== "string" || !op.summary) problems.push(`${where}: no summary`);
    if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${where}: no responses`);
    for (const status of Object.keys(op.responses ?? {})) if (!/^([1-5]\d\d|[1-5]XX)$/.test(status)) problems.push(`${where}: response ${status}`);
    for (const req of op.security ?? []) for (const s of Object.keys(req)) if (!schemes.includes(s)) problems.push(`${where}: security ${s} is not a scheme`);
    for (const t of op.tags ?? []) if (!tags.has(t)) problems.push(`${where}: tag ${t} not declared`);
    for (const p of op.parameters ?? []) {
      if (!["path", "query", "header", "cookie"].includes(p.in) || typeof p.name !== "string" || !p.schema) problems.push(`${where}: parameter ${JSON.stringify(p).slice(0, 80)}`);
      if (p.in === "path" && p.required !== true) problems.push(`${where}: path parameter ${p.name} must be required`);
    }
  }
  return problems;
}

describe("GET /api/openapi.json", () => {
  it("is an OpenAPI 3.1 document under /api, every $ref resolving, cached publicly without a cookie", async () => {
    expect(shapeProblems(document)).toEqual([]);
    expect(refProblems(document)).toEqual([]);
    const res = await anon.get("/api/openapi.json");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    // A shared cache must not hand one CSRF cookie to everyone.
    expect(res.headers.getSetCookie()).toEqual([]);
    // The same for everyone: signed in, it is the very same document.
    expect((await admin.get("/api/openapi.json")).json).toEqual(document);
  });

  it("has every route of the app's route table with its method and path, and no other", () => {
    const table = endpoints(whole);
    expect(table.length).toBeGreaterThan(25);
    // The local stage mounts the dev routes, and they are in the table like any other.
    expect(table.map((e) => `${e.method} ${e.path}`)).toEqual(expect.arrayContaining(["GET /api/dev/outbox", "GET /api/openapi.json"]));
    expect(coverageProblems(document, table)).toEqual([]);
    expect(routeTable(api.app).map((r) => r.key)).toEqual(table.map((e) => `${e.method} ${e.path}`));
  });

  it("documents, for each validated route, the very schema its validator holds", () => {
    const table = endpoints(whole);
    expect(table.filter((e) => e.validations.length).length).toBeGreaterThan(10);
    expect(schemaProblems(document, table)).toEqual([]);
  });

  it("negative controls: a missing route, a changed schema, a dangling $ref and a bad shape are all caught", () => {
    const table = endpoints(whole);
    const tampered = structuredClone(document);
    delete tampered.paths["/api/campaigns/{id}"];
    tampered.paths["/api/admin/checkins"].post.requestBody.content["application/json"].schema.required = [];
    tampered.paths["/api/me/registrations"].get.parameters[0].schema = { type: "string" };
    tampered.paths["/api/auth/otp"].post.responses["422"] = { $ref: "#/components/responses/Nope" };
    tampered.paths["/api/health"].get.operationId = tampered.paths["/api/org-units"].get.operationId;
    tampered.paths["/api/health"].put = { operationId: "x", summary: "x", responses: { "200": { description: "" } } };
    expect(coverageProblems(tampered, table)).toEqual(["not documented: GET /api/campaigns/{id}", "documented but not served: PUT /api/health"]);
    expect(schemaProblems(tampered, table).sort()).toEqual([
      expect.stringMatching(/^GET \/api\/me\/registrations: \?\w+ schema is not the validator's$/),
      "POST /api/admin/checkins: the JSON body schema is not the validator's",
    ]);
    expect(refProblems(tampered)).toEqual(["#/paths//api/auth/otp/post/responses/422: $ref #/components/responses/Nope does not resolve"]);
    expect(shapeProblems(tampered)).toEqual([expect.stringMatching(/operationId .* twice$/)]);
  });

  it("a body without a property the document calls required is 422 VALIDATION naming it FIELD_REQUIRED (and only those)", async () => {
    const checked: string[] = [];
    const problems: string[] = [];
    for (const { path, method, op } of operations(document)) {
      const body = deref(document, op.requestBody?.content?.["application/json"]?.schema);
      const query = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "query");
      const queryRequired = query.filter((p) => p.required).map((p) => p.name as string);
      // A union (zod's discriminatedUnion) is tried one alternative at a time, sent with its
      // discriminator (`const`) only: every other property it requires must be reported missing.
      const alternatives: Json[] = body ? (body.oneOf ?? body.anyOf ?? [body]) : [];
      const cases = (alternatives.length ? alternatives : [undefined]).map((alt) => {
        const fixed = Object.fromEntries(Object.entries((alt?.properties ?? {}) as Json).filter(([, s]) => s.const !== undefined).map(([k, s]) => [k, s.const]));
        const required = [...((alt?.required ?? []) as string[]).filter((k) => !(k in fixed)), ...queryRequired];
        return { sent: alt ? fixed : undefined, required };
      });
      for (const { sent, required } of cases) {
        if (required.length === 0) continue;
        const url = path.replace(/\{\w+\}/g, "x");
        // The validator runs after the sign-in check: the first of these who gets past it will do.
        let res: Awaited<ReturnType<Client["request"]>> | undefined;
        for (const who of [admin, judge, participant, anon]) {
          res = await who.request(method.toUpperCase(), url, sent);
          if (![401, 403].includes(res.status)) break;
        }
        const where = `${method.toUpperCase()} ${path}${sent && Object.keys(sent).length ? ` ${JSON.stringify(sent)}` : ""}`;
        checked.push(where);
        if (res!.status !== 422 || res!.json?.error?.code !== "VALIDATION") {
          problems.push(`${where}: ${res!.status} ${res!.text.slice(0, 120)}`);
          continue;
        }
        const fields = res!.json.error.details.fields as Record<string, string>;
        const missing = Object.keys(fields).filter((k) => fields[k] === "FIELD_REQUIRED");
        if (JSON.stringify([...missing].sort()) !== JSON.stringify([...required].sort())) {
          problems.push(`${where}: documented required ${required.sort()}, refused as missing ${missing.sort()} (${JSON.stringify(fields)})`);
        }
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining(["POST /api/auth/otp", 'POST /api/admin/campaigns {"kind":"event"}', "POST /api/admin/campaigns/{id}/phase", "GET /api/admin/audit"]),
    );
    expect(problems).toEqual([]);
  });

  it("has the one error shape as a component, with every error code and every status API.md lists", () => {
    const error = document.components.schemas.Error;
    expect(error.required).toEqual(["error"]);
    expect(error.properties.error.required).toEqual(["code", "message"]);
    expect(error.properties.error.properties.code.enum).toEqual(Object.keys(errorMessages));
    const statuses = Object.values(document.components.responses as Record<string, Json>).map((r) => Number(r.description.slice(0, 3)));
    expect(statuses).toEqual(expect.arrayContaining([400, 401, 403, 404, 409, 413, 415, 422, 429]));
    // Each operation answers its errors in that shape.
    for (const { op } of operations(document)) {
      for (const [status, r] of Object.entries(op.responses as Record<string, Json>)) {
        if (Number(status) >= 400) expect(r.$ref, status).toMatch(/^#\/components\/responses\//);
      }
    }
  });

  it("says how to sign in and pass CSRF: signed-in routes need the sid cookie, state-changing ones the CSRF rule", () => {
    const { sid, csrf } = document.components.securitySchemes;
    expect(sid).toMatchObject({ type: "apiKey", in: "cookie", name: "sid" });
    expect(csrf).toMatchObject({ type: "apiKey", in: "header", name: "x-csrf-token" });
    expect(csrf.description).toMatch(/Origin/);
    const byKey = new Map(operations(document).map((o) => [`${o.method.toUpperCase()} ${o.path}`, o.op]));
    expect(byKey.get("GET /api/campaigns")!.security).toEqual([]);
    expect(byKey.get("POST /api/auth/otp")!.security).toEqual([{ csrf: [] }]);
    expect(byKey.get("GET /api/me")!.security).toEqual([{ sid: [] }]);
    expect(byKey.get("POST /api/admin/campaigns")!.security).toEqual([{ sid: [], csrf: [] }]);
    for (const [key, op] of byKey) {
      const safe = /^(GET|HEAD|OPTIONS) /.test(key);
      expect(op.security.length > 0 && op.security.every((s: Json) => "csrf" in s), key).toBe(!safe);
    }
  });
});

describe("the generator on a made-up app", () => {
  it("follows sub-apps with their own onError, prefix middleware, regex params and recursive schemas", () => {
    type Node = { name: string; children: Node[] };
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(node) }));
    const sub = new Hono<AppEnv>()
      .use(requireUser)
      .post("/trees/:id{[0-9]+}", valid("json", node), (c) => c.body(null, 204))
      .get("/open", valid("query", z.object({ q: z.string().optional() })), (c) => c.body(null, 204));
    sub.onError(onError);
    const app = new Hono().route("/api/x", sub);
    const routes = routeTable(app);
    expect(routes.map((r) => [r.key, r.signedIn, r.validations.map((v) => v.target)])).toEqual([
      ["POST /api/x/trees/:id{[0-9]+}", true, ["json"]],
      ["GET /api/x/open", true, ["query"]],
    ]);
    const doc = openApiDocument(routes, { stage: "test" });
    expect(refProblems(doc)).toEqual([]);
    expect(shapeProblems(doc)).toEqual([]);
    const op = doc.paths["/api/x/trees/{id}"].post;
    expect(op.parameters[0]).toEqual({ name: "id", in: "path", required: true, schema: { type: "string", pattern: "^(?:[0-9]+)$" } });
    expect(op.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/postApiXTreesById_json" });
    expect(JSON.stringify(doc.components.schemas.postApiXTreesById_json)).toContain('"$ref":"#/components/schemas/postApiXTreesById_json"');
    expect(schemaProblems(doc, endpoints(app))).toEqual([]);
  });

  it("refuses an ALL route: the contract could not say which methods it answers", () => {
    const app = new Hono().all("/api/anything", (c) => c.body(null, 204));
    expect(() => routeTable(app)).toThrow(/ALL \/api\/anything/);
  });
});

describe("GET /api/docs", () => {
  it("lists every route with method, path, summary and access, in Chinese and English, without script or inline style", async () => {
    const res = await anon.get("/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.headers.getSetCookie()).toEqual([]);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = res.text;
    expect(html).not.toMatch(/<script|\son\w+=|\sstyle=|<style|javascript:/i);
    // Nothing from another site: every link and the stylesheet are our own.
    for (const m of html.matchAll(/(?:href|src)="([^"]*)"/g)) expect(m[1], m[1]).toMatch(/^(#|\/api\/)/);
    expect(html).toMatch(/<meta name="viewport" content="width=device-width/);
    for (const heading of ["参数 · Parameters", "请求体 · Request body", "权限 · Access", "约定 · Conventions"]) expect(html).toContain(heading);
    const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
    for (const { path, method, op } of operations(document)) {
      expect(html).toContain(`<span class="method ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code>`);
      expect(html).toContain(esc(op.summary));
    }
    // The documented summary of a route with words, and its request schema's fields.
    expect(html).toContain("获取验证码（短信） · Ask for a sign-in code by SMS");
    expect(html).toContain("<code>ticketCode</code>");
  });

  it("its stylesheet is ours, CSS, cached", async () => {
    const page = await anon.get("/api/docs");
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page.text)![1]!;
    const res = await readResponse(await api.app.request(`${ORIGIN}${href}`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/css/);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.text).toContain("body{");
  });

  it("other answers are still never cached (control: the public cache is only on the contract)", async () => {
    expect((await anon.get("/api/health")).headers.get("cache-control")).toBe("no-store");
    const fresh = await readResponse(await api.app.request(`${ORIGIN}/api/health`));
    expect(fresh.headers.getSetCookie().some((c) => c.startsWith("csrf="))).toBe(true);
  });
});
