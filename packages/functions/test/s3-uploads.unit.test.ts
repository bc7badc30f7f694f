import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import { s3UploadStore } from "../src/s3-uploads.ts";

/**
 * The cloud's upload store against a stand-in for S3 (path-style, one bucket, in memory) that
 * keeps what the real one would check: a signed request, the object's bytes and type, and
 * `If-None-Match: *` refusing a second write under the same key (412).
 */
const BUCKET = "jinguo-uploads-test";
const objects = new Map<string, { bytes: Buffer; type: string }>();
const seen: { method: string; url: string; headers: IncomingMessage["headers"] }[] = [];
let server: Server;
let client: S3Client;

const xmlError = (code: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      const [, bucket, key] = /^\/([^/]+)\/([^?]+)/.exec(req.url!) ?? [];
      if (bucket !== BUCKET || !key) return void res.writeHead(404, { "content-type": "application/xml" }).end(xmlError("NoSuchBucket"));
      if (req.method === "PUT") {
        if (req.headers["if-none-match"] === "*" && objects.has(key)) {
          return void res.writeHead(412, { "content-type": "application/xml" }).end(xmlError("PreconditionFailed"));
        }
        objects.set(key, { bytes: Buffer.concat(chunks), type: String(req.headers["content-type"]) });
        return void res.writeHead(200, { etag: '"1"' }).end();
      }
      if (req.method === "GET") {
        const o = objects.get(key);
        if (!o) return void res.writeHead(404, { "content-type": "application/xml" }).end(xmlError("NoSuchKey"));
        return void res.writeHead(200, { "content-type": o.type, "content-length": o.bytes.length }).end(o.bytes);
      }
      res.writeHead(405).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  client = new S3Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forcePathStyle: true,
    region: "ap-east-1",
    credentials: { accessKeyId: "AKIATEST", secretAccessKey: "test-secret" },
    // A stand-in without the SDK's default checksums' streaming body (its bytes are what S3 keeps).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

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
