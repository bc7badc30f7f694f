import { createRequire } from "node:module";
import { UPLOAD_ID, type UploadStore } from "@jinguo/core/uploads";

type S3Module = typeof import("@aws-sdk/client-s3");
/** The two calls the store makes, so a test can stand in for the client. */
export type S3Like = Pick<import("@aws-sdk/client-s3").S3Client, "send">;

/**
 * The S3 client is loaded on the first upload or image read, never at cold start: most
 * requests touch no image. The bundle leaves it out (infra/bundle.ts: external) because the
 * Lambda Node.js runtime carries the whole AWS SDK v3; `require` (not `import`) finds it there
 * through NODE_PATH (/var/runtime/node_modules), and in node_modules everywhere else.
 */
let s3Module: S3Module | undefined;
const loadS3 = (): S3Module => (s3Module ??= createRequire(import.meta.url)("@aws-sdk/client-s3") as S3Module);

/**
 * The cloud's upload store: one object per upload id in the upload bucket, named by the id
 * alone (as the local store names its files), written once: `If-None-Match: *` makes S3 refuse
 * a second write under the same id rather than replace what was served. The bucket encrypts
 * at rest and refuses plain HTTP (infra/).
 */
export function s3UploadStore(options: { bucket: string; client?: S3Like; region?: string }): UploadStore {
  let client = options.client;
  const s3 = () => {
    const sdk = loadS3();
    client ??= new sdk.S3Client({ region: options.region ?? process.env.AWS_REGION, maxAttempts: 3 });
    return { sdk, client };
  };
  return {
    async put(id, bytes, contentType) {
      if (!UPLOAD_ID.test(id)) throw new Error(`not an upload id: ${JSON.stringify(id)}`);
      const { sdk, client } = s3();
      await client.send(
        new sdk.PutObjectCommand({ Bucket: options.bucket, Key: id, Body: bytes, ContentType: contentType, IfNoneMatch: "*" }),
      );
    },
    async get(id) {
      if (!UPLOAD_ID.test(id)) return undefined;
      const { sdk, client } = s3();
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
  };
}
