import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import { createApp } from "@jinguo/functions";
import type { SmsSender } from "@jinguo/core/sms";
import { getUpload, incomingKey, localUploadStore, MAX_UPLOAD_BYTES, type UploadStore } from "@jinguo/core/uploads";
import { systemClock } from "@jinguo/core/clock";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDb, readResponse, ORIGIN } from "../../../test/harness.ts";
import { seed } from "../../local/src/seed.ts";
import { s3UploadStore } from "../src/s3-uploads.ts";
import { BUCKET, fakeS3, type FakeS3 } from "./fake-s3.ts";
import { ascii, contains, decodeJpeg, exifSegment, jpegBytes, pngBytes, withSegment } from "../../core/test/images.ts";

/**
 * Direct uploads, the cloud's way past API Gateway's body limit: POST /api/uploads/intents →
 * the browser PUTs the bytes to S3 (here the stand-in of fake-s3.ts, which checks the presigned
 * signature) → POST /api/uploads/:id/complete, answered as POST /api/uploads is. The app is the
 * real one over DynamoDB Local, with the S3 store of the cloud; a second app with the local
 * store shows what the local stage says.
 */

let s3: FakeS3;
let db: Awaited<ReturnType<typeof freshDb>>;
let app: ReturnType<typeof createApp>;
let local: ReturnType<typeof createApp>;
const codes = new Map<string, string>();
const sms: SmsSender = { sendOtp: async (phone, code) => void codes.set(phone, code), sendNotice: async () => {} };

function appWith(uploads: UploadStore) {
  return createApp({ db, clock: systemClock, secret: randomBytes(32).toString("base64url"), stage: "local", sms, rateLimitPerClient: false, uploads });
}

