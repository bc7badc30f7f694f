import { cloudConfig, loadSecrets, type CloudConfig, type Environment } from "@jinguo/core/config";
import { createDb, type Db } from "@jinguo/core/db";
import { systemClock, type Clock } from "@jinguo/core/clock";
import { smsFromEnvironment, type SmsSender } from "@jinguo/core/sms";
import { getSecretString } from "./secrets.ts";
import { once } from "./once.ts";

/**
 * What a cloud function is made of, read once per cold start: the configuration
 * (core/config), the secrets it names, the table and the SMS provider (the API adds the
 * upload store itself: lambda.ts; the other functions never load the image code).
 * Each function asks only for what it uses, so the reminder schedule, which sends nothing,
 * starts without SMS settings, while the API and the outbox refuse to start without them
 * (core/sms `smsFromEnvironment` names what is missing) rather than pretend to send.
 */
export interface CloudParts {
  config: CloudConfig;
  db: Db;
  clock: Clock;
  secret: string;
  sms: SmsSender;
}

export interface CloudNeeds {
  session: boolean;
  sms: boolean;
}

/**
 * Secrets Manager, read once per secret per cold start: one signed GetSecretValue (./secrets.ts),
 * not the SDK's client, which would be on every cold start's path for this one call.
 */
export async function readSecretValue(arn: string): Promise<string> {
  return getSecretString(arn);
}

/** A sender for a function that must never send (the reminder schedule writes notices; the outbox sends them). */
const sendsNothing: SmsSender = {
  sendOtp: async () => {
    throw new Error("This function sends no text");
  },
  sendNotice: async () => {
    throw new Error("This function sends no text");
  },
};

export async function cloudParts(
  needs: CloudNeeds,
  env: Environment = process.env,
  readSecret: (arn: string) => Promise<string> = readSecretValue,
): Promise<CloudParts> {
  const config = cloudConfig(env);
  const secrets = await loadSecrets(config, env, readSecret, needs);
  return {
    config,
    db: createDb({ tableName: config.tableName }),
    clock: systemClock,
    secret: secrets.sessionSecret,
    sms: needs.sms ? smsFromEnvironment(secrets.smsEnvironment) : sendsNothing,
  };
}

/**
 * The handler's parts, made on first use and kept; a failed start (a secret not yet set) is
 * not kept, so the next invocation tries again instead of failing until the instance is
 * recycled. In Lambda the start begins at import, inside the init phase; elsewhere (tests
 * importing a handler factory) nothing is read until a handler is called.
 */
export function onColdStart<T>(start: () => Promise<T>): () => Promise<T> {
  const get = once(() =>
    start().catch((err: unknown) => {
      console.error(`[start] ${(err as Error).message}`);
      throw err;
    }),
  );
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) get().catch(() => {});
  return get;
}
