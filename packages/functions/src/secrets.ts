/**
 * Secrets Manager's GetSecretValue, and nothing else of its client: a cold start reads a secret
 * or two and never calls Secrets Manager again, and `@aws-sdk/client-secrets-manager` (its
 * commands, schemas, endpoint rules: ~13 KB minified) would be parsed on every one of them.
 * What the call needs is already on the start path for the DynamoDB client: the SDK's SigV4
 * signer, its SHA-256, its default credential chain. So this is one signed POST in the
 * service's JSON 1.1 protocol, signed as the SDK signs it (test/secrets.unit.test.ts compares
 * the two requests byte for byte against a local server) and retried as `maxAttempts: 3` retries.
 *
 * Left out, as the cloud functions never need them: FIPS and dual-stack endpoints, clock-skew
 * correction (Lambda's clock is synchronised), binary secrets (refused by name).
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SecretReadOptions {
  /** the secret's region; AWS_REGION unless given */
  region?: string;
  /**
   * A local server's, for a test; unless given, what the SDK would take from the environment
   * (AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL), else the region's (`secretsManagerEndpoint`)
   */
  endpoint?: string;
  /** the SDK's default chain unless given (in Lambda: the role's keys in the environment) */
  credentials?: AwsCredentials | (() => Promise<AwsCredentials>);
  /** 3, as the SDK client was configured */
  maxAttempts?: number;
  /** per attempt, in ms */
  timeout?: number;
}

/** Why a secret could not be read: the secret and the service's error type, never a value. */
export class SecretReadError extends Error {
  override name = "SecretReadError";
  constructor(
    readonly secretId: string,
    /** Secrets Manager's error type (ResourceNotFoundException, …), a network error's code, or "HTTP <status>" */
    readonly type: string,
    readonly attempts: number,
    detail?: string,
  ) {
    super(`Could not read the secret ${secretId}: ${type}${detail ? ` (${detail})` : ""}${attempts > 1 ? `, after ${attempts} attempts` : ""}`);
  }
}

const TARGET = "secretsmanager.GetSecretValue";
const CONTENT_TYPE = "application/x-amz-json-1.1";
const DEFAULT_TIMEOUT = 5_000;

/** The endpoint the SDK resolves for a region: China's partition has its own domain. */
export function secretsManagerEndpoint(region: string): string {
  return `https://secretsmanager.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

// One chain for every read, made on first use: it memoises what it resolves, as the
// DynamoDB client's own chain does, so two secrets at one cold start resolve credentials once.
let defaultCredentials: (() => Promise<AwsCredentials>) | undefined;

/** The secret's SecretString. */
export async function getSecretString(secretId: string, options: SecretReadOptions = {}): Promise<string> {
  const region = options.region ?? process.env.AWS_REGION;
  if (!region) throw new SecretReadError(secretId, "NoRegion", 0, "AWS_REGION is not set");
  const env = process.env;
  const url = new URL(options.endpoint || env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL || secretsManagerEndpoint(region));
  const body = JSON.stringify({ SecretId: secretId });
  const signer = new SignatureV4({
    credentials: options.credentials ?? (defaultCredentials ??= defaultProvider()),
    region,
    service: "secretsmanager",
    sha256: Sha256,
  });
  const maxAttempts = options.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const signed = await signer.sign({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: "/",
      query: {},
      headers: {
        "content-type": CONTENT_TYPE,
        "x-amz-target": TARGET,
        "content-length": String(Buffer.byteLength(body)),
        host: url.host,
      },
      body,
    });
    let outcome: Outcome;
    try {
      outcome = answer(secretId, attempt, await send(url, signed.headers, body, options.timeout ?? DEFAULT_TIMEOUT));
    } catch (err) {
      // No answer at all (refused, reset, timed out): the SDK retries these as transient.
      const code = (err as NodeJS.ErrnoException).code ?? "NetworkError";
      outcome = { retry: true, error: new SecretReadError(secretId, code, attempt) };
    }
    if ("value" in outcome) return outcome.value;
    if (!outcome.retry || attempt >= maxAttempts) throw outcome.error;
    await new Promise((resolve) => setTimeout(resolve, backoff(attempt, outcome.throttled === true)));
  }
}

type Outcome = { value: string } | { error: SecretReadError; retry: boolean; throttled?: boolean };

interface RawResponse {
  status: number;
  headers: IncomingMessage["headers"];
  body: string;
}

// The SDK's classification (@smithy/core/retry): throttling by code or 429, any 5xx.
const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ThrottledException",
  "SlowDown",
  "LimitExceededException",
  "BandwidthLimitExceeded",
  "PriorRequestNotComplete",
]);
const TRANSIENT = new Set(["RequestTimeout", "RequestTimeoutException", "TimeoutError"]);

function answer(secretId: string, attempt: number, res: RawResponse): Outcome {
  let parsed: Record<string, unknown> | undefined;
  try {
    const json: unknown = JSON.parse(res.body);
    if (json && typeof json === "object" && !Array.isArray(json)) parsed = json as Record<string, unknown>;
  } catch {
    // not JSON (a proxy's page): said by status below, the body is not repeated
  }
  if (res.status >= 200 && res.status < 300) {
    if (typeof parsed?.SecretString === "string") return { value: parsed.SecretString };
    const why = parsed ? "the secret has no string value" : "the answer is not JSON";
    return { error: new SecretReadError(secretId, "NoSecretString", attempt, why), retry: false };
  }
  const type = errorType(res, parsed) ?? `HTTP ${res.status}`;
  const message = typeof parsed?.message === "string" ? parsed.message : typeof parsed?.Message === "string" ? parsed.Message : undefined;
  const throttled = res.status === 429 || THROTTLING.has(type);
  const retry = throttled || res.status >= 500 || TRANSIENT.has(type);
  return { error: new SecretReadError(secretId, type, attempt, message), retry, throttled };
}

/** JSON 1.1's error type, as the SDK reads it: `x-amzn-errortype` or `__type`, without namespace or URI. */
function errorType(res: RawResponse, body: Record<string, unknown> | undefined): string | undefined {
  const header = res.headers["x-amzn-errortype"];
  const raw = (Array.isArray(header) ? header[0] : header) ?? body?.__type ?? body?.code;
  if (typeof raw !== "string" || raw === "") return undefined;
  const name = raw.split(":")[0]!;
  return name.includes("#") ? name.split("#")[1]! : name;
}

/** The SDK's backoff: full jitter over 50 ms (throttling: 1 s) doubled each retry, at most 20 s. */
function backoff(attempt: number, throttled: boolean): number {
  const base = throttled ? 1_000 : 50;
  return Math.floor(Math.random() * Math.min(base * 2 ** (attempt - 1), 20_000));
}

function send(url: URL, headers: Record<string, string>, body: string, timeout: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "http:" ? httpRequest : httpsRequest)(
      {
        method: "POST",
        hostname: url.hostname,
        port: url.port || undefined,
        path: "/",
        headers,
        // One request, then the socket closes: nothing stays open across the instance's freeze.
        agent: false,
        timeout,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("Secrets Manager did not answer in time"), { code: "TimeoutError" })));
    req.on("error", reject);
    req.end(body);
  });
}
