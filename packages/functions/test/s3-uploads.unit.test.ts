import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { incomingKey } from "@jinguo/core/uploads";
import { s3UploadStore, PRESIGNED_PUT_SECONDS } from "../src/s3-uploads.ts";
import { BUCKET, fakeS3, type FakeS3 } from "./fake-s3.ts";

/**
 * The cloud's upload store against a stand-in for S3 (fake-s3.ts) that keeps what the real one
 * would check: the object's bytes and type, `If-None-Match: *` refusing a second write under
 * the same id (412), and a presigned PUT's signature.
 */
let s3: FakeS3;
let objects: FakeS3["objects"];
let seen: FakeS3["seen"];
let client: FakeS3["client"];

beforeAll(async () => {
  s3 = await fakeS3();
  ({ objects, seen, client } = s3);
});
afterAll(() => s3.close());

/** An upload id (core/uploads UPLOAD_ID: "up" + 12 of [0-9a-z]). */
const id = (n: number) => `up${"k".repeat(11)}${n}`;

describe("s3UploadStore", () => {
  it("keeps an image's bytes under its id alone, with its type, and gives them back", async () => {
    const store = s3UploadStore({ bucket: BUCKET, client });
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0, 255]);
    await store.put(id(1), bytes, "image/jpeg");
    const put = seen.at(-1)!;
    expect(put.method).toBe("PUT");
    expect(put.url.split("?")[0]).toBe(`/${BUCKET}/${id(1)}`);
    expect(put.headers["content-type"]).toBe("image/jpeg");
    expect(put.headers["if-none-match"]).toBe("*");
    expect(put.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIATEST\/\d{8}\/ap-east-1\/s3\/aws4_request/);
    expect(objects.get(id(1))?.bytes).toEqual(Buffer.from(bytes));
    expect(await store.get(id(1))).toEqual(bytes);
  });

  it("never replaces what is kept: a second write under the same id is refused", async () => {
    const store = s3UploadStore({ bucket: BUCKET, client });
    await store.put(id(2), new Uint8Array([1]), "image/png");
    await expect(store.put(id(2), new Uint8Array([2]), "image/png")).rejects.toMatchObject({ name: "PreconditionFailed" });
    expect(await store.get(id(2))).toEqual(new Uint8Array([1]));
  });

  it("nothing under an id is undefined, like the local store's missing file", async () => {
    expect(await s3UploadStore({ bucket: BUCKET, client }).get(id(3))).toBeUndefined();
  });

  it("a name that is not an upload id never reaches S3", async () => {
    const store = s3UploadStore({ bucket: BUCKET, client });
    const before = seen.length;
    await expect(store.put("../index.html", new Uint8Array([1]), "image/png")).rejects.toThrow(/not an upload id/);
    expect(await store.get("up../../x")).toBeUndefined();
    expect(seen.length).toBe(before);
  });

  it("other failures are not taken for a missing object", async () => {
    await expect(s3UploadStore({ bucket: "another-bucket", client }).get(id(4))).rejects.toMatchObject({ name: "NoSuchBucket" });
  });
});

describe("s3UploadStore: direct uploads (a presigned PUT from the browser)", () => {
  const store = () => s3UploadStore({ bucket: BUCKET, client });
  const key = (n: number) => incomingKey("u0000000000test", id(n));
  const put = (url: string, body: Uint8Array, type: string) => fetch(url, { method: "PUT", body, headers: { "content-type": type } });

  it("signs a PUT of exactly the declared type and size, for ten minutes; the bytes are read back and removed", async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3, 4, 5]);
    const before = Date.now();
    const signed = await store().direct!.presignPut(key(5), "image/jpeg", bytes.length);
    const url = new URL(signed.url);
    expect(url.pathname).toBe(`/${BUCKET}/${key(5)}`);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(url.searchParams.get("X-Amz-Expires")).toBe(String(PRESIGNED_PUT_SECONDS));
    // No checksum of an empty body, which S3 would hold the photo to.
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(signed.headers).toEqual({ "content-type": "image/jpeg" });
    expect(signed.expiresAt.getTime() - before).toBeGreaterThanOrEqual(PRESIGNED_PUT_SECONDS * 1000 - 1000);

    expect((await put(signed.url, bytes, "image/jpeg")).status).toBe(200);
    expect(objects.get(key(5))).toEqual({ bytes: Buffer.from(bytes), type: "image/jpeg" });
    expect(await store().direct!.read(key(5))).toEqual(bytes);
    await store().direct!.remove(key(5));
    expect(objects.has(key(5))).toBe(false);
    expect(await store().direct!.read(key(5))).toBeUndefined();
  });

  it("the signature holds the type, the length and the time: any other is refused by S3", async () => {
    const bytes = new Uint8Array(100).fill(7);
    const signed = await store().direct!.presignPut(key(6), "image/png", bytes.length);
    expect((await put(signed.url, bytes, "image/jpeg")).status).toBe(403);
    expect((await put(signed.url, new Uint8Array(101), "image/png")).status).toBe(403);
    expect((await put(signed.url, new Uint8Array(99), "image/png")).status).toBe(403);
    s3.setNow(() => new Date(Date.now() + (PRESIGNED_PUT_SECONDS + 5) * 1000));
    try {
      expect((await put(signed.url, bytes, "image/png")).status).toBe(403);
    } finally {
      s3.setNow(() => new Date());
    }
    expect(objects.has(key(6))).toBe(false);
    // Negative control: as signed, it goes.
    expect((await put(signed.url, bytes, "image/png")).status).toBe(200);
  });

  it("only incoming keys reach S3 this way", async () => {
    const before = seen.length;
    await expect(store().direct!.presignPut(id(7), "image/png", 10)).rejects.toThrow(/not an incoming upload key/);
    await expect(store().direct!.read("incoming/../up")).rejects.toThrow(/not an incoming upload key/);
    await expect(store().direct!.remove(`incoming/u1/${id(7)}/x`)).rejects.toThrow(/not an incoming upload key/);
    expect(seen.length).toBe(before);
  });
});
