import { describe, it, expect, beforeAll } from "vitest";
import { randomBytes } from "node:crypto";
import { createApp } from "@jinguo/functions";
import { markUploadsPublic, getUpload, MAX_UPLOAD_BYTES } from "@jinguo/core/uploads";
import { testApi, readResponse, ORIGIN, type TestApi } from "../../../test/harness.ts";
import { ascii, concat, contains, decodeJpeg, exifSegment, jpegBytes, pngBytes, pngHeaderOnly, withSegment } from "../../core/test/images.ts";

const HEALTH = "c-2019-health-lectures";

let api: TestApi;
let owner: ReturnType<TestApi["client"]>;
let other: ReturnType<TestApi["client"]>;
let organiser: ReturnType<TestApi["client"]>;
let anonymous: ReturnType<TestApi["client"]>;

/** The multipart body a browser sends for `<input type=file name=file>`. */
function form(bytes: Uint8Array, name = "photo.jpg", type = "image/jpeg", field = "file") {
  const f = new FormData();
  f.append(field, new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
  return f;
}

const upload = (c: ReturnType<TestApi["client"]>, body: FormData | unknown, headers?: Record<string, string>) => c.post("/api/uploads", body, headers);

/** A phone photo: EXIF with a GPS record, taken sideways (orientation 6). */
const phonePhoto = () => withSegment(jpegBytes(60, 40), exifSegment(6));

beforeAll(async () => {
  api = await testApi();
  [owner, other, organiser, anonymous] = [api.client(), api.client(), api.client(), api.client()];
  await owner.signIn(api.newPhone());
  await other.signIn(api.newPhone());
  await organiser.signIn("13800000002"); // 株洲's organiser: any organiser may review uploads
  await anonymous.get("/api/health"); // the csrf cookie, as a browser has it
});

describe("POST /api/uploads → GET /api/uploads/:id", () => {
  it("takes a photo (201), serves it back to her re-encoded, upright and without its EXIF", async () => {
    const res = await upload(owner, form(phonePhoto()));
    expect(res.status, res.text).toBe(201);
    const { id, url } = res.json.upload;
    expect(id).toMatch(/^up[0-9a-z]{12}$/);
    expect(url).toBe(`/api/uploads/${id}`);
    expect(Object.keys(res.json.upload).sort()).toEqual(["id", "url"]);

    const got = await api.app.request(`${ORIGIN}${url}`, { headers: { cookie: [...owner.jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/jpeg");
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-disposition")).toBe("inline");
    expect(got.headers.get("cache-control")).toBe("private, max-age=3600");
    const bytes = new Uint8Array(await got.arrayBuffer());
    expect(contains(bytes, "GPS")).toBe(false);
    expect(contains(bytes, "Exif")).toBe(false);
    const image = decodeJpeg(bytes);
    expect([image.width, image.height]).toEqual([40, 60]); // turned upright
    expect(await getUpload(api.db, id)).toMatchObject({ id, contentType: "image/jpeg", width: 40, height: 60, public: false, bytes: bytes.length });
  });

  it("before it is public: 404 to another participant, 401 to the anonymous, the image to an organiser; after: to anyone", async () => {
    const { id, url } = (await upload(owner, form(pngBytes(30, 20), "p.png", "image/png"))).json.upload;
    const o = await other.get(url);
    expect([o.status, o.json?.error?.code]).toEqual([404, "UPLOAD_NOT_FOUND"]);
    // An id that does not exist answers the same, so ids reveal nothing.
    expect((await other.get("/api/uploads/up0000000000zz")).json.error.code).toBe("UPLOAD_NOT_FOUND");
    const a = await anonymous.get(url);
    expect([a.status, a.json?.error?.code]).toEqual([401, "UNAUTHENTICATED"]);
    expect((await organiser.get(url)).status).toBe(200);

    await markUploadsPublic(api.db, [id]);
    for (const c of [other, anonymous, owner]) {
      const r = await c.get(url);
      expect(r.status).toBe(200);
      expect(r.headers.get("cache-control")).toBe("public, max-age=86400, immutable");
    }
  });

  it("refuses the anonymous (401), and stores nothing", async () => {
    const res = await upload(anonymous, form(pngBytes(8, 8)));
    expect([res.status, res.json.error.code]).toEqual([401, "UNAUTHENTICATED"]);
  });

  it("refuses what is too large: 413, whether the body or the file is over", async () => {
    // A file just over 8 MB in a body the route still reads: acceptImage says no.
    const justOver = concat(pngBytes(4, 4), new Uint8Array(MAX_UPLOAD_BYTES - 50));
    const a = await upload(owner, form(justOver, "big.png", "image/png"));
    expect([a.status, a.json.error.code, a.json.error.details]).toEqual([413, "PAYLOAD_TOO_LARGE", { maxBytes: MAX_UPLOAD_BYTES }]);
    // 20 MB: the body limit stops it before it is parsed.
    const b = await upload(owner, form(randomBytes(20 * 1024 * 1024), "huge.jpg"));
    expect([b.status, b.json.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
  });

  it("refuses what is not a JPEG or PNG, or not whole, with a reason (415)", async () => {
    const cases: [Uint8Array, string, string][] = [
      [ascii("只是一个改了名字的文本文件"), "photo.jpg", "IMAGE_TYPE"],
      [ascii('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "a.svg", "IMAGE_TYPE"],
      [concat(ascii("GIF89a"), new Uint8Array(20)), "a.gif", "IMAGE_TYPE"],
      [pngBytes(50, 50).subarray(0, 200), "cut.png", "IMAGE_CORRUPT"],
      [pngHeaderOnly(20000, 20000), "bomb.png", "IMAGE_DIMENSIONS"],
    ];
    for (const [bytes, name, reason] of cases) {
      const res = await upload(owner, form(bytes, name, "image/jpeg"));
      expect([name, res.status, res.json.error.code, res.json.error.details]).toEqual([name, 415, "UNSUPPORTED_MEDIA_TYPE", { reason }]);
    }
  });

  it("takes exactly one file part named file (422 otherwise) and only multipart (415 for JSON)", async () => {
    const none = new FormData();
    none.append("title", "x");
    expect((await upload(owner, none)).json.error.details.fields).toEqual({ file: "FIELD_REQUIRED", _: "FIELD_INVALID" });
    const two = form(pngBytes(4, 4));
    two.append("file", new File([pngBytes(4, 4) as Uint8Array<ArrayBuffer>], "b.png"));
    expect((await upload(owner, two)).json.error.details.fields).toEqual({ file: "FIELD_INVALID" });
    const text = new FormData();
    text.append("file", "not a file");
    expect((await upload(owner, text)).json.error.details.fields).toEqual({ file: "FIELD_INVALID" });
    const json = await upload(owner, { file: "aGVsbG8=" });
    expect([json.status, json.json.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    const broken = await owner.post("/api/uploads", "--x\r\nnonsense", { "content-type": "multipart/form-data; boundary=x" });
    expect([broken.status, broken.json.error.code]).toEqual([400, "BAD_REQUEST"]);
  });

  it("a JSON route still refuses multipart (415) and the JSON body limit still holds there", async () => {
    const res = await owner.post(`/api/campaigns/${HEALTH}/registrations`, form(pngBytes(4, 4)));
    expect([res.status, res.json.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    const big = await owner.post(`/api/campaigns/${HEALTH}/registrations`, JSON.stringify({ answers: { name: "x".repeat(70 * 1024) } }));
    expect([big.status, big.json.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    // A path under the upload route is not the upload route: JSON rules there.
    const under = await owner.post("/api/uploads/up0000000000zz", form(pngBytes(4, 4)));
    expect([under.status, under.json.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
  });

  it("CSRF still applies: a cross-site multipart post is refused (403) and stores nothing", async () => {
    const before = await api.db.client.send(new (await import("@aws-sdk/client-dynamodb")).ScanCommand({ TableName: api.db.tableName, Select: "COUNT" }));
    const res = await upload(owner, form(pngBytes(8, 8)), { origin: "https://evil.example" });
    expect([res.status, res.json.error.code]).toEqual([403, "CSRF"]);
    const after = await api.db.client.send(new (await import("@aws-sdk/client-dynamodb")).ScanCommand({ TableName: api.db.tableName, Select: "COUNT" }));
    expect(after.Count).toBe(before.Count);
    // The same post from our own page goes through.
    expect((await upload(owner, form(pngBytes(8, 8)))).status).toBe(201);
  });

  it("at most 30 uploads a person an hour (429 after), others unaffected", async () => {
    const busy = api.client();
    await busy.signIn(api.newPhone());
    const small = pngBytes(2, 2);
    for (let i = 0; i < 30; i++) expect((await upload(busy, form(small))).status).toBe(201);
    const over = await upload(busy, form(small));
    expect([over.status, over.json.error.code]).toEqual([429, "RATE_LIMITED"]);
    expect((await upload(other, form(small))).status).toBe(201);
  });

  it("odd ids are simply not found", async () => {
    for (const path of ["/api/uploads/..%2F..%2Fsession-secret", "/api/uploads/%00", "/api/uploads/UP0000000000ZZ", `/api/uploads/${"x".repeat(3000)}`]) {
      const r = await owner.get(path);
      expect([path.slice(0, 40), r.status]).toEqual([path.slice(0, 40), 404]);
    }
  });

  it("without an upload store (not configured) the routes answer 404", async () => {
    const bare = createApp({ db: api.db, clock: api.clock, secret: "s", stage: "local", sms: { sendOtp: async () => {}, sendNotice: async () => {} }, rateLimitPerClient: false });
    const res = readResponse(await bare.request(`${ORIGIN}/api/uploads/up0000000000zz`));
    expect([(await res).status, (await res).json.error.code]).toEqual([404, "NOT_FOUND"]);
  });
});