/** A person with her own cookies, on one app. */
function person(on: () => ReturnType<typeof createApp>) {
  const jar = new Map<string, string>();
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await on().request(`${ORIGIN}${path}`, {
      method,
      headers: { origin: ORIGIN, host: "localhost", ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(cookie ? { cookie } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [k, ...v] = c.split(";")[0]!.split("=");
      if (/max-age=0/i.test(c)) jar.delete(k!);
      else jar.set(k!, v.join("="));
    }
    return readResponse(res);
  };
  return {
    request,
    get: (p: string) => request("GET", p),
    post: (p: string, b?: unknown, h?: Record<string, string>) => request("POST", p, b, h),
    async signIn(phone: string) {
      expect((await request("POST", "/api/auth/otp", { phone })).status).toBe(204);
      const login = await request("POST", "/api/auth/login", { phone, code: codes.get(phone) });
      expect(login.status).toBe(200);
      return login.json.user.id as string;
    },
  };
}

let her: ReturnType<typeof person>;
let other: ReturnType<typeof person>;
let anonymous: ReturnType<typeof person>;
let herId: string;

beforeAll(async () => {
  s3 = await fakeS3();
  db = await freshDb();
  await seed(db, systemClock, { localAccounts: true });
  app = appWith(s3UploadStore({ bucket: BUCKET, client: s3.client }));
  local = appWith(localUploadStore(mkdtempSync(join(tmpdir(), "jinguo-direct-"))));
  [her, other, anonymous] = [person(() => app), person(() => app), person(() => app)];
  herId = await her.signIn("13912345601");
  await other.signIn("13912345602");
  await anonymous.get("/api/health"); // the csrf cookie, as a browser has it
});
afterAll(() => s3.close());

/** A phone photo: EXIF with a GPS record, taken sideways (orientation 6). */
const phonePhoto = () => withSegment(jpegBytes(60, 40), exifSegment(6));

/** What her browser does with an intent's `put`. */
const putBytes = (put: { url: string; method: string; headers: Record<string, string> }, bytes: Uint8Array) =>
  fetch(put.url, { method: put.method, headers: put.headers, body: bytes as Uint8Array<ArrayBuffer> });

describe("direct uploads: intent → PUT to S3 → complete", () => {
  it("the config says so: direct with the S3 store, not with the local one", async () => {
    const config = await anonymous.get("/api/uploads/config");
    expect(config.status).toBe(200);
    expect(config.json).toEqual({ uploads: { direct: true, maxBytes: MAX_UPLOAD_BYTES, contentTypes: ["image/jpeg", "image/png"] } });
    const res = await person(() => local).get("/api/uploads/config");
    expect(res.json.uploads.direct).toBe(false);
  });

  it("takes a phone photo put straight into S3: re-encoded, upright, without EXIF, answered as POST /api/uploads", async () => {
    const photo = phonePhoto();
    const intent = await her.post("/api/uploads/intents", { contentType: "image/jpeg", size: photo.length });
    expect(intent.status, intent.text).toBe(201);
    const { upload, put } = intent.json;
    expect(upload.id).toMatch(/^up[0-9a-z]{12}$/);
    expect(put).toMatchObject({ method: "PUT", headers: { "content-type": "image/jpeg" } });
    expect(Date.parse(put.expiresAt)).toBeGreaterThan(Date.now());
    expect(new URL(put.url).pathname).toBe(`/${BUCKET}/${incomingKey(herId, upload.id)}`);

    expect((await putBytes(put, photo)).status).toBe(200);
    const done = await her.post(`/api/uploads/${upload.id}/complete`);
    expect(done.status, done.text).toBe(201);
    const { id, url } = done.json.upload;
    expect(Object.keys(done.json.upload).sort()).toEqual(["id", "url"]);
    expect(url).toBe(`/api/uploads/${id}`);
    // Kept under its own id, re-encoded; the incoming copy is gone.
    expect(s3.objects.has(incomingKey(herId, upload.id))).toBe(false);
    const kept = new Uint8Array(s3.objects.get(id)!.bytes);
    expect(contains(kept, "GPS")).toBe(false);
    expect(contains(kept, "Exif")).toBe(false);
    const image = decodeJpeg(kept);
    expect([image.width, image.height]).toEqual([40, 60]);
    expect(await getUpload(db, id)).toMatchObject({ id, ownerId: herId, contentType: "image/jpeg", width: 40, height: 60, bytes: kept.length, public: false });
    const got = await her.get(url);
    expect([got.status, got.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
    // Completed once: a second completion finds nothing.
    const again = await her.post(`/api/uploads/${upload.id}/complete`);
    expect([again.status, again.json.error.code]).toEqual([404, "UPLOAD_NOT_FOUND"]);
  });

  it("a repeated completion with the same Idempotency-Key gets the first answer (a dropped connection, retried)", async () => {
    const photo = pngBytes(20, 10);
    const { upload, put } = (await her.post("/api/uploads/intents", { contentType: "image/png", size: photo.length })).json;
    expect((await putBytes(put, photo)).status).toBe(200);
    const key = { "idempotency-key": `complete-${upload.id}` };
    const first = await her.post(`/api/uploads/${upload.id}/complete`, undefined, key);
    const second = await her.post(`/api/uploads/${upload.id}/complete`, undefined, key);
    expect(first.status).toBe(201);
    expect([second.status, second.json]).toEqual([201, first.json]);
  });

  it("S3 takes only what was declared: another type or size is refused there, and nothing is completed", async () => {
    const photo = pngBytes(16, 16);
    const { upload, put } = (await her.post("/api/uploads/intents", { contentType: "image/png", size: photo.length })).json;
    expect((await fetch(put.url, { method: "PUT", headers: { "content-type": "image/jpeg" }, body: photo })).status).toBe(403);
    expect((await putBytes(put, new Uint8Array([...photo, 0]))).status).toBe(403);
    const res = await her.post(`/api/uploads/${upload.id}/complete`);
    expect([res.status, res.json.error.code]).toEqual([404, "UPLOAD_NOT_FOUND"]);
  });

  it("what is not a JPEG or PNG is refused on completion (415), and its incoming copy removed", async () => {
    const notAPhoto = ascii("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>");
    const { upload, put } = (await her.post("/api/uploads/intents", { contentType: "image/png", size: notAPhoto.length })).json;
    expect((await putBytes(put, notAPhoto)).status).toBe(200);
    const res = await her.post(`/api/uploads/${upload.id}/complete`);
    expect([res.status, res.json.error.code, res.json.error.details]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE", { reason: "IMAGE_TYPE" }]);
    expect(s3.objects.has(incomingKey(herId, upload.id))).toBe(false);
  });

  it("only she can complete her intent: another person, and an intent never put, get 404", async () => {
    const photo = pngBytes(12, 12);
    const { upload, put } = (await her.post("/api/uploads/intents", { contentType: "image/png", size: photo.length })).json;
    const early = await her.post(`/api/uploads/${upload.id}/complete`);
    expect([early.status, early.json.error.code]).toEqual([404, "UPLOAD_NOT_FOUND"]);
    expect((await putBytes(put, photo)).status).toBe(200);
    const theirs = await other.post(`/api/uploads/${upload.id}/complete`);
    expect([theirs.status, theirs.json.error.code]).toEqual([404, "UPLOAD_NOT_FOUND"]);
    expect((await her.post(`/api/uploads/${upload.id}/complete`)).status).toBe(201);
  });

  it("the declared photo is checked before anything is signed: too large 413, not JPEG/PNG 415, nonsense 422", async () => {
    const before = s3.seen.length;
    const big = await her.post("/api/uploads/intents", { contentType: "image/jpeg", size: MAX_UPLOAD_BYTES + 1 });
    expect([big.status, big.json.error.code, big.json.error.details]).toEqual([413, "PAYLOAD_TOO_LARGE", { maxBytes: MAX_UPLOAD_BYTES }]);
    const heic = await her.post("/api/uploads/intents", { contentType: "image/heic", size: 1000 });
    expect([heic.status, heic.json.error.details]).toEqual([415, { reason: "IMAGE_TYPE" }]);
    for (const body of [{ contentType: "image/png" }, { contentType: "image/png", size: 0 }, { contentType: "image/png", size: 1.5 }, { contentType: "image/png", size: 10, extra: 1 }]) {
      const r = await her.post("/api/uploads/intents", body);
      expect([r.status, r.json.error.code], JSON.stringify(body)).toEqual([422, "VALIDATION"]);
    }
    expect((await her.post("/api/uploads/not-an-id/complete")).status).toBe(422);
    expect(s3.seen.length).toBe(before);
    expect((await her.post("/api/uploads/up0000000000zz/complete")).status).toBe(404);
  });

  it("signed-in only, with the CSRF check: 401 anonymous, 403 from another site", async () => {
    const a = await anonymous.post("/api/uploads/intents", { contentType: "image/png", size: 10 });
    expect([a.status, a.json.error.code]).toEqual([401, "UNAUTHENTICATED"]);
    const c = await anonymous.post("/api/uploads/up0000000000zz/complete");
    expect(c.status).toBe(401);
    const forged = await her.post("/api/uploads/intents", { contentType: "image/png", size: 10 }, { origin: "https://evil.example" });
    expect([forged.status, forged.json.error.code]).toEqual([403, "CSRF"]);
  });

  it("the local stage has no direct uploads: 404 for intents and completion, POST /api/uploads instead", async () => {
    const me = person(() => local);
    await me.signIn("13912345603");
    const i = await me.post("/api/uploads/intents", { contentType: "image/png", size: 10 });
    expect([i.status, i.json.error.code]).toEqual([404, "NOT_FOUND"]);
    expect((await me.post("/api/uploads/up0000000000zz/complete")).status).toBe(404);
  });
});
