import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import { createFullApp, type Deps } from "@jinguo/functions";
import { testApi, fixedClock, readResponse, ORIGIN, type TestApi } from "../../../test/harness.ts";
import { routeTable, type Route } from "../src/openapi.ts";
import { openApiDocument } from "../src/openapi-document.ts";
import { ascii, concat, exifSegment, jpegBytes, pngBytes, pngHeaderOnly, withSegment } from "../../core/test/images.ts";

/**
 * Property-based requests to every route of the app's route table: path parameters, queries and
 * bodies drawn from the documented schemas (so many get past validation into the domain) and
 * from hostile JSON, as an anonymous visitor, a participant and the admin. Whatever arrives:
 * never a 5xx, never a stack trace, and every 4xx is exactly `{ error: { code, message, details? } }`.
 *
 * FUZZ_RUNS (default 2400) is the number of requests in all; FUZZ_SEED replays a run. On a busy
 * machine the routes share FUZZ_BUDGET_MS (default 40 s): a route past its share stops early.
 * FUZZ_STATS=1 prints how many answers of each status each route gave (how deep the requests got).
 */
const TOTAL = Number(process.env.FUZZ_RUNS ?? 2400);
const SEED = Number(process.env.FUZZ_SEED ?? 20190308);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 40_000);

type Json = Record<string, any>;
type Persona = "anonymous" | "participant" | "admin";
const PERSONAS: Persona[] = ["anonymous", "participant", "admin"];

const HEALTH = "c-2019-health-lectures";
const clock = fixedClock(new Date());
let api: TestApi;
const clients = {} as Record<Persona, ReturnType<TestApi["client"]>>;
const phones = { participant: "", admin: "13800000000" };
/** ids that exist, so some requests reach the domain rather than a 404 */
const registrationIds: string[] = [];
const campaignIds: string[] = [HEALTH, "c-2019-cxcy-lectures", "c-2019-square-dance"];
const sessionIds: string[] = ["s-health-01", "s-health-02", "s-health-03", "s-cxcy-01"];
const known: string[] = [...campaignIds, ...sessionIds, "hn", "hn.cs", "hn.cs.yl"];
/** Read when a value is drawn: the fixtures join these lists in beforeAll. */
const oneOf = (list: string[]) => fc.constant(0).chain(() => fc.constantFrom(...list));

/** One of `known`, read when a value is drawn (the fixtures' ids join it in beforeAll). */
const knownValue = oneOf(known);

const table = routeTable(await createFullApp({ stage: "local" } as Deps));
const document = openApiDocument(table, { stage: "local" });

// ---- what is sent ----

const future = (days: number) => new Date(clock.now().getTime() + days * 86_400_000).toISOString();

// Numbers JavaScript cannot hold, written into the JSON text as they are.
const rawNumbers: Record<string, string> = { "\u0001BIG": "1e999", "\u0001NEGBIG": "-1e999", "\u0001LONG": "123456789012345678901234567890123", "\u0001NEGZERO": "-0.0", "\u0001EXP": "1E+400" };
const toJsonText = (v: unknown) => {
  let text = JSON.stringify(v) ?? "null";
  for (const [mark, raw] of Object.entries(rawNumbers)) text = text.replaceAll(JSON.stringify(mark), raw);
  return text;
};

// GB 11643, computed here: weights 2^(17-i) mod 11, check (12 - sum mod 11) mod 11.
function residentId(first17: string): string {
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * (2 ** (17 - i) % 11), 0);
  const v = (12 - (sum % 11)) % 11;
  return first17 + (v === 10 ? "X" : String(v));
}
const VALID_ID = residentId("43010219850315123");

/** Percent-encoding; a lone surrogate cannot be UTF-8, so it goes as U+FFFD (what a browser sends). */
const encode = (s: string) => encodeURIComponent(s.replace(/\p{Surrogate}/gu, "\ufffd"));

const nest = (depth: number, leaf: unknown = 1): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

