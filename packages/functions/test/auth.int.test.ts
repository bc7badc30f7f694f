import { describe, it, expect, beforeAll } from "vitest";
import { randomBytes } from "node:crypto";
import { createApp } from "@jinguo/functions";
import { OTP_MAX_TRIES, OTP_TTL_MS, otpGuards } from "@jinguo/core/identity";
import { devOutbox } from "@jinguo/core/sms";
import { testApi, fixedClock, ORIGIN, type TestApi } from "../../../test/harness.ts";

/**
 * Signing in by number and one-time code (API.md, Identity), on a clock the test moves: codes
 * last five minutes, five tries, one code a minute per number.
 */
type Client = ReturnType<TestApi["client"]>;
type Res = Awaited<ReturnType<Client["get"]>>;

// Far from midnight UTC, so the day's window never turns over while the file runs.
const clock = fixedClock("2026-06-10T02:00:05.000Z");
let api: TestApi;

/** Five seconds into the next minute: a fresh per-minute window, and "within a minute" stays in it. */
const nextMinute = () => clock.set(new Date(Math.floor(clock.now().getTime() / 60_000) * 60_000 + 65_000));
const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

function expectError(res: Res, status: number, code: string) {
  expect({ status: res.status, code: res.json?.error?.code }, res.text).toEqual({ status, code });
  expect(Object.keys(res.json)).toEqual(["error"]);
  expect(res.json.error.message).toMatch(/[\u4e00-\u9fff]/);
}

const sessionCookie = (res: Res) => res.headers.getSetCookie().find((c) => c.startsWith("sid="));

async function ask(c: Client, phone: string) {
  return c.post("/api/auth/otp", { phone });
}
async function login(c: Client, phone: string, code: string | undefined) {
  return c.post("/api/auth/login", { phone, code });
}

beforeAll(async () => {
  api = await testApi({ clock });
});

describe("asking for a code", () => {
  it("is 204 and sends six digits", async () => {
    nextMinute();
    const phone = api.newPhone();
    const res = await ask(api.client(), phone);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(api.sent.get(phone)).toMatch(/^\d{6}$/);
  });

  it("a second time within a minute is 429 OTP_TOO_OFTEN, sends nothing, and the first code still works", async () => {
    nextMinute();
    const phone = api.newPhone();
    const c = api.client();
    expect((await ask(c, phone)).status).toBe(204);
    const first = api.sent.get(phone);
    expectError(await ask(c, phone), 429, "OTP_TOO_OFTEN");
    clock.advance(30_000);
    expectError(await ask(api.client(), phone), 429, "OTP_TOO_OFTEN"); // another device, the same number
    expect(api.sent.get(phone)).toBe(first);
    expect((await login(c, phone, first)).status).toBe(200);
  });

  it("after the minute, a new code replaces the old one", async () => {
    nextMinute();
    const phone = api.newPhone();
    const c = api.client();
    await ask(c, phone);
    const old = api.sent.get(phone)!;
    nextMinute();
    expect((await ask(c, phone)).status).toBe(204);
    const fresh = api.sent.get(phone)!;
    if (fresh !== old) expectError(await login(c, phone, old), 401, "OTP_INVALID");
    expect((await login(c, phone, fresh)).status).toBe(200);
  });

  it("ten a day per number, then 429 until tomorrow", async () => {
    nextMinute();
    const phone = api.newPhone();
    const c = api.client();
    for (let i = 0; i < 10; i++) {
      expect((await ask(c, phone)).status, `code ${i + 1}`).toBe(204);
      nextMinute();
    }
    expectError(await ask(c, phone), 429, "OTP_TOO_OFTEN");
  });
});

