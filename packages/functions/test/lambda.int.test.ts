import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyResult, Context } from "aws-lambda";
import { serve, type ServerType } from "@hono/node-server";
import type { SmsSender } from "@jinguo/core/sms";
import { createApp, type Deps } from "../src/app.ts";
import { createLambdaHandler } from "../src/lambda.ts";
import { freshDb, fixedClock } from "../../../test/harness.ts";
import { seed } from "../../local/src/seed.ts";

/**
 * One Hono app, three ways in: `app.request` (the tests' way), the local Node server (npm
 * start's) and the Lambda handler fed API Gateway HTTP API events (payload 2.0, the cloud's).
 * The same sequence of requests — a public read, a sign-in and sign-out with cookies and the
 * CSRF token, errors — must be answered the same way by each.
 */

const HOST = "jinguo-api.example.cn";
const PHONE = "13912340001";
const CAMPAIGN = "c-2019-health-lectures";

interface Req {
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  body?: string;
}
interface Res {
  status: number;
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
}
type Channel = (req: Req) => Promise<Res>;

// Every channel gets the same request: same Host, same scheme as API Gateway reports it.
const headersOf = (req: Req) => ({
  host: HOST,
  "x-forwarded-proto": "https",
  ...(req.body !== undefined ? { "content-type": "application/json" } : {}),
  ...(req.cookies ? { cookie: Object.entries(req.cookies).map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
  ...req.headers,
});
const urlOf = (req: Req) => `${req.path}${req.query ? `?${req.query}` : ""}`;
const pick = (h: Headers | Record<string, string | string[] | undefined>) => {
  const get = (name: string) => (h instanceof Headers ? h.get(name) : ([h[name]].flat()[0] ?? null));
  const out: Record<string, string> = {};
  for (const name of ["content-type", "cache-control", "x-content-type-options", "retry-after"]) {
    const v = get(name);
    if (v !== null && v !== undefined) out[name] = v;
  }
  return out;
};

const viaAppRequest = (deps: Deps): Channel => {
  const app = createApp(deps);
  return async (req) => {
    const res = await app.request(`https://${HOST}${urlOf(req)}`, { method: req.method, headers: headersOf(req), ...(req.body !== undefined ? { body: req.body } : {}) });
    return { status: res.status, headers: pick(res.headers), setCookies: res.headers.getSetCookie(), body: await res.text() };
  };
};

const viaNodeServer =
  (port: () => number): Channel =>
  (req) =>
    new Promise((resolve, reject) => {
      const r = httpRequest({ host: "127.0.0.1", port: port(), method: req.method, path: urlOf(req), headers: headersOf(req) }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            headers: pick(res.headers as Record<string, string>),
            setCookies: res.headers["set-cookie"] ?? [],
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      });
      r.on("error", reject);
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });

/** The event API Gateway (HTTP API, payload 2.0) hands the function: cookies apart from the headers. */
function apiGatewayEvent(req: Req, n: number): APIGatewayProxyEventV2 {
  const { cookie: _cookie, ...headers } = headersOf(req) as Record<string, string>;
  const now = Date.parse("2026-12-01T02:00:00.000Z") + n;
  return {
    version: "2.0",
    routeKey: "ANY /api/{proxy+}",
    rawPath: req.path,
    rawQueryString: req.query ?? "",
    ...(req.cookies ? { cookies: Object.entries(req.cookies).map(([k, v]) => `${k}=${v}`) } : {}),
    headers: { ...headers, "content-length": String(Buffer.byteLength(req.body ?? "")), "x-forwarded-for": "203.0.113.7", "x-forwarded-port": "443" },
    ...(req.query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(req.query)) } : {}),
    pathParameters: { proxy: req.path.replace(/^\/api\//, "") },
    requestContext: {
      accountId: "123456789012",
      apiId: "a1b2c3d4e5",
      domainName: HOST,
      domainPrefix: HOST.split(".")[0]!,
      http: { method: req.method, path: req.path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "test" },
      requestId: `req-${n}`,
      routeKey: "ANY /api/{proxy+}",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(req.body !== undefined ? { body: req.body } : {}),
    isBase64Encoded: false,
  };
}

const viaLambda = (deps: Deps): Channel => {
  const handler = createLambdaHandler(deps);
  let n = 0;
  return async (req) => {
    const out = (await handler(apiGatewayEvent(req, n++) as never, {} as Context)) as APIGatewayProxyResult & { cookies?: string[] };
    const headers = Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const body = out.isBase64Encoded ? Buffer.from(out.body, "base64").toString("utf8") : out.body;
    return { status: out.statusCode, headers: pick(headers), setCookies: out.cookies ?? [], body };
  };
};

/** A cookie as the browser keeps it: its value (kept for the next request) and its attributes (compared). */
const cookieParts = (set: string) => {
  const [pair, ...attrs] = set.split(";").map((s) => s.trim());
  const [name, ...v] = pair!.split("=");
  return { name: name!, value: v.join("="), attrs: attrs.sort() };
};

/** The sequence, on one channel; what it saw, with each cookie's value left out (tokens are random). */
async function journey(channel: Channel, codeFor: () => string) {
  const seen: unknown[] = [];
  const jar: Record<string, string> = {};
  const step = async (label: string, req: Req) => {
    const res = await channel({ ...req, cookies: { ...jar, ...req.cookies } });
    const cookies = res.setCookies.map(cookieParts);
    for (const c of cookies) if (c.value) jar[c.name] = c.value;
    seen.push({ label, status: res.status, headers: res.headers, cookies: cookies.map(({ name, attrs }) => ({ name, attrs })), body: res.body });
    return res;
  };
  // A public read, the same for everyone (cacheable, no cookie set).
  await step("read", { method: "GET", path: `/api/campaigns/${CAMPAIGN}` });
  await step("list with a query", { method: "GET", path: "/api/campaigns", query: "kind=event&phase=registration" });
  // A write without Origin nor token: refused before anything happens.
  await step("write without CSRF", { method: "POST", path: "/api/auth/otp", body: JSON.stringify({ phone: PHONE }) });
  // The csrf cookie from that answer, echoed in the header: the code is sent.
  const withToken = () => ({ "x-csrf-token": jar.csrf ?? "" });
  await step("code", { method: "POST", path: "/api/auth/otp", headers: withToken(), body: JSON.stringify({ phone: PHONE }) });
  await step("sign in", { method: "POST", path: "/api/auth/login", headers: withToken(), body: JSON.stringify({ phone: PHONE, code: codeFor() }) });
  await step("her registrations, by the session cookie", { method: "GET", path: "/api/me/registrations" });
  await step("a body that is not JSON", { method: "POST", path: "/api/auth/login", headers: withToken(), body: "{phone:" });
  await step("a route that is not there", { method: "GET", path: "/api/nothing-here" });
  await step("sign out", { method: "POST", path: "/api/auth/logout", headers: withToken() });
  await step("signed out", { method: "GET", path: "/api/me/registrations" });
  return seen;
}

describe("the same app through app.request, the Node server and the Lambda handler", () => {
  let server: ServerType;
  let deps: Deps;
  let clock: ReturnType<typeof fixedClock>;
  const codes: string[] = [];

  beforeAll(async () => {
    const db = await freshDb();
    clock = fixedClock("2026-12-01T02:00:00.000Z");
    await seed(db, clock, { localAccounts: false });
    const sms: SmsSender = {
      sendOtp: async (_phone, code) => void codes.push(code),
      sendNotice: async () => {},
    };
    deps = { db, clock, sms, secret: "s".repeat(48), stage: "production", rateLimitPerClient: false };
    server = await new Promise<ServerType>((res) => {
      const s = serve({ fetch: createApp(deps).fetch, port: 0, hostname: "127.0.0.1" }, () => res(s));
    });
  });
  afterAll(() => new Promise<void>((res) => server.close(() => res())));

  it("answers a read, a sign-in and sign-out with cookies and CSRF, and errors identically", async () => {
    const port = () => (server.address() as AddressInfo).port;
    const runs: Record<string, unknown[]> = {};
    for (const [name, channel] of Object.entries({ appRequest: viaAppRequest(deps), nodeServer: viaNodeServer(port), lambda: viaLambda(deps) })) {
      runs[name] = await journey(channel, () => codes.at(-1)!);
      // The next channel may ask for a code again: one a minute per number.
      clock.advance(2 * 60_000);
    }
    const reference = runs.appRequest as { label: string; status: number; cookies: { name: string }[]; headers: Record<string, string>; body: string }[];
    // What the journey saw is what it should (so "identical" is not identically wrong).
    expect(reference.map((r) => `${r.label}: ${r.status}`)).toEqual([
      "read: 200",
      "list with a query: 200",
      "write without CSRF: 403",
      "code: 204",
      "sign in: 200",
      "her registrations, by the session cookie: 200",
      "a body that is not JSON: 400",
      "a route that is not there: 404",
      "sign out: 204",
      "signed out: 401",
    ]);
    expect(reference[0]!.headers["cache-control"]).toMatch(/^public,/);
    expect(reference[0]!.cookies).toEqual([]);
    expect(JSON.parse(reference[2]!.body).error.code).toBe("CSRF");
    expect(reference[4]!.cookies.map((c) => c.name)).toContain("sid");
    expect(reference[5]!.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(reference[7]!.body).error.code).toBe("NOT_FOUND");
    expect(runs.nodeServer).toEqual(runs.appRequest);
    expect(runs.lambda).toEqual(runs.appRequest);
  });

  it("negative control: an event that drops API Gateway's cookies field is not answered the same", async () => {
    const handler = createLambdaHandler(deps);
    const req: Req = { method: "POST", path: "/api/auth/otp", cookies: { csrf: "t0k3n" }, headers: { "x-csrf-token": "t0k3n" }, body: JSON.stringify({ phone: "13912340002" }) };
    const intact = (await handler(apiGatewayEvent(req, 100) as never, {} as Context)) as APIGatewayProxyResult;
    const { cookies: _dropped, ...withoutCookies } = apiGatewayEvent(req, 101);
    const dropped = (await handler(withoutCookies as never, {} as Context)) as APIGatewayProxyResult;
    expect(intact.statusCode).toBe(204);
    expect(dropped.statusCode).toBe(403);
  });
});
