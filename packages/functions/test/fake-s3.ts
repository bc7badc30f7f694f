/**
 * A stand-in for S3 (path-style, one bucket, in memory) that keeps what the real one checks
 * for what the upload store does: the object's bytes and type, `If-None-Match: *` refusing a
 * second write under the same key (412), and for a presigned request (query-string SigV4) its
 * signature — recomputed here from what arrived, so a PUT with another Content-Type or length
 * than was signed, or after its expiry, is refused (403) as S3 would. Requests the SDK signs in
 * its Authorization header are taken as they come (the SDK's own signing is not ours to test).
 */
import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";

export const BUCKET = "jinguo-uploads-test";
export const REGION = "ap-east-1";
const CREDENTIALS = { accessKeyId: "AKIATEST", secretAccessKey: "test-secret" };

const xmlError = (code: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;

// RFC 3986, as SigV4 encodes query parameters.
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const hmac = (key: string | Buffer, s: string) => createHmac("sha256", key).update(s, "utf8").digest();

/** Why a presigned request is refused, or undefined when its signature holds. */
function presignedRefusal(req: IncomingMessage, now: Date): string | undefined {
  const url = new URL(req.url!, "http://x");
  const q = url.searchParams;
  const [accessKey, date, region, service] = (q.get("X-Amz-Credential") ?? "").split("/");
  if (q.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256" || accessKey !== CREDENTIALS.accessKeyId) return "credential";
  const stamp = q.get("X-Amz-Date") ?? "";
  const signedAt = Date.parse(stamp.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (!(now.getTime() <= signedAt + Number(q.get("X-Amz-Expires")) * 1000)) return "expired";
  const signedHeaders = (q.get("X-Amz-SignedHeaders") ?? "").split(";");
  const query = [...q]
    .filter(([k]) => k !== "X-Amz-Signature")
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const headers = signedHeaders.map((h) => `${h}:${String(req.headers[h] ?? "").trim()}\n`).join("");
  const canonical = [req.method, url.pathname, query, headers, signedHeaders.join(";"), "UNSIGNED-PAYLOAD"].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", stamp, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${CREDENTIALS.secretAccessKey}`, date!), region!), service!), "aws4_request");
  return hmac(key, toSign).toString("hex") === q.get("X-Amz-Signature") ? undefined : "signature";
}

export interface FakeS3 {
  objects: Map<string, { bytes: Buffer; type: string }>;
  seen: { method: string; url: string; headers: IncomingMessage["headers"]; refused?: string }[];
  /** A client of the SDK pointed at it, as the store would make one. */
  client: S3Client;
  /** The stand-in's own clock, for expiry. */
  now: () => Date;
  setNow(now: () => Date): void;
  close(): Promise<void>;
}

export async function fakeS3(): Promise<FakeS3> {
  const objects = new Map<string, { bytes: Buffer; type: string }>();
  const seen: FakeS3["seen"] = [];
  let now = () => new Date();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const entry: FakeS3["seen"][number] = { method: req.method!, url: req.url!, headers: req.headers };
      seen.push(entry);
      const fail = (status: number, code: string) => {
        entry.refused = code;
        res.writeHead(status, { "content-type": "application/xml" }).end(xmlError(code));
      };
      const [, bucket, rawKey] = /^\/([^/]+)\/([^?]+)/.exec(req.url!) ?? [];
      if (bucket !== BUCKET || !rawKey) return fail(404, "NoSuchBucket");
      const key = decodeURIComponent(rawKey);
      if (new URL(req.url!, "http://x").searchParams.has("X-Amz-Signature")) {
        const refusal = presignedRefusal(req, now());
        if (refusal) return fail(403, refusal === "expired" ? "AccessDenied" : "SignatureDoesNotMatch");
      }
      if (req.method === "PUT") {
        if (req.headers["if-none-match"] === "*" && objects.has(key)) return fail(412, "PreconditionFailed");
        objects.set(key, { bytes: Buffer.concat(chunks), type: String(req.headers["content-type"]) });
        return void res.writeHead(200, { etag: '"1"' }).end();
      }
      if (req.method === "GET") {
        const o = objects.get(key);
        if (!o) return fail(404, "NoSuchKey");
        return void res.writeHead(200, { "content-type": o.type, "content-length": o.bytes.length }).end(o.bytes);
      }
      if (req.method === "DELETE") {
        objects.delete(key);
        return void res.writeHead(204).end();
      }
      res.writeHead(405).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forcePathStyle: true,
    region: REGION,
    credentials: CREDENTIALS,
    // What s3UploadStore sets on its own client (a presigned PUT signs no checksum of nothing);
    // and a stand-in without the SDK's default checksums' streaming body.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return {
    objects,
    seen,
    client,
    now: () => now(),
    setNow: (n) => void (now = n),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