describe("typing the code", () => {
  it("a wrong code is 401 OTP_INVALID and sets no cookie", async () => {
    nextMinute();
    const phone = api.newPhone();
    const c = api.client();
    await ask(c, phone);
    const res = await login(c, phone, otherCode(api.sent.get(phone)!));
    expectError(res, 401, "OTP_INVALID");
    expect(sessionCookie(res)).toBeUndefined();
    expectError(await c.get("/api/me"), 401, "UNAUTHENTICATED");
  });

  it("a number that never asked gets 401, and a code that is not six digits 422", async () => {
    const c = api.client();
    expectError(await login(c, api.newPhone(), "123456"), 401, "OTP_INVALID");
    expectError(await login(c, api.newPhone(), "12345"), 422, "VALIDATION");
    expectError(await login(c, "12345", "123456"), 422, "VALIDATION");
  });

  it(`${OTP_MAX_TRIES} wrong tries, then the right code on the 6th: 429 OTP_LOCKED, void until a new code`, async () => {
    expect(OTP_MAX_TRIES).toBe(5);
    nextMinute();
    const phone = api.newPhone();
    const c = api.client();
    await ask(c, phone);
    const code = api.sent.get(phone)!;
    for (let i = 0; i < 5; i++) expectError(await login(c, phone, otherCode(code)), 401, "OTP_INVALID");
    const sixth = await login(c, phone, code);
    expectError(sixth, 429, "OTP_LOCKED");
    expect(sessionCookie(sixth)).toBeUndefined();
    expectError(await login(c, phone, code), 429, "OTP_LOCKED"); // still void
    expectError(await login(api.client(), phone, code), 429, "OTP_LOCKED"); // from anywhere
    // Asking again within the minute is refused, and the void code stays void.
    expectError(await ask(c, phone), 429, "OTP_TOO_OFTEN");
    expectError(await login(c, phone, code), 429, "OTP_LOCKED");
    // A new code, a minute later, works.
    nextMinute();
    expect((await ask(c, phone)).status).toBe(204);
    const res = await login(c, phone, api.sent.get(phone));
    expect(res.status, res.text).toBe(200);
    expect((await c.get("/api/me")).status).toBe(200);
  });

  it("negative control: with the try limit lifted, the right code on the 6th gets in, and the check sees it", async () => {
    otpGuards.maxTries = 1000;
    try {
      nextMinute();
      const phone = api.newPhone();
      const c = api.client();
      await ask(c, phone);
      const code = api.sent.get(phone)!;
      for (let i = 0; i < 5; i++) await login(c, phone, otherCode(code));
      expect((await login(c, phone, code)).status).toBe(200);
    } finally {
      otpGuards.maxTries = OTP_MAX_TRIES;
    }
  });

  it("four wrong tries still leave the fifth", async () => {
    nextMinute();
    const phone = api.newPhone();
    const c = api.client();
    await ask(c, phone);
    const code = api.sent.get(phone)!;
    for (let i = 0; i < 4; i++) expectError(await login(c, phone, otherCode(code)), 401, "OTP_INVALID");
    expect((await login(c, phone, code)).status).toBe(200);
  });

  it("parallel guesses cannot get past the five tries", async () => {
    nextMinute();
    const phone = api.newPhone();
    const c = api.client();
    await ask(c, phone);
    const code = api.sent.get(phone)!;
    const wrong = Array.from({ length: 20 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, "0"));
    const results = await Promise.all(wrong.map((w) => login(api.client(), phone, w)));
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429).every((r) => r.json.error.code === "OTP_LOCKED")).toBe(true);
    expect(results.filter((r) => r.status !== 401 && r.status !== 429)).toEqual([]);
    expectError(await login(c, phone, code), 429, "OTP_LOCKED");
  });

  it("expires after five minutes: at 5 min + 1 s the right code is 401", async () => {
    expect(OTP_TTL_MS).toBe(5 * 60_000);
    nextMinute();
    const late = api.newPhone();
    const inTime = api.newPhone();
    const c = api.client();
    await ask(c, late);
    await ask(c, inTime);
    clock.advance(5 * 60_000 - 1000);
    expect((await login(c, inTime, api.sent.get(inTime))).status).toBe(200);
    clock.advance(2000); // 5 min + 1 s
    expectError(await login(c, late, api.sent.get(late)), 401, "OTP_INVALID");
  });

  it("works once only", async () => {
    nextMinute();
    const phone = api.newPhone();
    const c = api.client();
    await ask(c, phone);
    const code = api.sent.get(phone)!;
    expect((await login(c, phone, code)).status).toBe(200);
    expectError(await login(api.client(), phone, code), 401, "OTP_INVALID");
  });

  it("two sign-ins racing with the same code: one wins", async () => {
    nextMinute();
    const phone = api.newPhone();
    await ask(api.client(), phone);
    const code = api.sent.get(phone)!;
    const results = await Promise.all(Array.from({ length: 6 }, () => login(api.client(), phone, code)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 401 && r.json.error.code === "OTP_INVALID")).toBe(true);
  });
});

