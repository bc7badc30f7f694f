import { describe, it, expect, beforeAll } from "vitest";
import { testApi, ORIGIN, LECTURES, lectureAnswers, readResponse, type TestApi } from "../../../test/harness.ts";

/**
 * Answers and stored text are plain data: a key named like a member of Object.prototype never
 * reaches the prototype (nor a 5xx from marshalling), and text is cleaned before it is kept.
 */
type Client = ReturnType<TestApi["client"]>;
type Res = { status: number; json: any; text: string };

const SESSION = "s-cxcy-01";
const registerPath = `/api/campaigns/${LECTURES}/registrations`;

let api: TestApi;
let admin: Client;

beforeAll(async () => {
  api = await testApi();
  admin = api.client();
  await admin.signIn("13800000000");
});

/** A 4xx in the one error shape: `{ error: { code, message (Chinese), details? } }` and nothing else. */
function expectProblem(res: Res, status: number, code: string) {
  expect({ status: res.status, code: res.json?.error?.code }, res.text).toEqual({ status, code });
  expect(Object.keys(res.json)).toEqual(["error"]);
  expect(Object.keys(res.json.error).filter((k) => !["code", "message", "details"].includes(k))).toEqual([]);
  expect(res.json.error.message).toMatch(/[\u4e00-\u9fff]/);
  expect(res.text).not.toMatch(/Unsupported type|\bat [\w.<>$]+ \(|Error:/);
}

/** The reason given for an answer, whether the route or the form check named it (`answers.k` or `k`). */
const reasonFor = (res: Res, key: string): string | undefined => {
  const fields = res.json?.error?.details?.fields ?? {};
  return Object.hasOwn(fields, `answers.${key}`) ? fields[`answers.${key}`] : Object.hasOwn(fields, key) ? fields[key] : undefined;
};

async function woman() {
  const phone = api.newPhone();
  const c = api.client();
  await c.signIn(phone);
  return { c, phone };
}

/** A body sent as this exact JSON text: `JSON.stringify` would never write an own `__proto__` key. */
async function postRaw(who: Client, path: string, json: string): Promise<Res> {
  const cookie = [...who.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await api.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { host: "localhost", origin: ORIGIN, "content-type": "application/json", cookie },
    body: json,
  });
  return readResponse(res);
}

const campaignWithKey = (key: string) => ({
  kind: "event",
  title: "表单键测试",
  orgUnit: "hn",
  form: {
    fields: [
      { key: "name", label: "姓名", type: "text", required: true },
      { key, label: "备注", type: "text", required: false },
      { key: "consent", label: "同意", type: "consent", required: true },
    ],
  },
});

