import { describe, it, expect, beforeAll } from "vitest";
import { getItem, query } from "@jinguo/core/db";
import { testApi, readResponse, ORIGIN, LECTURES, lectureAnswers, type TestApi } from "../../../test/harness.ts";

/**
 * Whatever arrives, the answer is a 4xx in the one error shape — never a 5xx, never a stack.
 */
type Client = ReturnType<TestApi["client"]>;
type Res = { status: number; json: any; text: string };

let api: TestApi;
let admin: Client, woman: Client, anon: Client;
let womanPhone: string;
/** an event campaign whose form has every kind of check a registration goes through */
let campaignId: string;
let sessionId: string;

// ---- GB 11643, computed here independently: weights 2^(17-i) mod 11, check (12 - sum mod 11) mod 11 ----
function residentId(first17: string): string {
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * (2 ** (17 - i) % 11), 0);
  const v = (12 - (sum % 11)) % 11;
  return first17 + (v === 10 ? "X" : String(v));
}
const VALID_ID = residentId("43010219850315123");
const BAD_ID = VALID_ID.slice(0, 17) + (VALID_ID[17] === "0" ? "1" : "0");

const goodAnswers = () => ({ name: "王秀兰", phone: womanPhone, idNumber: VALID_ID, city: "hn.cs", consent: true });

/** The one error shape, exactly, with a Chinese message and no trace of the server's insides. */
function shapeProblems(res: Res): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  if (res.status < 400) return problems;
  // A stack frame ("at fn (file:1:2)", "at node:…", "at /…") or an error's name never leaks.
  if (/\bat [\w.<>$]+ \(|\bat (file|node):|\bat \/|Error:/.test(res.text)) problems.push("stack or error text");
  const body = res.json;
  if (!body || typeof body !== "object" || Array.isArray(body)) return [...problems, `not JSON: ${res.text.slice(0, 80)}`];
  if (JSON.stringify(Object.keys(body)) !== '["error"]') problems.push(`top-level keys ${Object.keys(body)}`);
  const e = body.error ?? {};
  const extra = Object.keys(e).filter((k) => !["code", "message", "details"].includes(k));
  if (extra.length) problems.push(`extra keys ${extra}`);
  if (typeof e.code !== "string" || !/^[A-Z][A-Z_]*$/.test(e.code)) problems.push(`code ${e.code}`);
  if (typeof e.message !== "string" || !/[\u4e00-\u9fff]/.test(e.message)) problems.push(`message ${e.message}`);
  return problems;
}

function expectError(res: Res, status: number, code: string) {
  expect({ status: res.status, code: res.json?.error?.code }, res.text).toEqual({ status, code });
  expect(shapeProblems(res)).toEqual([]);
}

function expectFields(res: Res, fields: Record<string, string>) {
  expectError(res, 422, "VALIDATION");
  expect(res.json.error.details.fields).toEqual(fields);
}