describe("the signed-in person", () => {
  let admin: Client;
  let loginRes: Res;

  beforeAll(async () => {
    nextMinute();
    admin = api.client();
    await ask(admin, "13800000000");
    loginRes = await login(admin, "13800000000", api.sent.get("13800000000"));
  });

  it("login answers with the user: masked phone, name, roles", async () => {
    expect(loginRes.status).toBe(200);
    expect(loginRes.json.user).toMatchObject({ phone: "138****0000", name: "刘湘云" });
    expect(loginRes.text).not.toContain("13800000000");
  });

  it("GET /api/me gives the same: masked phone and roles", async () => {
    const me = await admin.get("/api/me");
    expect(me.status).toBe(200);
    expect(me.json.user).toEqual({
      id: loginRes.json.user.id,
      phone: "138****0000",
      name: "刘湘云",
      roles: [{ role: "admin" }, { role: "organiser", orgUnit: "hn" }],
    });
    expect(me.text).not.toContain("13800000000");
  });

  it("a first sign-in makes an account with no roles", async () => {
    nextMinute();
    const phone = api.newPhone();
    const c = api.client();
    await ask(c, phone);
    const res = await login(c, phone, api.sent.get(phone));
    expect(res.json.user).toEqual({ id: expect.stringMatching(/^u[0-9a-z]{12}$/), phone: masked(phone), roles: [] });
    expect((await c.get("/api/me")).json.user.id).toBe(res.json.user.id);
    // Signing in again is the same account.
    nextMinute();
    const again = api.client();
    await ask(again, phone);
    expect((await login(again, phone, api.sent.get(phone))).json.user.id).toBe(res.json.user.id);
  });

  it("the session cookie is HttpOnly, SameSite=Lax, for 30 days, and not Secure on localhost", () => {
    const cookie = sessionCookie(loginRes)!;
    expect(cookie).toBeDefined();
    const attrs = cookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attrs).toContain("httponly");
    expect(attrs).toContain("samesite=lax");
    expect(attrs).toContain("path=/");
    expect(attrs).toContain(`max-age=${30 * 86_400}`);
    expect(attrs).not.toContain("secure");
  });

  it("the session cookie is Secure anywhere but localhost", async () => {
    nextMinute();
    const phone = api.newPhone();
    const site = "https://jinguo.example.cn";
    const post = (path: string, body: unknown) =>
      api.app.request(`${site}${path}`, {
        method: "POST",
        headers: { host: "jinguo.example.cn", origin: site, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post("/api/auth/otp", { phone })).status).toBe(204);
    const res = await post("/api/auth/login", { phone, code: api.sent.get(phone) });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("sid="))!;
    const attrs = cookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(["secure", "httponly", "samesite=lax"]));
  });

  it("a tampered session cookie is 401", async () => {
    const sid = admin.jar.get("sid")!;
    const [payload, mac] = sid.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, uid: "u000000000000" })).toString("base64url");
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    for (const bad of [`${forged}.${mac}`, `${flip(payload, 5)}.${mac}`, `${payload}.${flip(mac, 10)}`, `${sid}.x`, `${payload}.`, "x", ""]) {
      const res = await api.app.request(`${ORIGIN}/api/me`, { headers: { host: "localhost", cookie: `sid=${bad}` } });
      expect(res.status, bad).toBe(401);
      expect(((await res.json()) as any).error.code).toBe("UNAUTHENTICATED");
    }
    // Control: the untouched cookie works the same way.
    const ok = await api.app.request(`${ORIGIN}/api/me`, { headers: { host: "localhost", cookie: `sid=${sid}` } });
    expect(ok.status).toBe(200);
  });

  it("a session expires after 30 days", async () => {
    nextMinute();
    const phone = api.newPhone();
    const c = api.client();
    await ask(c, phone);
    await login(c, phone, api.sent.get(phone));
    expect((await c.get("/api/me")).status).toBe(200);
    clock.advance(30 * 86_400_000);
    expectError(await c.get("/api/me"), 401, "UNAUTHENTICATED");
    expect((await admin.get("/api/me")).status).toBe(401); // hers was older still
  });

  it("logout is 204, clears the cookie, and /api/me is 401 after", async () => {
    nextMinute();
    const c = api.client();
    await ask(c, "13800000001");
    await login(c, "13800000001", api.sent.get("13800000001"));
    expect((await c.get("/api/me")).status).toBe(200);
    const out = await c.post("/api/auth/logout");
    expect(out.status).toBe(204);
    expect(sessionCookie(out)).toMatch(/^sid=;.*max-age=0/i);
    expect(c.jar.has("sid")).toBe(false);
    expectError(await c.get("/api/me"), 401, "UNAUTHENTICATED");
    expectError(await c.get("/api/me/registrations"), 401, "UNAUTHENTICATED");
  });
});