const hostileString = fc.oneof(
  fc.constantFrom("", " ", "\u0000", "\ud800", "\u202e", "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "../../etc/passwd", "null", "__proto__", "constructor", "1e999", "13912345678", "hn.cs"),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.integer({ min: 100, max: 40_000 }).map((n) => "字".repeat(n)),
  knownValue,
);

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 3.14, [], {}, [null], ...Object.keys(rawNumbers)),
  hostileString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 20, max: 3000 }).map((n) => nest(n)),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(`{"__proto__":${JSON.stringify(v) ?? "null"},"constructor":{"prototype":{"polluted":1}}}`)),
);

/**
 * Good values by property (or path parameter) name, so that drawn requests often get past
 * validation into the domain: a real session, a phone of the right shape, a unit that exists.
 */
const hints: Record<string, () => fc.Arbitrary<unknown>> = {
  id: () => knownValue,
  campaignId: () => oneOf(campaignIds),
  sessionId: () => oneOf(sessionIds),
  /** list cursors: base64url JSON, forged */
  cursor: () => fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ s: hostile, k: fc.jsonValue({ maxDepth: 2 }) })).map((v) => Buffer.from(toJsonText(v)).toString("base64url")),
  phone: () => fc.oneof(fc.constant("13912345678"), fc.integer({ min: 0, max: 99_999_999 }).map((n) => `139${String(n).padStart(8, "0")}`)),
  code: () => fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, "0")),
  orgUnit: () => fc.constantFrom("hn", "hn.cs", "hn.cs.yl", "hn.zz", "hn.cs.fr"),
  org: () => fc.constantFrom("hn", "hn.cs", "hn.zz"),
  ticketCode: () => knownValue,
  registrationId: () => oneOf(registrationIds),
  answers: () =>
    fc.record(
      {
        name: fc.oneof(fc.constant("王秀兰"), fc.string({ unit: "grapheme", maxLength: 25 })),
        phone: hints.phone!(),
        district: fc.constantFrom("hn.cs.yl", "hn.cs", "x"),
        city: fc.constantFrom("hn.cs", "hn.zz", "hn"),
        consent: fc.oneof(fc.constant(true), fc.jsonValue({ maxDepth: 1 })),
        idNumber: fc.oneof(fc.constantFrom(VALID_ID, `${VALID_ID.slice(0, 17)}0`, "43010219850315123x"), fc.string({ maxLength: 20 })),
        age: fc.oneof(fc.integer({ min: -5, max: 130 }), hostile),
      },
      { requiredKeys: [] },
    ),
};

const hinted = (name: string | undefined, arb: fc.Arbitrary<unknown>) => {
  const hint = name !== undefined && Object.hasOwn(hints, name) ? hints[name]!() : undefined;
  return hint ? fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: arb }) : arb;
};

/** Values of a JSON schema (loosely: the edges are where the bugs are). */
function fromSchema(s: Json | undefined, depth = 0, name?: string): fc.Arbitrary<unknown> {
  return hinted(name, schemaValues(s, depth));
}

