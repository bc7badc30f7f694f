import { handle } from "hono/aws-lambda";
import type { LambdaEvent, LambdaContext } from "hono/aws-lambda";
import { createApp, type Deps } from "./app.ts";
import { cloudParts, onColdStart } from "./cloud.ts";
import { once } from "./once.ts";
import type { UploadStore } from "@jinguo/core/uploads";

/**
 * The API as a Lambda handler (API Gateway HTTP API, payload 2.0), from any deps: the cloud's
 * below, a test's table and fake SMS in packages/functions/test/lambda.int.test.ts.
 */
export function createLambdaHandler(deps: Deps) {
  return handle(createApp(deps));
}

const ready = onColdStart(async () => {
  const { config, db, clock, secret, sms } = await cloudParts({ session: true, sms: true });
  return createLambdaHandler({
    db,
    clock,
    secret,
    stage: config.stage,
    sms,
    rateLimitPerClient: config.rateLimitPerClient,
    trustCloudFrontViewerAddress: config.trustCloudFrontViewerAddress,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(config.uploadBucket ? { uploads: s3UploadsOnFirstUse(config.uploadBucket) } : {}),
    // No `outbox`: in the cloud the table's stream delivers (stream.ts).
  });
});

export const handler = async (event: LambdaEvent, context: LambdaContext) => (await ready())(event, context);

/**
 * The upload bucket's store (s3-uploads.ts), its code loaded with the first image: most
 * requests touch none, so no cold start reads it. It has direct uploads, as the store has.
 */
function s3UploadsOnFirstUse(bucket: string): UploadStore {
  const store = once(async () => (await import("./s3-uploads.ts")).s3UploadStore({ bucket }));
  return {
    put: async (id, bytes, contentType) => (await store()).put(id, bytes, contentType),
    get: async (id) => (await store()).get(id),
    direct: {
      presignPut: async (key, contentType, size) => (await store()).direct!.presignPut(key, contentType, size),
      read: async (key) => (await store()).direct!.read(key),
      remove: async (key) => (await store()).direct!.remove(key),
    },
  };
}