describe("the stage", () => {
  const deps = (stage: string, sms = { sendOtp: async () => {}, sendNotice: async () => {} }) => ({
    db: api.db,
    clock,
    secret: randomBytes(32).toString("base64url"),
    stage,
    sms,
    rateLimitPerClient: false,
  });
  const get = (app: ReturnType<typeof createApp>, path: string, cookie?: string) =>
    app.request(`${ORIGIN}${path}`, { headers: { host: "localhost", ...(cookie ? { cookie } : {}) } });
  const post = (app: ReturnType<typeof createApp>, path: string, body: unknown) =>
    app.request(`${ORIGIN}${path}`, { method: "POST", headers: { host: "localhost", origin: ORIGIN, "content-type": "application/json" }, body: JSON.stringify(body) });

  it("local: the dev outbox has the code (newest first), and the log line masks the number", async () => {
    nextMinute();
    const lines: string[] = [];
    const local = createApp({ ...deps("local"), sms: devOutbox(api.db, clock, (l) => lines.push(l)) });
    const phone = api.newPhone();
    expect((await post(local, "/api/auth/otp", { phone })).status).toBe(204);
    const res = await get(local, `/api/dev/outbox?phone=${phone}`);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { phone: string; code: string; sentAt: string }[] };
    expect(items).toHaveLength(1);
    expect(items[0]).toEqual({ phone, code: expect.stringMatching(/^\d{6}$/), sentAt: clock.now().toISOString() });
    expect((await post(local, "/api/auth/login", { phone, code: items[0]!.code })).status).toBe(200);
    nextMinute();
    await post(local, "/api/auth/otp", { phone });
    const two = ((await (await get(local, `/api/dev/outbox?phone=${phone}`)).json()) as { items: { sentAt: string }[] }).items;
    expect(two.map((i) => i.sentAt)).toEqual([...two.map((i) => i.sentAt)].sort().reverse());
    expect(two).toHaveLength(2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(masked(phone));
    for (const l of lines) expect(l).not.toContain(phone);
    // The harness app is local too.
    expect((await api.client().get(`/api/dev/outbox?phone=${phone}`)).status).toBe(200);
  });

  it("any other stage: /api/dev/outbox is 404", async () => {
    const prod = createApp(deps("production"));
    const staging = createApp(deps("staging"));
    for (const app of [prod, staging]) {
      const res = await get(app, "/api/dev/outbox?phone=13800000000");
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } });
      expect((await get(app, "/api/health")).status).toBe(200);
    }
  });

  it("a session cookie signed under another secret is refused", async () => {
    nextMinute();
    const c = api.client();
    const phone = api.newPhone();
    await ask(c, phone);
    await login(c, phone, api.sent.get(phone));
    const other = createApp(deps("local"));
    const res = await get(other, "/api/me", `sid=${c.jar.get("sid")}`);
    expect(res.status).toBe(401);
    expect((await get(api.app, "/api/me", `sid=${c.jar.get("sid")}`)).status).toBe(200);
  });
});