function schemaValues(s: Json | undefined, depth: number): fc.Arbitrary<unknown> {
  if (!s || depth > 5 || s.$ref) return fc.jsonValue({ maxDepth: 2 });
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((a: Json) => fromSchema(a, depth + 1)));
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((t) => fromSchema({ ...s, type: t }, depth)));
  switch (types[0]) {
    case "string": {
      if (s.format === "date-time") return fc.integer({ min: -30, max: 400 }).map(future);
      const max = Math.min(s.maxLength ?? 30, 60);
      const plain = fc.string({ unit: "grapheme", minLength: Math.min(s.minLength ?? 0, max), maxLength: max });
      let matching: fc.Arbitrary<string> | undefined;
      if (s.pattern && s.pattern.length < 200) {
        try {
          matching = fc.stringMatching(new RegExp(s.pattern));
        } catch {
          matching = undefined;
        }
      }
      return fc.oneof(...(matching ? [matching] : []), plain, knownValue);
    }
    case "integer":
    case "number": {
      // Inside the bounds mostly, and at them, just past them, and (when there are none) far out.
      const inside =
        types[0] === "integer"
          ? fc.integer({ min: Math.max(s.minimum ?? -1000, -(2 ** 31)), max: Math.min(s.maximum ?? 100_000, 2 ** 31) })
          : fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
      const edges = [s.minimum, s.maximum, s.minimum - 1, s.maximum + 1, s.minimum - 0.5, 0, -0].filter((v) => typeof v === "number" && !Number.isNaN(v));
      const far = fc.oneof(
        fc.constantFrom(2 ** 53 + 2, -(2 ** 53 + 2), 1e21, 1e308, -1e308, 5e-324, 1e-131),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      );
      return fc.oneof({ weight: 4, arbitrary: inside }, { weight: 1, arbitrary: fc.constantFrom(...edges) }, { weight: 1, arbitrary: far });
    }
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(fromSchema(s.items, depth + 1), { minLength: Math.min(s.minItems ?? 0, 3), maxLength: Math.min(s.maxItems ?? 3, 3) });
    case "object": {
      const props = Object.entries((s.properties ?? {}) as Json);
      const model = Object.fromEntries(props.map(([k, v]) => [k, fromSchema(v, depth + 1, k)]));
      const shaped = fc.record(model, { requiredKeys: (s.required ?? []).filter((k: string) => k in model) });
      if (s.additionalProperties === false || props.length) return shaped;
      return fc.dictionary(fc.string({ maxLength: 12 }), fromSchema(s.additionalProperties, depth + 1), { maxKeys: 4 });
    }
  }
  return fc.jsonValue({ maxDepth: 2 });
}

/** A value of the schema with one property replaced by something hostile, or taken out. */
const mutated = (schema: Json | undefined) =>
  fc.tuple(fromSchema(schema), fc.nat(), hostile, fc.boolean()).map(([v, pick, bad, drop]) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) return bad;
    const keys = [...Object.keys(v), "__proto__", "extra"];
    const key = keys[pick % keys.length]!;
    const out: Json = { ...v };
    if (drop) delete out[key];
    else Object.defineProperty(out, key, { value: bad, enumerable: true, writable: true, configurable: true });
    return out;
  });

const rawBody = fc.oneof(
  fc.constantFrom("{", "}", "[", '{"a":', "nul", "\u0000", "'single'", '{"a":1}{"b":2}', "\ufeff{}"),
  fc.integer({ min: 100, max: 20_000 }).map((n) => "[".repeat(n)),
  fc.integer({ min: 100, max: 20_000 }).map((n) => `{"answers":${"[".repeat(n)}`),
  fc.string({ unit: "binary", maxLength: 200 }),
);

/** A path parameter: a real id, a made-up one, or something odd, percent-encoded or raw. */
const pathParam = (name: string) => fc.oneof(
  { weight: 4, arbitrary: (hints[name]?.() ?? knownValue).map((v) => encode(String(v))) },
  { weight: 1, arbitrary: knownValue.map(encode) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).map(encode) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).map(encode) },
  { weight: 1, arbitrary: fc.integer({ min: 500, max: 3000 }).map((n) => "x".repeat(n)) },
  { weight: 2, arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "%2F", "a%00b", "%C0%AF", "..", ".", "__proto__", "constructor", "%20", "null", "%F0%9F%98") },
);

/** The route's operation in the document: what the fuzzing draws from. */
const operationOf = (doc: Json, route: Route): Json => doc.paths[route.openApiPath][route.method.toLowerCase()];

function querySchemaOf(op: Json): Json | undefined {
  const params = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "query");
  if (!params.length) return undefined;
  return { type: "object", properties: Object.fromEntries(params.map((p) => [p.name, p.schema])) };
}

const queryValue = (v: unknown) => (typeof v === "string" ? v : toJsonText(v));

