import { inject } from "vitest";
import "./provided.ts";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, ensureTable, type Db } from "@jinguo/core/db";
import { fixedClock, systemClock, type Clock } from "@jinguo/core/clock";
import { userForPhone, type Role, setRoles } from "@jinguo/core/identity";
import type { NoticeMessage, SmsSender } from "@jinguo/core/sms";
import { startDispatcher } from "@jinguo/core/outbox";
import { localUploadStore } from "@jinguo/core/uploads";
import { createApp } from "@jinguo/functions";
import { seed } from "../packages/local/src/seed.ts";

export { fixedClock, systemClock };

/** A fresh table in the shared DynamoDB Local, so test files never see each other's data. */
export async function freshDb(): Promise<Db> {
  const db = createDb({ endpoint: inject("dynamoEndpoint"), tableName: `t-${randomBytes(6).toString("hex")}` });
  await ensureTable(db);
  return db;
}

export const ORIGIN = "http://localhost";

/**
 * The real Hono app on a fresh, seeded table, driven through `app.request()` with a cookie jar
 * per person. Codes sent by SMS are caught so tests can sign in the way a person does.
 */
export async function testApi(opts: { clock?: Clock; rateLimitPerClient?: boolean } = {}) {
  const db = await freshDb();
  const clock = opts.clock ?? systemClock;
  await seed(db, clock, { localAccounts: true });
  const sent = new Map<string, string>();
  const notices = new Map<string, string[]>();
  // What a provider would be asked to send: the template and its parameters, per number.
  const noticeMessages = new Map<string, NoticeMessage[]>();
  const sms: SmsSender = {
    sendOtp: async (phone, code) => void sent.set(phone, code),
    async sendNotice(phone, text, message) {
      notices.set(phone, [...(notices.get(phone) ?? []), text]);
      noticeMessages.set(phone, [...(noticeMessages.get(phone) ?? []), message]);
    },
  };
  // The local stage's dispatcher over the fake SMS: kicked after each change like `npm start`'s;
  // tests that read `notices` call `deliverNotices()` first rather than wait for it.
  const outbox = startDispatcher({ db, clock, sms, publicUrl: ORIGIN }, { intervalMs: 60_000 });
  const app = createApp({
    db,
    clock,
    secret: randomBytes(32).toString("base64url"),
    stage: "local",
    sms,
    rateLimitPerClient: opts.rateLimitPerClient ?? false,
    outbox,
    uploads: localUploadStore(mkdtempSync(join(tmpdir(), "jinguo-uploads-"))),
  });

  /** A person with her own cookies. */
  function client() {
    const jar = new Map<string, string>();
    async function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
      const init: RequestInit = {
        method,
        headers: {
          origin: ORIGIN,
          host: "localhost",
          ...(body !== undefined && !(body instanceof FormData) ? { "content-type": "application/json" } : {}),
          ...(cookie ? { cookie } : {}),
          ...headers,
        },
        // A FormData body goes as it is: multipart, with the boundary fetch gives it.
        ...(body !== undefined ? { body: typeof body === "string" || body instanceof FormData ? body : JSON.stringify(body) } : {}),
      };
      const res = await app.request(`${ORIGIN}${path}`, init);
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const [k, ...v] = pair!.split("=");
        if (/max-age=0/i.test(c)) jar.delete(k!);
        else jar.set(k!, v.join("="));
      }
      return readResponse(res);
    }
    return {
      jar,
      request,
      get: (p: string, h?: Record<string, string>) => request("GET", p, undefined, h),
      post: (p: string, b?: unknown, h?: Record<string, string>) => request("POST", p, b, h),
      patch: (p: string, b?: unknown, h?: Record<string, string>) => request("PATCH", p, b, h),
      put: (p: string, b?: unknown, h?: Record<string, string>) => request("PUT", p, b, h),
      del: (p: string, h?: Record<string, string>) => request("DELETE", p, undefined, h),
      /** Signs in the way a person does: ask for a code, type it. */
      async signIn(phone: string) {
        const otp = await request("POST", "/api/auth/otp", { phone });
        if (otp.status !== 204) throw new Error(`otp ${otp.status} ${otp.text}`);
        const login = await request("POST", "/api/auth/login", { phone, code: sent.get(phone) });
        if (login.status !== 200) throw new Error(`login ${login.status} ${login.text}`);
        return login.json.user as { id: string; roles: Role[] };
      },
    };
  }

  let phoneSeq = 0;
  const base = 13900000000 + Math.floor(Math.random() * 90_000_000);
  /** A distinct, valid mobile number. */
  const newPhone = () => String(base + ++phoneSeq);

  return { app, db, clock, sent, notices, noticeMessages, deliverNotices: () => outbox.drain(), client, newPhone, userForPhone: (p: string) => userForPhone(db, clock, p), setRoles: (id: string, roles: Role[]) => setRoles(db, id, roles) };
}

export type TestApi = Awaited<ReturnType<typeof testApi>>;

/** A response as tests read it: status, text, and the JSON when it is JSON. */
export async function readResponse(res: Response) {
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Valid answers for the seeded lecture form. */
export const lectureAnswers = (phone: string) => ({ name: "王秀兰", phone, city: "hn.cs", consent: true });

export const LECTURES = "c-2019-cxcy-lectures";
