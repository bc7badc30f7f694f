import type { NoticeTemplate } from "./index.ts";

/*
 * Tencent Cloud SMS's settings and where they are read from: what a function checks at start
 * (it refuses to start without them). The sender itself (tencent.ts, the signature and the
 * POST) loads with the first text sent.
 */

export const tencentSmsApi = {
  host: "sms.tencentcloudapi.com",
  service: "sms",
  action: "SendSms",
  version: "2021-01-11",
  /** the region the account's SMS application lives in, unless the settings say otherwise */
  defaultRegion: "ap-guangzhou",
} as const;

/** The messages a Tencent template exists for: the sign-in code and every kind of notice. */
export type TencentTemplateKind = "otp" | NoticeTemplate;

export interface TencentSmsSettings {
  secretId: string;
  secretKey: string;
  /** the SMS application's SdkAppId (1400…) */
  sdkAppId: string;
  /** the approved sign name, without the brackets: 湖南省妇联 → 【湖南省妇联】 */
  signName: string;
  region: string;
  /** an approved template id per kind of message */
  templates: Record<TencentTemplateKind, string>;
}

/**
 * The settings by environment variable (SST links them from secrets; the CDK stack sets them
 * from its secret). All are required but the region.
 */
export const tencentSmsEnvironment = {
  secretId: "TENCENT_SMS_SECRET_ID",
  secretKey: "TENCENT_SMS_SECRET_KEY",
  sdkAppId: "TENCENT_SMS_SDK_APP_ID",
  signName: "TENCENT_SMS_SIGN_NAME",
  region: "TENCENT_SMS_REGION",
  templates: {
    otp: "TENCENT_SMS_TEMPLATE_OTP",
    waitlist_promoted: "TENCENT_SMS_TEMPLATE_WAITLIST_PROMOTED",
    session_reminder: "TENCENT_SMS_TEMPLATE_SESSION_REMINDER",
    results_published: "TENCENT_SMS_TEMPLATE_RESULTS_PUBLISHED",
  },
} as const satisfies { templates: Record<TencentTemplateKind, string> } & Record<string, unknown>;

/**
 * Reads the settings, or says every one that is missing or malformed (by name, never by value).
 */
export function tencentSmsSettings(env: Record<string, string | undefined>): TencentSmsSettings {
  const problems: string[] = [];
  const read = (name: string, pattern?: RegExp) => {
    const value = env[name]?.trim() ?? "";
    if (!value) problems.push(`${name} is not set`);
    else if (pattern && !pattern.test(value)) problems.push(`${name} is not valid`);
    return value;
  };
  const names = tencentSmsEnvironment;
  const digits = /^\d{1,20}$/;
  const settings: TencentSmsSettings = {
    secretId: read(names.secretId, /^\S+$/),
    secretKey: read(names.secretKey, /^\S+$/),
    sdkAppId: read(names.sdkAppId, digits),
    signName: read(names.signName, /^[^【】\[\]]{2,16}$/),
    region: env[names.region]?.trim() || tencentSmsApi.defaultRegion,
    templates: {
      otp: read(names.templates.otp, digits),
      waitlist_promoted: read(names.templates.waitlist_promoted, digits),
      session_reminder: read(names.templates.session_reminder, digits),
      results_published: read(names.templates.results_published, digits),
    },
  };
  if (!/^[a-z]{2}-[a-z]+(-\d+)?$/.test(settings.region)) problems.push(`${names.region} is not valid`);
  if (problems.length > 0) {
    throw new Error(`SMS is not configured for Tencent Cloud SMS, so no sign-in code or notice can be sent: ${problems.join("; ")}.`);
  }
  return settings;
}