/** A query: the documented parameters (each maybe left out, maybe hostile), extra ones, repeats, bad escapes. */
function queryFor(op: Json): fc.Arbitrary<string> {
  const schema = querySchemaOf(op);
  const props = Object.entries((schema?.properties ?? {}) as Json);
  const documented = fc.tuple(
    ...props.map(([name, s]) =>
      fc.option(fc.oneof({ weight: 3, arbitrary: fromSchema(s, 0, name) }, hostile, fc.integer({ min: -5, max: 500 }).map(String)), { nil: undefined }).map((v) =>
        v === undefined ? [] : [`${encode(name)}=${encode(queryValue(v))}`],
      ),
    ),
  );
  const extra = fc.array(
    fc.oneof(
      fc.tuple(fc.string({ maxLength: 10 }), hostileString).map(([k, v]) => `${encode(k)}=${encode(v)}`),
      fc.constantFrom("limit=1&limit=2", "cursor=%", "limit=%E0%A4%A", "a[b]=1", "__proto__[x]=1", "=", "&&", "full=1", "limit=1e999"),
    ),
    { maxLength: 2 },
  );
  return fc.tuple(documented, extra).map(([d, e]) => {
    const parts = [...d.flat(), ...e];
    return parts.length ? `?${parts.join("&")}` : "";
  });
}

