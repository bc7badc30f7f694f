import { handle } from "hono/aws-lambda";
import type { LambdaEvent, LambdaContext } from "hono/aws-lambda";
import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { createDb } from "@jinguo/core/db";
import { systemClock } from "@jinguo/core/clock";
import type { SmsSender } from "@jinguo/core/sms";
import { createApp } from "./app.ts";

/**
 * The SMS gateway is chosen at deploy time; until the federation's provider is contracted, a
 * stage without one refuses to pretend it sent a code.
 */
const noProvider = async () => {
  throw new Error("No SMS provider is configured for this stage (set one in infra/api.ts)");
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
    }),
  ),
);

export const handler = async (event: LambdaEvent, context: LambdaContext) => (await ready)(event, context);
