import { handle } from "hono/aws-lambda";
import type { LambdaEvent, LambdaContext } from "hono/aws-lambda";
import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { createDb } from "@jinguo/core/db";
import { systemClock } from "@jinguo/core/clock";
import type { SmsSender } from "@jinguo/core/sms";
import { createApp } from "./app.ts";

/**
 * No SMS provider is wired up yet (the cloud issue chooses one: in China an SMS provider needs
 * approved templates). Until then the cloud refuses to pretend it sent a code.
 */
const noProvider = async () => {
  throw new Error("No SMS provider is configured for this stage");
};
const sms: SmsSender = { sendOtp: noProvider, sendNotice: noProvider };

/** SST passes the secret's value; the CDK stack passes its ARN, read once per cold start. */
async function sessionSecret(): Promise<string> {
  let secret = process.env.SESSION_SECRET;
  if (!secret && process.env.SESSION_SECRET_ARN) {
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: process.env.SESSION_SECRET_ARN }));
    secret = out.SecretString;
  }
  if (!secret || secret.length < 32) throw new Error("The stage's session secret is missing or shorter than 32 characters");
  return secret;
}

const ready = sessionSecret().then((secret) =>
  handle(
    createApp({
      db: createDb({ tableName: process.env.TABLE_NAME! }),
      clock: systemClock,
      secret,
      stage: process.env.STAGE ?? "production",
      sms,
      rateLimitPerClient: process.env.RATE_LIMIT_PER_CLIENT !== "off",
      trustCloudFrontViewerAddress: process.env.TRUST_CLOUDFRONT_VIEWER_ADDRESS === "on",
      ...(process.env.PUBLIC_URL ? { publicUrl: process.env.PUBLIC_URL } : {}),
    }),
  ),
);

export const handler = async (event: LambdaEvent, context: LambdaContext) => (await ready)(event, context);
