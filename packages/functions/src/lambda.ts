import { handle } from "hono/aws-lambda";
import { createDb } from "@jinguo/core/db";
import { systemClock } from "@jinguo/core/clock";
import type { SmsSender } from "@jinguo/core/identity";
import { createApp } from "./app.ts";

/**
 * The SMS gateway is chosen at deploy time; until the federation's provider is contracted, a
 * stage without one refuses to pretend it sent a code.
 */
const sms: SmsSender = {
  async sendOtp() {
    throw new Error("No SMS provider is configured for this stage (set one in infra/api.ts)");
  },
};

const secret = process.env.SESSION_SECRET;
if (!secret || secret.length < 32) throw new Error("SESSION_SECRET must be set (32+ characters) from the stage's secret");

const app = createApp({
  db: createDb({ tableName: process.env.TABLE_NAME! }),
  clock: systemClock,
  secret,
  stage: process.env.STAGE ?? "production",
  sms,
  rateLimitPerClient: process.env.RATE_LIMIT_PER_CLIENT !== "off",
});

export const handler = handle(app);
