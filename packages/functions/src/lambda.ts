import { handle } from "hono/aws-lambda";
import type { LambdaEvent, LambdaContext } from "hono/aws-lambda";
import { createApp, type Deps } from "./app.ts";
import { cloudParts, onColdStart } from "./cloud.ts";
import { s3UploadStore } from "./s3-uploads.ts";

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
    ...(config.uploadBucket ? { uploads: s3UploadStore({ bucket: config.uploadBucket }) } : {}),
    // No `outbox`: in the cloud the table's stream delivers (stream.ts).
  });
});

export const handler = async (event: LambdaEvent, context: LambdaContext) => (await ready())(event, context);