describe("per-client limit (when on)", () => {
  const limited = (trustCloudFrontViewerAddress = false) =>
    createApp({
      db: api.db,
      clock,
      secret: randomBytes(32).toString("base64url"),
      stage: "production",
      sms: { sendOtp: async () => {}, sendNotice: async () => {} },
      rateLimitPerClient: true,
      trustCloudFrontViewerAddress,
    });
  const askFrom = (app: ReturnType<typeof createApp>, phone: string, address: string, headers: Record<string, string> = {}) =>
    app.request(
      `${ORIGIN}/api/auth/otp`,
      { method: "POST", headers: { host: "localhost", origin: ORIGIN, "content-type": "application/json", ...headers }, body: JSON.stringify({ phone }) },
      { incoming: { socket: { remoteAddress: address } } },
    );

  it("thirty codes an hour from one address, then 429 RATE_LIMITED; another address is not held up", async () => {
    nextMinute();
    const app = limited();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await askFrom(app, api.newPhone(), "203.0.113.7")).status);
    expect(statuses).toEqual(Array(30).fill(204));
    const last = await askFrom(app, api.newPhone(), "203.0.113.7");
    expect(last.status).toBe(429);
    expect(((await last.json()) as any).error.code).toBe("RATE_LIMITED");
    expect((await askFrom(app, api.newPhone(), "198.51.100.2")).status).toBe(204);
  });

  it("rotating X-Forwarded-For does not get round the limit", async () => {
    nextMinute();
    const app = limited();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      statuses.push((await askFrom(app, api.newPhone(), "203.0.113.8", { "x-forwarded-for": `10.0.0.${i}` })).status);
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(204));
    expect(statuses[30]).toBe(429);
  });

  it("a forged X-Forwarded-For of any shape never yields a 5xx", async () => {
    nextMinute();
    const app = limited();
    for (const xff of ["1".repeat(3000), "x".repeat(10_000), "not-an-ip, 1.2.3.4", "\u00e9\u00ff", " , ", "\t"]) {
      const res = await askFrom(app, api.newPhone(), "203.0.113.9", { "x-forwarded-for": xff });
      expect(res.status, xff.slice(0, 20)).toBeLessThan(500);
    }
  });

  describe("behind CloudFront (trustCloudFrontViewerAddress)", () => {
    // Every request below comes in from one CloudFront edge, as the function sees it.
    const edge = "192.0.2.50";
    const viewer = (address: string) => ({ "cloudfront-viewer-address": address });

    it("each viewer has her own limit, though all come through one edge; another port is the same viewer", async () => {
      nextMinute();
      const app = limited(true);
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await askFrom(app, api.newPhone(), edge, viewer(`203.0.113.30:${50_000 + i}`))).status);
      expect(statuses).toEqual(Array(30).fill(204));
      const last = await askFrom(app, api.newPhone(), edge, viewer("203.0.113.30:61000"));
      expect(last.status).toBe(429);
      expect(((await last.json()) as any).error.code).toBe("RATE_LIMITED");
      // Another woman behind the same edge is not held up.
      expect((await askFrom(app, api.newPhone(), edge, viewer("203.0.113.31:50000"))).status).toBe(204);
    });

    it("an IPv6 viewer: only the last :port is dropped, and the case of the hex digits does not matter", async () => {
      nextMinute();
      const app = limited(true);
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await askFrom(app, api.newPhone(), edge, viewer(`2001:DB8::30:${40_000 + i}`))).status);
      expect(statuses).toEqual(Array(30).fill(204));
      expect((await askFrom(app, api.newPhone(), edge, viewer("2001:db8::30:443"))).status).toBe(429);
      expect((await askFrom(app, api.newPhone(), edge, viewer("2001:db8::31:443"))).status).toBe(204);
    });

    it("a malformed or oversized header is never a 5xx and counts against the source address", async () => {
      nextMinute();
      const app = limited(true);
      const source = "192.0.2.60";
      const forged = [
        "x".repeat(10_000),
        "1".repeat(3000),
        `${"1:".repeat(30)}1:443`, // longer than any address
        "not-an-ip:80",
        "203.0.113.5", // no port
        ":80",
        "1.2.3.4.5:80",
        "[2001:db8::1]:443",
        "1.2.3.4:999999",
        "1.2.3.4:80, 5.6.7.8:80",
        "\u00e9\u00ff:1",
        " , ",
        "",
      ];
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await askFrom(app, api.newPhone(), source, viewer(forged[i % forged.length]!))).status);
      expect(statuses).toEqual(Array(30).fill(204));
      // All thirty were counted against the source address, so the 31st is refused.
      expect((await askFrom(app, api.newPhone(), source, viewer("not-an-ip:80"))).status).toBe(429);
    });

    it("negative control: with the setting off, the header is ignored and rotating it does not get round the limit", async () => {
      nextMinute();
      const app = limited(false);
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) statuses.push((await askFrom(app, api.newPhone(), "192.0.2.70", viewer(`198.51.100.${i}:443`))).status);
      expect(statuses.slice(0, 30)).toEqual(Array(30).fill(204));
      expect(statuses[30]).toBe(429);
    });
  });
});
