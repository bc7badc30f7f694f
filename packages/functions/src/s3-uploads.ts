import { INCOMING_KEY, UPLOAD_ID, type UploadStore } from "@jinguo/core/uploads";

type S3Module = typeof import("./s3-sdk.ts");
/** The client the store uses; a test passes one pointed at its stand-in for S3. */
export type S3Like = import("@aws-sdk/client-s3").S3Client;

/** How long a presigned PUT may start: a phone on a slow network picks, shrinks and sends within it. */
export const PRESIGNED_PUT_SECONDS = 600;

/**
 * The S3 client is loaded on the first upload or image read, never at cold start: most
 * requests touch no image. In the Lambda bundle it is a bundle of its own (s3-sdk.ts), our
 * pinned version, not the runtime's copy of the SDK.
 */
let s3Module: Promise<S3Module> | undefined;
const loadS3 = (): Promise<S3Module> => (s3Module ??= import("./s3-sdk.ts"));

/**
 * The cloud's upload store: one object per upload id in the upload bucket, named by the id
 * alone (as the local store names its files), written once: `If-None-Match: *` makes S3 refuse
 * a second write under the same id rather than replace what was served. The bucket encrypts
 * at rest and refuses plain HTTP (infra/).
 *
 * Direct uploads (core/uploads `startDirectUpload`): a presigned PUT to an incoming key, its
 * Content-Type and Content-Length signed, so S3 takes exactly the declared type and size; the
 * bucket lets the site's origin PUT there (CORS) and forgets incoming objects after a day.
 */
export function s3UploadStore(options: { bucket: string; client?: S3Like; region?: string }): UploadStore {
  let client = options.client;
  const s3 = async () => {
    const sdk = await loadS3();
    client ??= new sdk.S3Client({
      region: options.region ?? process.env.AWS_REGION,
      maxAttempts: 3,
      // Else the SDK signs a CRC32 of the request it presigns, which has no body: S3 would then
      // refuse every photo put to the URL as not matching the checksum of nothing.
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    return { sdk, client };
  };
  return {
    async put(id, bytes, contentType) {
      if (!UPLOAD_ID.test(id)) throw new Error(`not an upload id: ${JSON.stringify(id)}`);
      const { sdk, client } = await s3();
      await client.send(
        new sdk.PutObjectCommand({ Bucket: options.bucket, Key: id, Body: bytes, ContentType: contentType, IfNoneMatch: "*" }),
      );
    },
    async get(id) {
      if (!UPLOAD_ID.test(id)) return undefined;
      const { sdk, client } = await s3();
      try {
        const out = await client.send(new sdk.GetObjectCommand({ Bucket: options.bucket, Key: id }));
        return out.Body ? await out.Body.transformToByteArray() : undefined;
      } catch (err) {
        // The metadata in the table is written after the bytes, so this is only an object
        // removed by hand; read like the local store's missing file.
        if ((err as { name?: string }).name === "NoSuchKey") return undefined;
        throw err;
      }
    },
    direct: {
      async presignPut(key, contentType, size) {
        incoming(key);
        const { sdk, client } = await s3();
        const expiresAt = new Date(Date.now() + PRESIGNED_PUT_SECONDS * 1000);
        const url = await sdk.getSignedUrl(
          client,
          new sdk.PutObjectCommand({ Bucket: options.bucket, Key: key, ContentType: contentType, ContentLength: size }),
          // The presigner leaves Content-Type out of the signature unless asked.
          { expiresIn: PRESIGNED_PUT_SECONDS, signableHeaders: new Set(["content-type", "content-length"]) },
        );
        return { url, headers: { "content-type": contentType }, expiresAt };
      },
      async read(key) {
        incoming(key);
        const { sdk, client } = await s3();
        try {
          const out = await client.send(new sdk.GetObjectCommand({ Bucket: options.bucket, Key: key }));
          return out.Body ? await out.Body.transformToByteArray() : undefined;
        } catch (err) {
          if ((err as { name?: string }).name === "NoSuchKey") return undefined;
          throw err;
        }
      },
      async remove(key) {
        incoming(key);
        const { sdk, client } = await s3();
        await client.send(new sdk.DeleteObjectCommand({ Bucket: options.bucket, Key: key }));
      },
    },
  };
}

/** Only keys core/uploads `incomingKey` makes reach S3 for direct uploads. */
function incoming(key: string): void {
  if (!INCOMING_KEY.test(key)) throw new Error(`not an incoming upload key: ${JSON.stringify(key)}`);
}
