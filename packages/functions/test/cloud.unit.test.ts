import { describe, it, expect } from "vitest";
import { cloudConfig } from "@jinguo/core/config";
import { tencentSmsEnvironment } from "@jinguo/core/sms";
import { cloudParts, onColdStart } from "../src/cloud.ts";
import { smsSettings } from "./fixtures/sms-settings.ts";

/** How a cloud function starts: its variables (core/config), its secrets, what it refuses. */

const SESSION_ARN = "arn:aws:secretsmanager:ap-east-1:123456789012:secret:SessionSecret-AbCdEf";
const SMS_ARN = "arn:aws:secretsmanager:ap-east-1:123456789012:secret:SmsSettings-GhIjKl";
const base = { STAGE: "production", TABLE_NAME: "Jinguo-production-Table", SESSION_SECRET_ARN: SESSION_ARN, SMS_SECRET_ARN: SMS_ARN };
const SESSION = "x".repeat(64);
const SECRET_KEY = "tencent-secret-key-value";
const sms = smsSettings(SECRET_KEY);
const secrets = (values: Record<string, string>) => async (arn: string) => {
  if (!(arn in values)) throw new Error(`no secret ${arn}`);
  return values[arn]!;
};

describe("core/config", () => {
  it("reads the variables, with the defaults the cloud wants", () => {
    expect(cloudConfig({ ...base, UPLOAD_BUCKET: "b", PUBLIC_URL: "https://d111.cloudfront.net/" })).toEqual({
      stage: "production",
      tableName: "Jinguo-production-Table",
      uploadBucket: "b",
      publicUrl: "https://d111.cloudfront.net",
      rateLimitPerClient: true,
      trustCloudFrontViewerAddress: false,
      sessionSecretArn: SESSION_ARN,
      smsSecretArn: SMS_ARN,
    });
  });

  it("names every variable that is missing or malformed, in one message", () => {
    let message = "";
    try {
      cloudConfig({ STAGE: "local", PUBLIC_URL: "http://x", RATE_LIMIT_PER_CLIENT: "yes", SMS_SECRET_ARN: "SmsSettings" });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const said of [/TABLE_NAME is not set/, /STAGE is "local"/, /PUBLIC_URL is not an https:\/\/ origin/, /RATE_LIMIT_PER_CLIENT is neither/, /SMS_SECRET_ARN is not a Secrets Manager ARN/]) {
      expect(message).toMatch(said);
    }
    expect(message, "no value in it").not.toMatch(/http:\/\/x|SmsSettings|yes/);
  });
});

describe("a cloud function's start", () => {
  it("the API's: the session secret and the SMS settings read from their secrets", async () => {
    const parts = await cloudParts({ session: true, sms: true }, base, secrets({ [SESSION_ARN]: SESSION, [SMS_ARN]: JSON.stringify(sms) }));
    expect(parts.secret).toBe(SESSION);
    expect(typeof parts.sms.sendOtp).toBe("function");
    expect(parts.db.tableName).toBe(base.TABLE_NAME);
  });

  it("refuses to start without a complete SMS setting, naming what is missing and never a value", async () => {
    const { [tencentSmsEnvironment.templates.otp]: _otp, ...incomplete } = sms;
    const start = cloudParts({ session: true, sms: true }, base, secrets({ [SESSION_ARN]: SESSION, [SMS_ARN]: JSON.stringify(incomplete) }));
    await expect(start).rejects.toThrow(/TENCENT_SMS_TEMPLATE_OTP is not set/);
    await expect(start).rejects.not.toThrow(new RegExp(SECRET_KEY));
    // The secret as the stacks create it: every setting there, every value empty.
    const empty = Object.fromEntries(Object.keys(sms).map((k) => [k, ""]));
    await expect(cloudParts({ session: false, sms: true }, base, secrets({ [SMS_ARN]: JSON.stringify(empty) }))).rejects.toThrow(
      /SMS is not configured/,
    );
  });

  it("refuses a session secret shorter than 32 characters, and an SMS secret that is not the settings' JSON", async () => {
    await expect(cloudParts({ session: true, sms: false }, base, secrets({ [SESSION_ARN]: "short" }))).rejects.toThrow(/shorter than 32/);
    await expect(cloudParts({ session: false, sms: true }, base, secrets({ [SMS_ARN]: "not json" }))).rejects.toThrow(/not JSON/);
    await expect(cloudParts({ session: false, sms: true }, base, secrets({ [SMS_ARN]: JSON.stringify({ PATH: "/bin" }) }))).rejects.toThrow(
      /"PATH", which is not a TENCENT_SMS_\* string/,
    );
  });

  it("the reminder schedule's: neither secret is read, and it would send nothing", async () => {
    const read: string[] = [];
    const parts = await cloudParts({ session: false, sms: false }, { STAGE: "production", TABLE_NAME: "t" }, async (arn) => {
      read.push(arn);
      return "";
    });
    expect(read).toEqual([]);
    await expect(parts.sms.sendNotice("13912345678", "x", { template: "session_reminder", params: [] })).rejects.toThrow(/sends no text/);
  });

  it("a failed start is not kept: the next invocation tries again (the operator has set the secret meanwhile)", async () => {
    let attempts = 0;
    const ready = onColdStart(async () => {
      attempts++;
      if (attempts === 1) throw new Error("SMS is not configured yet");
      return "started";
    });
    expect(attempts, "nothing happens at import outside Lambda").toBe(0);
    await expect(ready()).rejects.toThrow(/not configured/);
    expect(await ready()).toBe("started");
    expect(await ready()).toBe("started");
    expect(attempts).toBe(2);
  });
});
