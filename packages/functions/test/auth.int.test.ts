import { describe, it, expect, beforeAll, inject } from "vitest";
import { createHmac, randomBytes } from "node:crypto";
import { createApp } from "@jinguo/functions";
import { OTP_MAX_TRIES, OTP_TTL_MS, otpGuards, REVOCATION_REFRESH_MS, revocationGuards } from "@jinguo/core/identity";
import { devOutbox } from "@jinguo/core/sms";
import { createDb, queryAll } from "@jinguo/core/db";
import { addSession } from "@jinguo/core/registration";
import type { Clock } from "@jinguo/core/clock";
import { testApi, freshDb, fixedClock, systemClock, readResponse, lectureAnswers, LECTURES, ORIGIN, type TestApi } from "../../../test/harness.ts";

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

describe("signing out for real (the token is revoked, not only the cookie cleared)", () => {
  // Its own table and clock: the refresh interval is driven by this clock, to the millisecond.
  const time = fixedClock("2026-07-01T02:00:05.000Z");
  let t: TestApi;
  let session: { id: string };

  beforeAll(async () => {
    t = await testApi({ clock: time });
    session = await addSession(t.db, LECTURES, {
      title: "退出测试场",
      startsAt: new Date(time.now().getTime() + 20 * 86_400_000).toISOString(),
      venue: "测试会场",
      capacity: 100,
      waitlist: false,
    });
  });

  /** The same number signs in again: a fresh one-a-minute window for its code. */
  const aMinuteLater = () => time.advance(61_000);
  /** Another phone (or a thief) holding a copy of this person's cookie. */
  const copyOf = (c: Client) => {
    const copy = t.client();
    copy.jar.set("sid", c.jar.get("sid")!);
    return copy;
  };
  const register = (c: Client, phone: string) =>
    c.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId: session.id, answers: lectureAnswers(phone) });

  it("after logout a copy of the old cookie is refused: /api/me and a registration are 401", async () => {
    const phone = t.newPhone();
    const c = t.client();
    await c.signIn(phone);
    const copy = copyOf(c);
    // Control: before the logout the copy is as good as the original.
    expect((await copy.get("/api/me")).status).toBe(200);
    const out = await c.post("/api/auth/logout");
    expect(out.status).toBe(204);
    expect(sessionCookie(out)).toMatch(/^sid=;.*max-age=0/i);
    expectError(await copy.get("/api/me"), 401, "UNAUTHENTICATED");
    expectError(await register(copy, phone), 401, "UNAUTHENTICATED");
    expectError(await copy.get("/api/me/registrations"), 401, "UNAUTHENTICATED");
    // Posting logout again with the dead copy is harmless: 204, nothing comes back to life.
    expect((await copy.post("/api/auth/logout")).status).toBe(204);
    expectError(await copyOf(c).get("/api/me"), 401, "UNAUTHENTICATED");
  });

  it("a registration with a live cookie goes through (so the 401 above is the revocation)", async () => {
    const phone = t.newPhone();
    const c = t.client();
    await c.signIn(phone);
    const res = await register(copyOf(c), phone);
    expect(res.status, res.text).toBe(201);
  });

  it("a plain logout leaves her other phone signed in; 在所有设备上退出登录 ends both; signing in again works", async () => {
    const phone = t.newPhone();
    const mine = t.client();
    const other = t.client();
    await mine.signIn(phone);
    aMinuteLater();
    await other.signIn(phone);
    const stolen = copyOf(other);

    expect((await mine.post("/api/auth/logout")).status).toBe(204);
    expectError(await mine.get("/api/me"), 401, "UNAUTHENTICATED");
    expect((await other.get("/api/me")).status).toBe(200);

    aMinuteLater();
    await mine.signIn(phone);
    const out = await mine.post("/api/auth/logout-everywhere");
    expect(out.status).toBe(204);
    expect(out.text).toBe("");
    expect(sessionCookie(out)).toMatch(/^sid=;.*max-age=0/i);
    for (const c of [mine, other, stolen]) expectError(await c.get("/api/me"), 401, "UNAUTHENTICATED");
    expectError(await register(stolen, phone), 401, "UNAUTHENTICATED");

    // At the very same instant (the clock does not move), a new sign-in is not caught by it.
    const fresh = t.client();
    const otp = await fresh.post("/api/auth/otp", { phone });
    expect(otp.status).toBe(429); // one code a minute: wait, as a person would
    aMinuteLater();
    const back = t.client();
    await back.signIn(phone);
    expect((await back.get("/api/me")).status).toBe(200);
    expect((await register(back, phone)).status).toBe(201);
    // …and the old ones stay dead.
    expectError(await stolen.get("/api/me"), 401, "UNAUTHENTICATED");
  });

  it("a sign-in in the same millisecond as 在所有设备上退出登录, just after it, survives it", async () => {
    const phone = t.newPhone();
    const c = t.client();
    await c.signIn(phone);
    aMinuteLater();
    const other = t.client();
    await other.post("/api/auth/otp", { phone });
    const code = t.sent.get(phone)!;
    // The clock stands still from here on: the cut-off and the new token share one instant.
    expect((await c.post("/api/auth/logout-everywhere")).status).toBe(204);
    expect((await other.post("/api/auth/login", { phone, code })).status).toBe(200);
    expect((await other.get("/api/me")).status).toBe(200);
    expectError(await c.get("/api/me"), 401, "UNAUTHENTICATED");
  });

  it("logout-everywhere needs a sign-in (401) and the CSRF check (403), and is never a 5xx", async () => {
    const anon = t.client();
    expectError(await anon.post("/api/auth/logout-everywhere"), 401, "UNAUTHENTICATED");
    const phone = t.newPhone();
    const c = t.client();
    await c.signIn(phone);
    const crossSite = await c.post("/api/auth/logout-everywhere", undefined, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect((await c.get("/api/me")).status).toBe(200);
    expect((await c.post("/api/auth/logout-everywhere", "{not json", { "content-type": "application/json" })).status).toBeLessThan(500);
    // Logout with no cookie, or a forged one, is a plain 204.
    expect((await anon.post("/api/auth/logout")).status).toBe(204);
    const forged = t.client();
    forged.jar.set("sid", "x.y");
    expect((await forged.post("/api/auth/logout")).status).toBe(204);
  });

  it("each sign-out is kept in the table only as long as the tokens it ends would live (TTL expiresAt)", async () => {
    const phone = t.newPhone();
    const c = t.client();
    await c.signIn(phone);
    const [payload] = c.jar.get("sid")!.split(".") as [string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    time.advance(1234);
    await c.post("/api/auth/logout");
    aMinuteLater();
    await c.signIn(phone);
    time.advance(1000);
    const cutOff = time.now().getTime();
    await c.post("/api/auth/logout-everywhere");
    const items = (await queryAll<Record<string, any>>(t.db, { partition: "REVOKED" })).filter((i) => i.uid === claims.uid);
    expect(items).toEqual([
      { pk: "REVOKED", sk: expect.stringMatching(/^2026-.*#t/), uid: claims.uid, jti: claims.jti, expiresAt: Math.ceil(claims.exp) },
      { pk: "REVOKED", sk: expect.stringMatching(/^2026-.*#r/), uid: claims.uid, before: cutOff, expiresAt: Math.ceil(cutOff / 1000) + 30 * 86_400 },
    ]);
  });
});

describe("sign-outs across processes (several Lambdas over one table)", () => {
  const time = fixedClock("2026-08-01T02:00:05.000Z");
  const secret = randomBytes(32).toString("base64url");
  const codes = new Map<string, string>();
  const sms = { sendOtp: async (phone: string, code: string) => void codes.set(phone, code), sendNotice: async () => {} };
  let tableName: string;
  let seq = 0;
  const base = 13700000000 + Math.floor(Math.random() * 90_000_000);
  const newPhone = () => String(base + ++seq);

  beforeAll(async () => {
    tableName = (await testApi({ clock: time })).db.tableName;
  });

  type Call = { command: string; partition?: string };
  /** A process of its own: its own Db object (so its own memory), the same table and secret. */
  function lambda(clock: Clock = time) {
    const db = createDb({ endpoint: inject("dynamoEndpoint"), tableName });
    const calls: Call[] = [];
    const send = db.client.send.bind(db.client) as (...a: any[]) => Promise<any>;
    (db.client as any).send = (command: any, ...rest: any[]) => {
      calls.push({ command: command.constructor.name, partition: command.input?.ExpressionAttributeValues?.[":pk"]?.S });
      return send(command, ...rest);
    };
    const app = createApp({ db, clock, secret, stage: "local", sms, rateLimitPerClient: false });
    const request = async (method: string, path: string, sid?: string, body?: unknown) =>
      readResponse(
        await app.request(`${ORIGIN}${path}`, {
          method,
          headers: {
            host: "localhost",
            origin: ORIGIN,
            ...(sid ? { cookie: `sid=${sid}` } : {}),
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }),
      );
    return {
      calls,
      revokedQueries: () => calls.filter((c) => c.command === "QueryCommand" && c.partition === "REVOKED").length,
      me: async (sid: string) => (await request("GET", "/api/me", sid)).status,
      post: (path: string, sid?: string, body?: unknown) => request("POST", path, sid, body),
      get: (path: string, sid?: string) => request("GET", path, sid),
      async signIn(phone: string) {
        expect((await request("POST", "/api/auth/otp", undefined, { phone })).status).toBe(204);
        const res = await app.request(`${ORIGIN}/api/auth/login`, {
          method: "POST",
          headers: { host: "localhost", origin: ORIGIN, "content-type": "application/json" },
          body: JSON.stringify({ phone, code: codes.get(phone) }),
        });
        expect(res.status).toBe(200);
        return res.headers.getSetCookie().find((c) => c.startsWith("sid="))!.split(";")[0]!.slice("sid=".length);
      },
    };
  }
  const aMinuteLater = () => time.advance(61_000);

  it(`another process sees a logout within its refresh interval (${REVOCATION_REFRESH_MS} ms), not before`, async () => {
    expect(REVOCATION_REFRESH_MS).toBe(5_000);
    const a = lambda();
    const b = lambda();
    const sid = await a.signIn(newPhone());
    expect(await b.me(sid)).toBe(200); // b has read the list now
    expect((await a.post("/api/auth/logout", sid)).status).toBe(204);
    expect(await a.me(sid)).toBe(401); // at once where it was made
    time.advance(REVOCATION_REFRESH_MS - 1);
    expect(await b.me(sid)).toBe(200); // the documented staleness, and no more
    time.advance(1);
    expect(await b.me(sid)).toBe(401);
    // A process started after the logout refuses it on its first request.
    expect(await lambda().me(sid)).toBe(401);
  });

  it("another process sees 在所有设备上退出登录 within the interval too, and a new sign-in there works", async () => {
    const phone = newPhone();
    const a = lambda();
    const b = lambda();
    const first = await a.signIn(phone);
    aMinuteLater();
    const second = await b.signIn(phone);
    time.advance(1000);
    expect(await a.me(second)).toBe(200);
    expect(await b.me(first)).toBe(200);
    expect((await a.post("/api/auth/logout-everywhere", first)).status).toBe(204);
    expect(await a.me(second)).toBe(401);
    time.advance(REVOCATION_REFRESH_MS);
    expect(await b.me(first)).toBe(401);
    expect(await b.me(second)).toBe(401);
    aMinuteLater();
    const again = await b.signIn(phone);
    expect(await b.me(again)).toBe(200);
    expect(await a.me(again)).toBe(200);
  });

  it("a sign-out stamped by a process whose clock runs behind is still seen by the others", async () => {
    const a = lambda();
    const b = lambda();
    const slow = fixedClock(new Date(time.now().getTime() - 10_000));
    const late = lambda(slow); // its stamps are 10 s older than everyone else's
    const early = await a.signIn(newPhone());
    const victim = await a.signIn(newPhone());
    expect((await a.post("/api/auth/logout", early)).status).toBe(204);
    time.advance(1000);
    expect(await b.me(victim)).toBe(200); // b has read up to a's logout
    time.advance(1000);
    slow.set(new Date(time.now().getTime() - 10_000));
    expect((await late.post("/api/auth/logout", victim)).status).toBe(204); // stamped before what b has read
    time.advance(REVOCATION_REFRESH_MS);
    expect(await b.me(victim)).toBe(401);
  });

  it("tokens from before revocation (no jti) live through a logout but not 在所有设备上退出登录", async () => {
    const a = lambda();
    const phone = newPhone();
    const sid = await a.signIn(phone);
    const [payload] = sid.split(".") as [string];
    const { uid } = JSON.parse(Buffer.from(payload, "base64url").toString());
    const iat = Math.floor(time.now().getTime() / 1000) - 86_400;
    const oldPayload = Buffer.from(JSON.stringify({ uid, iat, exp: iat + 30 * 86_400 })).toString("base64url");
    const old = `${oldPayload}.${createHmac("sha256", secret).update(`session:${oldPayload}`).digest("base64url")}`;
    expect(await a.me(old)).toBe(200);
    expect((await a.post("/api/auth/logout", old)).status).toBe(204);
    expect(await a.me(old)).toBe(200); // it cannot be singled out: as documented
    expect((await a.post("/api/auth/logout-everywhere", sid)).status).toBe(204);
    expect(await a.me(old)).toBe(401);
  });

  it("negative control: with the check off, the other process lets the copy in after the interval, and the test sees it", async () => {
    const a = lambda();
    const b = lambda();
    const sid = await a.signIn(newPhone());
    expect(await b.me(sid)).toBe(200);
    await a.post("/api/auth/logout", sid);
    time.advance(REVOCATION_REFRESH_MS);
    revocationGuards.check = false;
    try {
      expect(await b.me(sid)).toBe(200);
      expect(await a.me(sid)).toBe(200);
    } finally {
      revocationGuards.check = true;
    }
    expect(await b.me(sid)).toBe(401);
  });

  it("the session check reads nothing per request: at most one Query of REVOKED per refresh interval", async () => {
    const a = lambda();
    const sid = await a.signIn(newPhone());
    const b = lambda();
    // A route that reads nothing itself, so every call counted is the session check's.
    expect((await b.get("/api/health", sid)).status).toBe(200);
    // The counter sees the check's reads: the first request of a process loads the list.
    expect(b.calls).toEqual([{ command: "QueryCommand", partition: "REVOKED" }]);
    b.calls.length = 0;
    for (let i = 0; i < 50; i++) expect(await b.me(sid)).toBe(200);
    expect(b.revokedQueries(), "within one interval: none").toBe(0);
    // Time moving on: 50 signed-in requests, one a second, over 50 s.
    for (let i = 0; i < 50; i++) {
      time.advance(1000);
      expect(await b.me(sid)).toBe(200);
    }
    expect(b.revokedQueries()).toBeGreaterThanOrEqual(9);
    expect(b.revokedQueries()).toBeLessThanOrEqual(Math.ceil((50 * 1000) / REVOCATION_REFRESH_MS));
    // Everything else was /api/me reading her account, one GetItem a request.
    expect(b.calls.filter((c) => c.partition !== "REVOKED").every((c) => c.command === "GetItemCommand")).toBe(true);
    // And a burst at one instant, as in the registration rush, reads the list once at most.
    b.calls.length = 0;
    time.advance(REVOCATION_REFRESH_MS);
    await Promise.all(Array.from({ length: 50 }, () => b.get("/api/health", sid)));
    expect(b.calls).toEqual([{ command: "QueryCommand", partition: "REVOKED" }]);
  });
});

describe("a provider that cannot send the code", () => {
  it("is 503 SMS_UNAVAILABLE in the error shape, never a 500", async () => {
    const refusing = async () => {
      throw Object.assign(new Error("provider said no to 13912345678"), { name: "SmsRefused" });
    };
    const app = createApp({
      db: await freshDb(),
      clock: systemClock,
      secret: "x".repeat(40),
      stage: "local",
      sms: { sendOtp: refusing, sendNotice: refusing },
      rateLimitPerClient: false,
    });
    const res = await app.request(`${ORIGIN}/api/auth/otp`, {
      method: "POST",
      headers: { origin: ORIGIN, host: "localhost", "content-type": "application/json" },
      body: JSON.stringify({ phone: "13912345678" }),
    });
    const body = (await res.json()) as any;
    expect([res.status, body.error.code]).toEqual([503, "SMS_UNAVAILABLE"]);
    expect(JSON.stringify(body)).not.toContain("13912345678");
  });
});