describe("form keys follow one pattern: lowerCamelCase, no Object.prototype names", () => {
  it("a form keyed like a prototype member is refused with 422, naming the key", async () => {
    const keys = ["constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "__proto__"];
    for (const key of keys) {
      const res = await admin.post("/api/admin/campaigns", campaignWithKey(key));
      expectProblem(res, 422, "VALIDATION");
      expect(res.json.error.details.fields, key).toEqual({ "form.fields.1.key": "FIELD_INVALID" });
    }
    for (const key of ["Note", "my_note", "1note", "note-1", "n".repeat(41), "名字"]) {
      expectProblem(await admin.post("/api/admin/campaigns", campaignWithKey(key)), 422, "VALIDATION");
    }
  });

  it("control: a lowerCamelCase key is taken", async () => {
    for (const key of ["note", "note2", "nomineeName", "n".repeat(40)]) {
      const res = await admin.post("/api/admin/campaigns", campaignWithKey(key));
      expect(res.status, res.text).toBe(201);
    }
  });
});

describe("answers carrying prototype names on the seeded lecture", () => {
  const hostile: [string, string][] = [
    ["constructor", `"constructor": "x"`],
    ["constructor", `"constructor": {"name": "Object"}`],
    ["toString", `"toString": "y"`],
    ["valueOf", `"valueOf": 1`],
    ["__proto__", `"__proto__": {"name": "王秀兰"}`],
    ["__proto__", `"__proto__": null`],
  ];

  it("is a clean 4xx naming the key, never a 500, and registers nothing", async () => {
    const w = await woman();
    const valid = JSON.stringify(lectureAnswers(w.phone)).slice(1, -1);
    for (const [key, member] of hostile) {
      const res = await postRaw(w.c, registerPath, `{"sessionId": "${SESSION}", "answers": {${valid}, ${member}}}`);
      expectProblem(res, 422, "VALIDATION");
      expect(reasonFor(res, key), member).toBe("FIELD_UNKNOWN");
    }
    expect((await w.c.get("/api/me/registrations")).json.items).toEqual([]);
  });

  it("answers only through __proto__ fill in nothing", async () => {
    const w = await woman();
    const res = await postRaw(w.c, registerPath, `{"sessionId": "${SESSION}", "answers": {"__proto__": ${JSON.stringify(lectureAnswers(w.phone))}}}`);
    expectProblem(res, 422, "VALIDATION");
    expect((await w.c.get("/api/me/registrations")).json.items).toEqual([]);
  });

  it("control: the same woman's valid answers still register (201), stored as sent", async () => {
    const w = await woman();
    const res = await w.c.post(registerPath, { sessionId: SESSION, answers: lectureAnswers(w.phone) });
    expect(res.status, res.text).toBe(201);
    expect(res.json.registration.answers).toEqual(lectureAnswers(w.phone));
  });
});

describe("text is cleaned before it is kept", () => {
  const register = (w: { c: Client; phone: string }, name: unknown) =>
    w.c.post(registerPath, { sessionId: SESSION, answers: { ...lectureAnswers(w.phone), name } });

  it("control characters, bidi overrides and line breaks in a name are refused with a reason", async () => {
    const w = await woman();
    for (const [name, reason] of [
      ["王\u0000秀兰", "FIELD_CHARACTERS"],
      ["王\u001b[31m秀兰", "FIELD_CHARACTERS"],
      ["王\u202e秀兰", "FIELD_CHARACTERS"],
      ["王\u2067秀兰", "FIELD_CHARACTERS"],
      ["王\u0085秀兰", "FIELD_CHARACTERS"],
      ["王\n秀兰", "FIELD_ONE_LINE"],
      ["\u200b\u200b\u200b", "FIELD_REQUIRED"],
      ["\ufeff \u2060", "FIELD_REQUIRED"],
    ] as const) {
      const res = await register(w, name);
      expectProblem(res, 422, "VALIDATION");
      expect(res.json.error.details.fields, JSON.stringify(name)).toEqual({ name: reason });
    }
    expect((await w.c.get("/api/me/registrations")).json.items).toEqual([]);
  });

  it("a lone surrogate is refused (sent as a JSON escape)", async () => {
    const w = await woman();
    const answers = JSON.stringify({ ...lectureAnswers(w.phone), name: "王秀兰" }).replace("王秀兰", "王\\ud800秀兰");
    const res = await postRaw(w.c, registerPath, `{"sessionId": "${SESSION}", "answers": ${answers}}`);
    expectProblem(res, 422, "VALIDATION");
    expect(res.json.error.details.fields).toEqual({ name: "FIELD_CHARACTERS" });
  });

  it("invisible characters are dropped and the name is kept in NFC", async () => {
    const w = await woman();
    const res = await register(w, "\u200b王\u200b秀兰\ufeff  Zoe\u0301");
    expect(res.status, res.text).toBe(201);
    expect(res.json.registration.answers.name).toBe("王秀兰  Zo\u00e9");
  });

  it("campaign and session titles, venues and descriptions are cleaned the same way", async () => {
    const bad = await admin.post("/api/admin/campaigns", { kind: "event", title: "讲座\u202egnp.exe", orgUnit: "hn", description: "第一行\u0000" });
    expectProblem(bad, 422, "VALIDATION");
    expect(bad.json.error.details.fields).toEqual({ title: "FIELD_CHARACTERS", description: "FIELD_CHARACTERS" });
    const blank = await admin.post("/api/admin/campaigns", { kind: "event", title: "\u200b\u200d", orgUnit: "hn" });
    expectProblem(blank, 422, "VALIDATION");
    expect(blank.json.error.details.fields).toEqual({ title: "FIELD_REQUIRED" });

    const ok = await admin.post("/api/admin/campaigns", { kind: "event", title: " 讲座\u200b ", orgUnit: "hn", description: "第一行\r\n第二行\u2028第三行" });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json.campaign.title).toBe("讲座");
    expect(ok.json.campaign.description).toBe("第一行\n第二行\n第三行");

    const sessions = `/api/admin/campaigns/${ok.json.campaign.id}/sessions`;
    const startsAt = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const refused = await admin.post(sessions, { title: "第1场\n", startsAt, venue: "省妇联\n二楼", capacity: 5, waitlist: false });
    expectProblem(refused, 422, "VALIDATION");
    expect(refused.json.error.details.fields).toEqual({ venue: "FIELD_ONE_LINE" });
    const session = await admin.post(sessions, { title: "第1场\n", startsAt, venue: "\ufeff省妇联", capacity: 5, waitlist: false });
    expect(session.status, session.text).toBe(201);
    expect(session.json.session).toMatchObject({ title: "第1场", venue: "省妇联" });
  });

  it("a person's own name is cleaned too", async () => {
    const w = await woman();
    const blank = await w.c.patch("/api/me", { name: "\u200b\u200c\u200d" });
    expectProblem(blank, 422, "VALIDATION");
    expect(blank.json.error.details.fields).toEqual({ name: "FIELD_REQUIRED" });
    const rtl = await w.c.patch("/api/me", { name: "\u202e兰秀王" });
    expectProblem(rtl, 422, "VALIDATION");
    expect(rtl.json.error.details.fields).toEqual({ name: "FIELD_CHARACTERS" });
    const ok = await w.c.patch("/api/me", { name: "\u200b王秀兰 " });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.user.name).toBe("王秀兰");
  });
});