/** A request with exactly these headers (no helpful defaults), and the cookies of `who`. */
async function raw(method: string, path: string, headers: Record<string, string>, body?: string, who?: Client): Promise<Res> {
  const cookie = who ? [...who.jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  const res = await api.app.request(`${ORIGIN}${path}`, {
    method,
    headers: { host: "localhost", ...(cookie ? { cookie } : {}), ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  return readResponse(res);
}

const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

beforeAll(async () => {
  api = await testApi();
  admin = api.client();
  woman = api.client();
  anon = api.client();
  womanPhone = api.newPhone();
  await admin.signIn("13800000000");
  await woman.signIn(womanPhone);
  await anon.get("/api/health");

  const created = await admin.post("/api/admin/campaigns", {
    kind: "event",
    title: "核验测试讲座",
    orgUnit: "hn",
    form: {
      fields: [
        { key: "name", label: "姓名", type: "text", required: true, maxLength: 20 },
        { key: "phone", label: "手机号", type: "phone", required: true },
        { key: "idNumber", label: "身份证号", type: "idNumber", required: true },
        { key: "city", label: "所在市州", type: "orgUnit", required: true },
        { key: "age", label: "年龄", type: "number", required: false },
        { key: "consent", label: "同意", type: "consent", required: true },
      ],
    },
  });
  expect(created.status, created.text).toBe(201);
  campaignId = created.json.campaign.id;
  const session = await admin.post(`/api/admin/campaigns/${campaignId}/sessions`, {
    title: "第1场",
    startsAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    venue: "省妇联",
    capacity: 50,
    waitlist: true,
  });
  expect(session.status, session.text).toBe(201);
  sessionId = session.json.session.id;
  expect((await admin.post(`/api/admin/campaigns/${campaignId}/publish`)).status).toBe(200);
});

const registerPath = () => `/api/campaigns/${campaignId}/registrations`;
const myRegistrations = async () => (await woman.get("/api/me/registrations")).json.items as any[];

describe("malformed bodies", () => {
  it("broken JSON is 400 BAD_REQUEST", async () => {
    for (const body of ["{", "{bad json}", '{"phone": "138', "[1,2", "nul", "\u0000", '{"a":1}}']) {
      expectError(await anon.post("/api/auth/otp", body), 400, "BAD_REQUEST");
      expectError(await woman.post(registerPath(), body), 400, "BAD_REQUEST");
      expectError(await admin.post(`/api/admin/campaigns/${campaignId}/sessions`, body), 400, "BAD_REQUEST");
      expectError(await woman.patch("/api/me", body), 400, "BAD_REQUEST");
    }
    expect(api.sent.size).toBe(2); // only the two sign-ins sent a code
  });

  it("wrong types are 422 VALIDATION naming the fields", async () => {
    expectFields(await woman.post(registerPath(), { sessionId, answers: "x" }), { answers: "FIELD_INVALID" });
    expectFields(await woman.post(registerPath(), { sessionId: 5, answers: goodAnswers() }), { sessionId: "FIELD_INVALID" });
    expectFields(await woman.post(registerPath(), { sessionId, answers: [1, 2] }), { answers: "FIELD_INVALID" });
    const future = new Date(Date.now() + 5 * 86_400_000).toISOString();
    expectFields(await admin.post(`/api/admin/campaigns/${campaignId}/sessions`, { title: "加场", startsAt: future, venue: "某地", capacity: "ten", waitlist: false }), {
      capacity: "FIELD_INVALID",
    });
    expectFields(await admin.post(`/api/admin/campaigns/${campaignId}/sessions`, { title: "加场", startsAt: "明天下午", venue: "某地", capacity: 10, waitlist: "yes" }), {
      startsAt: "FIELD_INVALID",
      waitlist: "FIELD_INVALID",
    });
    expectFields(await admin.post(`/api/admin/campaigns/${campaignId}/sessions`, { title: "加场", venue: "某地", capacity: -1, waitlist: false }), {
      startsAt: "FIELD_REQUIRED",
      capacity: "FIELD_INVALID",
    });
    expectFields(await anon.post("/api/auth/otp", { phone: 13812345678 }), { phone: "FIELD_INVALID" });
    expectFields(await anon.post("/api/auth/login", { phone: "13812345678", code: 123456 }), { code: "FIELD_INVALID" });
    expectFields(await woman.patch("/api/me", { name: 5 }), { name: "FIELD_INVALID" });
    expect(await myRegistrations()).toEqual([]);
  });

  it("a body that is JSON but not an object is 422", async () => {
    for (const body of ["[]", '"x"', "42", "null", "true"]) {
      expectError(await woman.post(registerPath(), body), 422, "VALIDATION");
      expectError(await anon.post("/api/auth/otp", body), 422, "VALIDATION");
    }
  });
});

describe("answers that break the form", () => {
  it("each is refused with its field's code, and nothing is registered", async () => {
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{ phone: "12345678901" }, { phone: "FIELD_PHONE" }],
      [{ phone: "1381234567" }, { phone: "FIELD_PHONE" }],
      [{ idNumber: BAD_ID }, { idNumber: "FIELD_ID_NUMBER" }],
      [{ idNumber: VALID_ID.slice(0, 17) }, { idNumber: "FIELD_ID_NUMBER" }],
      [{ consent: undefined }, { consent: "FIELD_CONSENT" }],
      [{ consent: false }, { consent: "FIELD_CONSENT" }],
      [{ consent: "true" }, { consent: "FIELD_CONSENT" }],
      [{ salary: "10000" }, { salary: "FIELD_UNKNOWN" }],
      [{ name: "王".repeat(21) }, { name: "FIELD_TOO_LONG" }],
      [{ name: "   " }, { name: "FIELD_REQUIRED" }],
      [{ city: "hn.nowhere" }, { city: "FIELD_ORG_UNIT" }],
      [{ city: "hn.cs", age: "三十" }, { age: "FIELD_INVALID" }],
      // Numbers the table cannot hold are refused as answers, not failed on write.
      [{ age: 1e200 }, { age: "FIELD_TOO_LARGE" }],
      [{ age: 1e-200 }, { age: "FIELD_INVALID" }],
    ];
    for (const [change, fields] of cases) {
      const answers: Record<string, unknown> = { ...goodAnswers(), ...change };
      for (const [k, v] of Object.entries(change)) if (v === undefined) delete answers[k];
      expectFields(await woman.post(registerPath(), { sessionId, answers }), fields);
    }
    expect(await myRegistrations()).toEqual([]);
  });

  it("all broken fields are named at once", async () => {
    const res = await woman.post(registerPath(), { sessionId, answers: { name: "王".repeat(30), phone: "1", idNumber: BAD_ID, city: "nowhere", extra: 1 } });
    expectFields(res, {
      name: "FIELD_TOO_LONG",
      phone: "FIELD_PHONE",
      idNumber: "FIELD_ID_NUMBER",
      city: "FIELD_ORG_UNIT",
      consent: "FIELD_CONSENT",
      extra: "FIELD_UNKNOWN",
    });
  });

  it("control: the same answers with the right check digit are taken", async () => {
    const res = await woman.post(registerPath(), { sessionId, answers: { ...goodAnswers(), idNumber: VALID_ID.toLowerCase() } });
    expect(res.status, res.text).toBe(201);
    expect(res.json.registration.answers.idNumber).toBe(VALID_ID);
    expect(await myRegistrations()).toHaveLength(1);
  });
});

describe("content type and size", () => {
  it("a text/plain body is 415, even when it is JSON", async () => {
    const body = JSON.stringify({ phone: "13812345678" });
    expectError(await anon.post("/api/auth/otp", body, { "content-type": "text/plain" }), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectError(await woman.post(registerPath(), JSON.stringify({ sessionId, answers: goodAnswers() }), { "content-type": "text/plain;charset=UTF-8" }), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectError(await anon.post("/api/auth/otp", body, { "content-type": "application/x-www-form-urlencoded" }), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectError(await anon.post("/api/auth/otp", body, { "content-type": "multipart/form-data; boundary=x" }), 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(api.sent.has("13812345678")).toBe(false);
    // application/json with a charset is JSON.
    expect((await anon.post("/api/auth/otp", body, { "content-type": "application/json; charset=utf-8" })).status).toBe(204);
  });

  it("a body over 64 KB is 413, with or without a Content-Length", async () => {
    const big = JSON.stringify({ phone: "13812345679", pad: "x".repeat(65 * 1024) });
    expectError(await anon.post("/api/auth/otp", big), 413, "PAYLOAD_TOO_LARGE");
    expectError(await anon.post("/api/auth/otp", big, { "content-length": String(Buffer.byteLength(big)) }), 413, "PAYLOAD_TOO_LARGE");
    const bigAnswers = JSON.stringify({ sessionId, answers: { ...goodAnswers(), name: "王".repeat(30_000) } });
    expectError(await woman.post(registerPath(), bigAnswers), 413, "PAYLOAD_TOO_LARGE");
    expect(api.sent.has("13812345679")).toBe(false);
    // Just under the limit is read (and refused on its merits).
    const under = JSON.stringify({ sessionId, answers: { ...goodAnswers(), name: "x".repeat(60 * 1024) } });
    expectFields(await woman.post(registerPath(), under), { name: "FIELD_TOO_LONG" });
  });
});

describe("unknown things", () => {
  it("unknown campaign, session, registration, ticket and path are 404", async () => {
    expectError(await anon.get("/api/campaigns/c-nope"), 404, "CAMPAIGN_NOT_FOUND");
    expectError(await woman.post("/api/campaigns/c-nope/registrations", { sessionId, answers: goodAnswers() }), 404, "CAMPAIGN_NOT_FOUND");
    expectError(await woman.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId: "s-nope", answers: lectureAnswers(womanPhone) }), 404, "SESSION_NOT_FOUND");
    // A session of another campaign is not a session of this one.
    expectError(await woman.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId: "s-health-01", answers: lectureAnswers(womanPhone) }), 404, "SESSION_NOT_FOUND");
    for (const id of ["s-cxcy-01.u000000000000", "nope", `${sessionId}.u000000000000`]) {
      expectError(await woman.get(`/api/registrations/${id}`), 404, "REGISTRATION_NOT_FOUND");
      expectError(await woman.get(`/api/registrations/${id}/ticket`), 404, "REGISTRATION_NOT_FOUND");
      expectError(await woman.del(`/api/registrations/${id}`), 404, "REGISTRATION_NOT_FOUND");
    }
    expectError(await admin.get("/api/admin/campaigns/c-nope"), 404, "CAMPAIGN_NOT_FOUND");
    expectError(await admin.get("/api/admin/audit?campaignId=c-nope"), 404, "CAMPAIGN_NOT_FOUND");
    expectError(await admin.patch(`/api/admin/campaigns/${campaignId}/sessions/s-nope`, { capacity: 3 }), 404, "SESSION_NOT_FOUND");
    expectError(await admin.del(`/api/admin/campaigns/${campaignId}/sessions/s-nope`), 404, "SESSION_NOT_FOUND");
    expectError(await admin.patch(`/api/admin/campaigns/${LECTURES}/sessions/s-health-01`, { capacity: 3 }), 404, "SESSION_NOT_FOUND");
    expectError(await admin.post("/api/admin/checkins", { ticketCode: "ZZZZZZZZ" }), 404, "TICKET_NOT_FOUND");
    expectError(await admin.post("/api/admin/checkins", { ticketCode: "not a code!" }), 404, "TICKET_NOT_FOUND");
    for (const path of ["/api/nope", "/api", "/api/", `/api/campaigns/${LECTURES}/nope`, "/api/admin/nope", "/api/me/nope", "/api/registrations"]) {
      expectError(await admin.get(path), 404, "NOT_FOUND");
    }
    expectError(await admin.post("/api/health", {}), 404, "NOT_FOUND");
    expectError(await admin.put(`/api/campaigns/${LECTURES}`, {}), 404, "NOT_FOUND");
    // A draft is not there for the public.
    const draft = await admin.post("/api/admin/campaigns", { kind: "event", title: "草稿", orgUnit: "hn" });
    expectError(await anon.get(`/api/campaigns/${draft.json.campaign.id}`), 404, "CAMPAIGN_NOT_FOUND");
    expectError(await woman.post(`/api/campaigns/${draft.json.campaign.id}/registrations`, { sessionId, answers: {} }), 404, "CAMPAIGN_NOT_FOUND");
  });

  it("weird ids are a 4xx, never a 5xx", async () => {
    const weird = [
      "x".repeat(3000),
      "c".repeat(20_000),
      encodeURIComponent("活动🎉"),
      "..%2F..%2Fhealth",
      "%2e%2e",
      "..",
      "%00",
      "c-%00-x",
      "%E0%A4%A",
      "%",
      "a.b.c",
      "%20",
      encodeURIComponent("\u202e\u0000\uffff"),
      encodeURIComponent("'; DROP TABLE --"),
      encodeURIComponent('{"$ne":null}'),
      "CAMPAIGN%23c-2019-cxcy-lectures",
      `s-cxcy-01.u${"0".repeat(2000)}`,
    ];
    const problems: string[] = [];
    for (const id of weird) {
      const tries: [Client, string, string, unknown?][] = [
        [anon, "GET", `/api/campaigns/${id}`],
        [woman, "POST", `/api/campaigns/${id}/registrations`, { sessionId: id.slice(0, 64), answers: {} }],
        [woman, "POST", `/api/campaigns/${LECTURES}/registrations`, { sessionId: decodeURIComponentSafe(id).slice(0, 64), answers: {} }],
        [woman, "GET", `/api/registrations/${id}`],
        [woman, "GET", `/api/registrations/${id}/ticket`],
        [woman, "DELETE", `/api/registrations/${id}`],
        [admin, "GET", `/api/admin/campaigns/${id}`],
        [admin, "PATCH", `/api/admin/campaigns/${id}`, { title: "x" }],
        [admin, "POST", `/api/admin/campaigns/${id}/publish`],
        [admin, "GET", `/api/admin/campaigns/${id}/registrations`],
        [admin, "GET", `/api/admin/campaigns/${id}/registrations.csv`],
        [admin, "PATCH", `/api/admin/campaigns/${LECTURES}/sessions/${id}`, { capacity: 1 }],
        [admin, "DELETE", `/api/admin/campaigns/${LECTURES}/sessions/${id}`],
        [admin, "GET", `/api/admin/audit?campaignId=${id}`],
        [admin, "POST", "/api/admin/checkins", { ticketCode: decodeURIComponentSafe(id).slice(0, 32) }],
      ];
      for (const [who, method, path, body] of tries) {
        const res = await who.request(method, path, body);
        const p = shapeProblems(res);
        if (res.status < 400) p.push(`status ${res.status}`);
        if (p.length) problems.push(`${method} ${path.slice(0, 60)} → ${res.status}: ${p.join(", ")}`);
      }
      // A filter naming no session is a filter that matches nothing.
      const filtered = await admin.get(`/api/admin/campaigns/${LECTURES}/registrations?sessionId=${id}`);
      if (filtered.status === 200) expect(filtered.json.items).toEqual([]);
      else expect(shapeProblems(filtered)).toEqual([]);
    }
    expect(problems).toEqual([]);
  });

  it("forged list cursors are refused, never a 5xx", async () => {
    const cursors = [
      "!!!",
      b64("5"),
      b64('"x"'),
      b64("[]"),
      b64({ a: 1 }),
      b64({ pk: "USER#x", sk: "y" }),
      b64({ pk: "CAMPAIGN#c-2019-cxcy-lectures", sk: "CAMPAIGN", gsi1pk: "x", gsi1sk: "y" }),
      b64({ pk: 1, sk: 2, gsi1pk: 3, gsi1sk: 4 }),
      b64({ pk: "x".repeat(3000), sk: "y", gsi1pk: "z", gsi1sk: "w" }),
      b64({ s: -1 }),
      b64({ s: 1.5 }),
      b64({ s: "0" }),
      b64({ s: 0, k: { a: 1 } }),
      b64({ s: 0, k: "x" }),
      b64({ s: 0, k: { pk: "SESSION#s-cxcy-02", sk: "REG#u000000000000" } }),
      b64({ s: 0, k: { pk: "SESSION#s-cxcy-01", sk: "WAIT#x" } }),
      "x".repeat(1999),
    ];
    const problems: string[] = [];
    for (const cursor of cursors) {
      for (const [who, path] of [
        [woman, `/api/me/registrations?cursor=${cursor}`],
        [admin, `/api/admin/campaigns/${LECTURES}/registrations?cursor=${cursor}`],
        [admin, `/api/admin/audit?campaignId=${LECTURES}&cursor=${cursor}`],
      ] as [Client, string][]) {
        const res = await who.get(path);
        const p = shapeProblems(res);
        if (res.status !== 422 || res.json?.error?.details?.fields?.cursor !== "FIELD_INVALID") p.push(`not a cursor refusal`);
        if (p.length) problems.push(`${path.slice(0, 70)} [${Buffer.from(cursor, "base64url").toString().slice(0, 60)}] → ${res.status} ${res.text.slice(0, 80)}: ${p.join(", ")}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("reads by a key longer than DynamoDB allows find nothing (the cloud refuses such keys even on Query)", async () => {
    expect(await getItem(api.db, { pk: `CAMPAIGN#${"x".repeat(3000)}`, sk: "CAMPAIGN" })).toBeUndefined();
    expect(await getItem(api.db, { pk: `CAMPAIGN#${LECTURES}`, sk: "S".repeat(1100) })).toBeUndefined();
    expect((await query(api.db, { partition: `CAMPAIGN#${"活".repeat(700)}` })).items).toEqual([]);
    // Control: the same calls with a real key find it.
    expect(await getItem(api.db, { pk: `CAMPAIGN#${LECTURES}`, sk: "CAMPAIGN" })).toMatchObject({ id: LECTURES });
    expect((await query(api.db, { partition: `CAMPAIGN#${LECTURES}` })).items.length).toBeGreaterThan(1);
  });

  it("control: real cursors still page (table and index)", async () => {
    expect((await woman.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId: "s-cxcy-05", answers: lectureAnswers(womanPhone) })).status).toBe(201);
    const mine: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Res = await woman.get(`/api/me/registrations?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status, res.text).toBe(200);
      mine.push(...res.json.items.map((i: any) => i.id));
      cursor = res.json.cursor;
    } while (cursor && mine.length < 10);
    expect(mine).toHaveLength(2);
    expect(new Set(mine).size).toBe(2);

    const first = await admin.get(`/api/admin/audit?campaignId=${campaignId}&limit=1`);
    expect(first.status).toBe(200);
    expect(first.json.cursor).toEqual(expect.any(String));
    const second = await admin.get(`/api/admin/audit?campaignId=${campaignId}&limit=1&cursor=${first.json.cursor}`);
    expect(second.status).toBe(200);
    expect(second.json.items[0].id).not.toBe(first.json.items[0].id);
  });
});

function decodeURIComponentSafe(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

describe("CSRF", () => {
  const crossSite = { origin: "https://evil.example", "content-type": "text/plain" };

  it("a cross-site text/plain form post to register is 403 CSRF, and registers nothing", async () => {
    const before = (await myRegistrations()).length;
    const body = JSON.stringify({ sessionId: "s-cxcy-03", answers: lectureAnswers(womanPhone) });
    expectError(await raw("POST", `/api/campaigns/${LECTURES}/registrations`, crossSite, body, woman), 403, "CSRF");
    // The same with a JSON type (a fetch from the other site, if CORS let it through).
    expectError(await raw("POST", `/api/campaigns/${LECTURES}/registrations`, { ...crossSite, "content-type": "application/json" }, body, woman), 403, "CSRF");
    expect(await myRegistrations()).toHaveLength(before);
  });

  it("a cross-site post to ask for a code is 403 CSRF, and sends nothing", async () => {
    const phone = api.newPhone();
    expectError(await raw("POST", "/api/auth/otp", crossSite, JSON.stringify({ phone }), anon), 403, "CSRF");
    expect(api.sent.has(phone)).toBe(false);
  });

  it("origins that are not exactly ours are refused, and so is a token that does not match", async () => {
    const phone = api.newPhone();
    const csrf = anon.jar.get("csrf")!;
    const json = { "content-type": "application/json" };
    const body = JSON.stringify({ phone });
    for (const origin of ["null", "http://localhost:8080", "https://localhost", "http://localhost.evil.example", "http://evil.example", ""]) {
      expectError(await raw("POST", "/api/auth/otp", { ...json, origin }, body, anon), 403, "CSRF");
    }
    expectError(await raw("POST", "/api/auth/otp", json, body, anon), 403, "CSRF"); // no Origin, no token
    expectError(await raw("POST", "/api/auth/otp", { ...json, "x-csrf-token": `${csrf}x` }, body, anon), 403, "CSRF");
    expectError(await raw("POST", "/api/auth/otp", { ...json, "x-csrf-token": "" }, body, anon), 403, "CSRF");
    // A token with no cookie to match proves nothing.
    expectError(await raw("POST", "/api/auth/otp", { ...json, "x-csrf-token": csrf }, body), 403, "CSRF");
    expect(api.sent.has(phone)).toBe(false);
  });

  it("with x-csrf-token equal to the csrf cookie and no Origin, the request passes CSRF", async () => {
    const csrf = woman.jar.get("csrf");
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const headers = { "x-csrf-token": csrf! };
    const body = JSON.stringify({ sessionId: "s-cxcy-03", answers: lectureAnswers(womanPhone) });
    // The very same text/plain post gets past CSRF and is stopped only for not being JSON ...
    expectError(await raw("POST", `/api/campaigns/${LECTURES}/registrations`, { ...headers, "content-type": "text/plain" }, body, woman), 415, "UNSUPPORTED_MEDIA_TYPE");
    // ... and as JSON it goes through.
    const ok = await raw("POST", `/api/campaigns/${LECTURES}/registrations`, { ...headers, "content-type": "application/json" }, body, woman);
    expect(ok.status, ok.text).toBe(201);
    const phone = api.newPhone();
    const otp = await raw("POST", "/api/auth/otp", { "x-csrf-token": anon.jar.get("csrf")!, "content-type": "application/json" }, JSON.stringify({ phone }), anon);
    expect(otp.status, otp.text).toBe(204);
    expect(api.sent.get(phone)).toMatch(/^\d{6}$/);
  });

  it("our own origin passes, on localhost and on 127.0.0.1", async () => {
    for (const host of ["localhost", "127.0.0.1", "localhost:3000"]) {
      const phone = api.newPhone();
      const res = await api.app.request(`http://${host}/api/auth/otp`, {
        method: "POST",
        headers: { host, origin: `http://${host}`, "content-type": "application/json" },
        body: JSON.stringify({ phone }),
      });
      expect(res.status, host).toBe(204);
    }
  });
});

// The random requests that were here are in fuzz.int.test.ts: property-based, every route of the
// route table, this file's answer-checking form among its fixtures.