function bodyFor(route: Route, op: Json): fc.Arbitrary<string | undefined> {
  if (route.safe) return fc.constant(undefined);
  const schema = op.requestBody?.content?.["application/json"]?.schema;
  return fc.oneof(
    { weight: 4, arbitrary: mutated(schema).map(toJsonText) },
    { weight: 3, arbitrary: fromSchema(schema).map(toJsonText) },
    { weight: 2, arbitrary: hostile.map(toJsonText) },
    { weight: 1, arbitrary: rawBody },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/**
 * For a route that takes a file (its document says multipart/form-data: POST /api/uploads),
 * multipart bodies: the documented parts and others, with file bytes from real images through
 * cut, bomb-shaped and random ones, under odd names and types; now and then a broken envelope.
 */
function multipartFor(op: Json): fc.Arbitrary<{ body: Uint8Array; contentType: string }> | undefined {
  const schema = op.requestBody?.content?.["multipart/form-data"]?.schema;
  if (!schema) return undefined;
  const names = Object.keys(schema.properties ?? {});
  const photo = pngBytes(6, 4);
  const bytes = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(photo, jpegBytes(5, 3), withSegment(jpegBytes(4, 4), exifSegment(6)), pngHeaderOnly(20000, 20000), pngHeaderOnly(100, 100, { interlace: true, inflated: 1 << 22 })) },
    { weight: 2, arbitrary: fc.nat({ max: photo.length }).map((n) => photo.subarray(0, n)) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 1, arbitrary: hostileString.map(ascii) },
  );
  const part = fc.record({
    name: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostileString }),
    filename: fc.option(fc.oneof(fc.constantFrom("photo.jpg", "a.png", "../../etc/passwd", "x.svg", ""), hostileString), { nil: undefined }),
    type: fc.option(fc.constantFrom("image/jpeg", "image/png", "image/svg+xml", "text/html", "application/octet-stream", ""), { nil: undefined }),
    bytes,
  });
  return fc.tuple(fc.array(part, { minLength: 0, maxLength: 3 }), fc.nat({ max: 9 }), fc.boolean()).map(([parts, cut, closed]) => {
    const boundary = `----fuzz${cut}`;
    const head = (p: { name: string; filename?: string; type?: string }) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ""}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ""}\r\n`;
    const body = concat(...parts.flatMap((p) => [ascii(head(p)), p.bytes, ascii("\r\n")]), ascii(closed || cut > 0 ? `--${boundary}--\r\n` : ""));
    return { body, contentType: `multipart/form-data; boundary=${boundary}` };
  });
}

interface Case {
  persona: Persona;
  path: string;
  body?: string;
  /** a multipart body (then `body` is absent) */
  multipart?: Uint8Array;
  contentType: string;
  idempotencyKey?: string;
}

function casesFor(route: Route, doc: Json): fc.Arbitrary<Case> {
  const op = operationOf(doc, route);
  const multipart = multipartFor(op);
  // `/campaigns/:id` is a campaign's id, `/registrations/:id` a registration's.
  const params = fc.tuple(
    ...route.params.map((p) => {
      const before = route.path.split(`/:${p.name}`)[0]!.split("/").at(-1)!;
      const named = p.name === "id" ? `${before.replace(/ies$/, "y").replace(/s$/, "")}Id` : p.name;
      return pathParam(Object.hasOwn(hints, named) ? named : p.name);
    }),
  );
  return fc
    .record({
      persona: fc.constantFrom(...PERSONAS),
      params,
      query: queryFor(op),
      body: bodyFor(route, op),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant("application/json") },
        { weight: 1, arbitrary: fc.constantFrom("application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "APPLICATION/JSON") },
      ),
      idempotencyKey: route.idempotent
        ? fc.option(fc.oneof(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 140 }), fc.constantFrom(" ", "ÿ", "key\tkey")), { nil: undefined })
        : fc.constant(undefined),
      // A route that takes a file gets multipart bodies mostly, JSON and the rest now and then.
      upload: multipart ? fc.oneof({ weight: 3, arbitrary: multipart }, { weight: 1, arbitrary: fc.constant(undefined) }) : fc.constant(undefined),
    })
    .map(({ persona, params, query, body, contentType, idempotencyKey, upload }) => {
      let i = 0;
      const path = route.path.replace(/:\w+(\{[^}]*\})?\??/g, () => params[i++]!) + query;
      if (upload) return { persona, path, contentType: upload.contentType, multipart: upload.body };
      return { persona, path, contentType, ...(body !== undefined ? { body } : {}), ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) };
    });
}

// ---- what must hold ----

/** Why an answer breaks the contract, if it does. */
function answerProblems(res: { status: number; text: string; json: any }): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  if (res.status < 400) return problems;
  // A stack frame ("at fn (file:1:2)", "at node:…", "at /…") or an error's name never leaks.
  if (/\bat [\w.<>$]+ \(|\bat (file|node):|\bat \/|Error:/.test(res.text)) problems.push("stack or error text");
  const body = res.json;
  if (!body || typeof body !== "object" || Array.isArray(body)) return [...problems, "not a JSON object"];
  if (JSON.stringify(Object.keys(body)) !== '["error"]') problems.push(`top-level keys ${Object.keys(body)}`);
  const e = body.error;
  if (!e || typeof e !== "object" || Array.isArray(e)) return [...problems, "error is not an object"];
  const extra = Object.keys(e).filter((k) => !["code", "message", "details"].includes(k));
  if (extra.length) problems.push(`extra keys ${extra}`);
  if (typeof e.code !== "string" || !/^[A-Z][A-Z_]*$/.test(e.code)) problems.push(`code ${e.code}`);
  if (typeof e.message !== "string" || e.message.trim() === "") problems.push(`message ${JSON.stringify(e.message)}`);
  return problems;
}

const cookieOf = (c: ReturnType<TestApi["client"]>) => [...c.jar].map(([k, v]) => `${k}=${v}`).join("; ");

async function send(app: { request: typeof api.app.request }, method: string, c: Case) {
  let res: Response;
  try {
    res = await app.request(`${ORIGIN}${c.path}`, {
      method,
      headers: {
        origin: ORIGIN,
        host: "localhost",
        cookie: cookieOf(clients[c.persona]),
        ...(c.body !== undefined || c.multipart ? { "content-type": c.contentType } : {}),
        ...(c.idempotencyKey !== undefined ? { "idempotency-key": c.idempotencyKey } : {}),
      },
      ...(c.body !== undefined ? { body: c.body } : c.multipart ? { body: c.multipart as Uint8Array<ArrayBuffer> } : {}),
    });
  } catch (err) {
    // Only what a client could not send at all (a header no HTTP client puts on the wire).
    if (err instanceof TypeError && /header/i.test(err.message)) return undefined;
    throw err;
  }
  return readResponse(res);
}

/** Fuzzing a sign-out signs the persona out: she signs in again (a minute later) for the next route. */
async function stillSignedIn() {
  for (const p of ["participant", "admin"] as const) {
    if ((await clients[p].get("/api/me")).status === 200) continue;
    clock.advance(61_000);
    clients[p] = api.client();
    await clients[p].signIn(phones[p]);
  }
}

let sent = 0;
const stats: Record<string, number> = {};

beforeAll(async () => {
  api = await testApi({ clock });
  for (const p of PERSONAS) clients[p] = api.client();
  phones.participant = api.newPhone();
  await clients.participant.signIn(phones.participant);
  await clients.admin.signIn(phones.admin);
  await clients.anonymous.get("/api/health");
  const reg = await clients.participant.post(`/api/campaigns/${HEALTH}/registrations`, {
    sessionId: "s-health-01",
    answers: { name: "王秀兰", phone: phones.participant, district: "hn.cs.yl", consent: true },
  });
  expect(reg.status, reg.text).toBe(201);
  known.push(reg.json.registration.id, reg.json.registration.ticketCode);
  registrationIds.push(reg.json.registration.id);

  // A lecture whose form has every kind of check an answer goes through (hostile.int.test.ts's).
  const created = await clients.admin.post("/api/admin/campaigns", {
    kind: "event",
    title: "核验测试讲座",
    orgUnit: "hn",
    form: {
      fields: [
        { key: "name", label: "姓名", type: "text", required: true, maxLength: 20 },
        { key: "phone", label: "手机号", type: "phone", required: true },
        { key: "idNumber", label: "身份证号", type: "idNumber", required: true },
        { key: "city", label: "所在市州", type: "orgUnit", required: true },
        { key: "age", label: "年龄", type: "number", required: false, min: 18, max: 100 },
        { key: "consent", label: "同意", type: "consent", required: true },
      ],
    },
  });
  expect(created.status, created.text).toBe(201);
  const campaign = created.json.campaign.id as string;
  const session = await clients.admin.post(`/api/admin/campaigns/${campaign}/sessions`, { title: "第1场", startsAt: future(10), venue: "省妇联", capacity: 50, waitlist: true });
  expect(session.status, session.text).toBe(201);
  expect((await clients.admin.post(`/api/admin/campaigns/${campaign}/publish`)).status).toBe(200);
  campaignIds.push(campaign);
  sessionIds.push(session.json.session.id);
  known.push(campaign, session.json.session.id);
});

describe("fuzzing every route", () => {
  it("the route table it fuzzes is the app's", () => {
    expect(routeTable(api.app).map((r) => r.key)).toEqual(table.map((r) => r.key));
    expect(table.length).toBeGreaterThan(25);
  });

  const runs = Math.max(20, Math.ceil(TOTAL / table.length));
  let started: number | undefined;
  table.forEach((route, n) => {
    it(`${route.key}: ${runs} requests, never a 5xx or a stack, every 4xx in the error shape`, async () => {
      started ??= Date.now();
      const share = Math.max(500, (BUDGET_MS - (Date.now() - started)) / (table.length - n));
      await fc.assert(
        fc.asyncProperty(casesFor(route, document), async (c) => {
          const res = await send(api.app, route.method, c);
          sent++;
          if (!res) return;
          if (process.env.FUZZ_STATS) (stats[`${route.key} ${res.status}`] = (stats[`${route.key} ${res.status}`] ?? 0) + 1);
          const problems = answerProblems(res);
          if (problems.length) throw new Error(`${route.method} ${c.path.slice(0, 200)} as ${c.persona}, body ${(c.body ?? (c.multipart ? Buffer.from(c.multipart).toString("latin1") : "")).slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}: ${problems.join("; ")}`);
        }),
        { numRuns: runs, seed: SEED + n, endOnFailure: true, plugins: [fc.interruptAfterTimeLimit(share)] },
      );
      await stillSignedIn();
    });
  });

  it("paths and methods the app does not have: 404 (or 405) in the error shape, never a 5xx", async () => {
    const segment = fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }).map(encode), fc.constantFrom(...known), pathParam("x"));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...PERSONAS),
        fc.option(rawBody, { nil: undefined }),
        async (method, segments, persona, body) => {
          const path = `/api/${segments.join("/")}`;
          const c: Case = { persona, path, contentType: "application/json", ...(body !== undefined && method !== "GET" ? { body } : {}) };
          const res = await send(api.app, method, c);
          sent++;
          // `/api/../x` is `/x`: not the API's (the local stage serves the web app there).
          if (!res || !new URL(path, ORIGIN).pathname.startsWith("/api/")) return;
          const problems = answerProblems(res);
          if (problems.length) throw new Error(`${method} ${path.slice(0, 200)} as ${persona} → ${res.status} ${res.text.slice(0, 300)}: ${problems.join("; ")}`);
        },
      ),
      { numRuns: 100, seed: SEED, endOnFailure: true },
    );
  });

  it(`sent a few thousand requests in all (FUZZ_RUNS=${TOTAL}), unless the machine was too busy for its budget`, () => {
    const overBudget = started !== undefined && Date.now() - started > BUDGET_MS * 0.9;
    if (!overBudget) expect(sent).toBeGreaterThanOrEqual(Math.min(TOTAL, 2000));
    else console.warn(`fuzz: budget of ${BUDGET_MS} ms reached after ${sent} requests`);
    if (process.env.FUZZ_STATS) console.log(JSON.stringify(stats, null, 1));
  });
});

describe("negative controls: the properties catch", () => {
  it("a 5xx, a stack trace, a leaked error name, and a body out of the error shape", () => {
    const shaped = { error: { code: "NOT_FOUND", message: "没有找到" } };
    expect(answerProblems({ status: 404, text: JSON.stringify(shaped), json: shaped })).toEqual([]);
    expect(answerProblems({ status: 200, text: "[]", json: [] })).toEqual([]);
    expect(answerProblems({ status: 500, text: JSON.stringify(shaped), json: shaped })).toEqual(["status 500"]);
    const stack = { error: { code: "X", message: "m", details: "TypeError: x\n    at handler (file:///a.ts:1:2)" } };
    expect(answerProblems({ status: 400, text: JSON.stringify(stack), json: stack })).toEqual(["stack or error text"]);
    expect(answerProblems({ status: 400, text: "Bad Request", json: undefined })).toEqual(["not a JSON object"]);
    const extra = { error: { code: "X", message: "m", stack: "…" }, ok: false };
    expect(answerProblems({ status: 400, text: JSON.stringify(extra), json: extra })).toEqual(["top-level keys error,ok", "extra keys stack"]);
    const empty = { error: { code: "bad code", message: " " } };
    expect(answerProblems({ status: 422, text: JSON.stringify(empty), json: empty })).toEqual(["code bad code", 'message " "']);
  });

  it("a route that fails on a huge number: the drawn requests find it", async () => {
    const { Hono } = await import("hono");
    const { z } = await import("zod");
    const { valid } = await import("../src/validate.ts");
    const { onError, problem } = await import("../src/errors.ts");
    const things = new Hono().post("/things/:id", valid("json", z.object({ n: z.number(), label: z.string().max(20) })), (c) => {
      // The bug a fuzzer is for: fine for every number a person types, not for 1e308.
      if (Math.abs(c.req.valid("json").n) > 1e12) throw new RangeError("too big for the table");
      return c.body(null, 204);
    });
    things.onError(onError);
    const broken = new Hono().route("/api", things);
    broken.notFound((c) => problem(c, "NOT_FOUND"));
    const routes = routeTable(broken);
    const doc = openApiDocument(routes, { stage: "test" });
    const original = console.error;
    console.error = () => {};
    try {
      const result = await fc.check(
        fc.asyncProperty(casesFor(routes[0]!, doc), async (c) => {
          const res = await send(broken, "POST", c);
          return !res || answerProblems(res).length === 0;
        }),
        { numRuns: 300, seed: SEED },
      );
      expect(result.failed).toBe(true);
      // Shrunk to the cause: a body whose number is too big.
      const [found] = result.counterexample!;
      expect(Math.abs(JSON.parse(found!.body!).n)).toBeGreaterThan(1e12);
    } finally {
      console.error = original;
    }
  });
});
