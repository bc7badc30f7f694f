/**
 * How a cloud function learns where it runs: one reading of the environment, at cold start.
 *
 * Environment variables only, in the cloud and on this machine alike. SST's `Resource` would
 * read SST's encrypted link bundle, which needs the `sst` package at run time and exists only
 * under SST; the CloudFormation twin (infra/cdk) has no links. So both deploy paths set the same
 * variables below (infra/api.ts, infra/cdk/stack.ts), and secrets are never among them: a
 * variable names a Secrets Manager secret by ARN and the function reads it once
 * (`loadSecrets`), so its value shows neither in the function's configuration nor in its package.
 *
 * Every problem is said by the variable's name, never by its value.
 */

/** The variables, by what they hold. */
export const configEnvironment = {
  /** the stage ("production", "staging", …); "local" is `npm start` and never a cloud stage */
  stage: "STAGE",
  /** the one table (core/table) */
  tableName: "TABLE_NAME",
  /** the upload bucket; unset, the API has no upload store and its upload routes answer 404 */
  uploadBucket: "UPLOAD_BUCKET",
  /** where people open the web app (https://…), for the links in QR codes and texts */
  publicUrl: "PUBLIC_URL",
  /** per-client (per-IP) limits on code requests: on unless "off" */
  rateLimitPerClient: "RATE_LIMIT_PER_CLIENT",
  /** "on" when CloudFront writes CloudFront-Viewer-Address in front of the API */
  trustCloudFrontViewerAddress: "TRUST_CLOUDFRONT_VIEWER_ADDRESS",
  /** ARN of the secret whose value signs session cookies (≥ 32 characters) */
  sessionSecretArn: "SESSION_SECRET_ARN",
  /** the session secret itself: for a test or a one-off run only, never set by infra/ */
  sessionSecret: "SESSION_SECRET",
  /** ARN of the secret holding the SMS provider's settings: a JSON object of TENCENT_SMS_* names (core/sms) */
  smsSecretArn: "SMS_SECRET_ARN",
} as const;

export interface CloudConfig {
  stage: string;
  tableName: string;
  uploadBucket?: string;
  publicUrl?: string;
  rateLimitPerClient: boolean;
  trustCloudFrontViewerAddress: boolean;
  sessionSecretArn?: string;
  sessionSecret?: string;
  smsSecretArn?: string;
}

export type Environment = Record<string, string | undefined>;

/** The SMS settings' variables all start so (core/sms `tencentSmsEnvironment`). */
const SMS_PREFIX = "TENCENT_SMS_";
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+$/;

/** Reads the configuration, or throws naming every variable that is missing or malformed. */
export function cloudConfig(env: Environment): CloudConfig {
  const names = configEnvironment;
  const problems: string[] = [];
  const value = (name: string) => env[name]?.trim() || undefined;
  const required = (name: string) => {
    const v = value(name);
    if (!v) problems.push(`${name} is not set`);
    return v ?? "";
  };
  const arn = (name: string) => {
    const v = value(name);
    if (v && !SECRET_ARN.test(v)) problems.push(`${name} is not a Secrets Manager ARN`);
    return v;
  };
  const onOff = (name: string, fallback: boolean) => {
    const v = value(name);
    if (v === undefined) return fallback;
    if (v !== "on" && v !== "off") problems.push(`${name} is neither "on" nor "off"`);
    return v === "on";
  };

  const stage = required(names.stage);
  if (stage === "local") problems.push(`${names.stage} is "local", the stage of npm start, not of the cloud`);
  const publicUrl = value(names.publicUrl);
  if (publicUrl && !/^https:\/\/[^/?#\s]+\/?$/.test(publicUrl)) problems.push(`${names.publicUrl} is not an https:// origin`);
  const config: CloudConfig = {
    stage,
    tableName: required(names.tableName),
    rateLimitPerClient: onOff(names.rateLimitPerClient, true),
    trustCloudFrontViewerAddress: onOff(names.trustCloudFrontViewerAddress, false),
  };
  const optional = {
    uploadBucket: value(names.uploadBucket),
    publicUrl: publicUrl?.replace(/\/$/, ""),
    sessionSecretArn: arn(names.sessionSecretArn),
    sessionSecret: value(names.sessionSecret),
    smsSecretArn: arn(names.smsSecretArn),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (config as unknown as Record<string, string>)[k] = v;
  if (problems.length > 0) throw new Error(`This function's configuration is incomplete: ${problems.join("; ")}.`);
  return config;
}

/** What the secrets hold, once read. */
export interface CloudSecrets {
  sessionSecret: string;
  /** the SMS settings as variables (TENCENT_SMS_*): the secret's, over any set in the environment */
  smsEnvironment: Environment;
}

/**
 * Reads the secrets the configuration names, with `readSecret` (Secrets Manager in the
 * cloud: packages/functions/src/cloud.ts). `needs` says which this function uses: the stream
 * consumer sends texts but signs no cookie; the reminder schedule does neither.
 */
export async function loadSecrets(
  config: CloudConfig,
  env: Environment,
  readSecret: (arn: string) => Promise<string>,
  needs: { session: boolean; sms: boolean },
): Promise<CloudSecrets> {
  const names = configEnvironment;
  const [session, sms] = await Promise.all([
    needs.session && !config.sessionSecret && config.sessionSecretArn ? readSecret(config.sessionSecretArn) : undefined,
    needs.sms && config.smsSecretArn ? readSecret(config.smsSecretArn) : undefined,
  ]);
  const sessionSecret = config.sessionSecret ?? session ?? "";
  if (needs.session && sessionSecret.length < 32) {
    throw new Error(`The session secret is missing or shorter than 32 characters (${names.sessionSecretArn}, or ${names.sessionSecret})`);
  }
  const smsEnvironment: Environment = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith(SMS_PREFIX)) smsEnvironment[k] = v;
  if (sms !== undefined) Object.assign(smsEnvironment, smsSecretValue(sms));
  return { sessionSecret, smsEnvironment };
}

/** The SMS secret: a JSON object of TENCENT_SMS_* names to strings; anything else is refused by name. */
function smsSecretValue(text: string): Environment {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`The secret named by ${configEnvironment.smsSecretArn} is not JSON`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`The secret named by ${configEnvironment.smsSecretArn} is not a JSON object`);
  }
  const out: Environment = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!k.startsWith(SMS_PREFIX) || typeof v !== "string") {
      throw new Error(`The secret named by ${configEnvironment.smsSecretArn} holds ${JSON.stringify(k)}, which is not a ${SMS_PREFIX}* string`);
    }
    out[k] = v;
  }
  return out;
}
