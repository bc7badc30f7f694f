/**
 * The cloud's settings that both deploy paths declare: the SST app (infra/*.ts) and its
 * CloudFormation twin (infra/cdk/stack.ts, edge.ts). Plain data (no SST globals, no CDK), so
 * the two cannot drift apart on a number; infra/cdk/*.unit.test.ts checks the template
 * against these and against the rules they serve.
 */
import { t } from "../packages/core/src/messages/index.ts";
import { tencentSmsEnvironment } from "../packages/core/src/sms/tencent-settings.ts";
import { WEB_SECURITY_HEADERS } from "../packages/local/src/web-headers.ts";

/** Memory and time per function. The API stays below the HTTP API's 30-second integration limit. */
export const functionSettings = {
  api: { memoryMb: 1024, timeoutSeconds: 20 },
  // One stream batch (≤ 10 texts, each ≤ its provider timeout) or one sweep of what is due.
  outbox: { memoryMb: 512, timeoutSeconds: 60 },
  sweep: { memoryMb: 512, timeoutSeconds: 120 },
  // A few dozen Queries and a few hundred conditional puts.
  reminders: { memoryMb: 512, timeoutSeconds: 300 },
} as const;

/** Days the functions' logs and the API's access log are kept. */
export const logRetentionDays = 30;

/**
 * The outbox's event source mapping on the table's stream. A batch that keeps failing is split
 * (bisect) and retried; what still fails goes to the dead-letter queue as a pointer to its
 * stream records (the notice itself stays pending in the table, and the sweep tries it again).
 */
export const outboxStream = {
  batchSize: 10,
  retryAttempts: 5,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  // The stream keeps records 24 hours; a record this old is left to the sweep.
  maxRecordAgeSeconds: 6 * 3600,
  // Where a new mapping starts reading: every record still in the stream, none skipped.
  startingPosition: "TRIM_HORIZON",
} as const;

/** The dead-letter queue keeps what it holds for the longest SQS allows: 14 days. */
export const deadLetterRetentionDays = 14;

/** EventBridge schedules (UTC). */
export const schedules = {
  // The stream fires on writes only: a notice due for another try waits for this.
  sweep: "rate(5 minutes)",
  // 10:00 China time (UTC+8), every day: tomorrow's sessions get their reminders in the morning.
  reminders: "cron(0 2 * * ? *)",
} as const;

/** A scheduled run that failed is tried again this often, then its event goes to the dead-letter queue. */
export const scheduleRetry = { retryAttempts: 2, maxEventAgeSeconds: 2 * 3600 } as const;

/**
 * The SMS provider's settings, as the JSON object the SMS secret holds (core/sms
 * tencentSmsEnvironment names them; core/config reads them). Created with every value empty,
 * so a function that sends refuses to start, naming each, until the operator fills them in.
 */
export const smsSettingNames: string[] = [
  tencentSmsEnvironment.secretId,
  tencentSmsEnvironment.secretKey,
  tencentSmsEnvironment.sdkAppId,
  tencentSmsEnvironment.signName,
  tencentSmsEnvironment.region,
  ...Object.values(tencentSmsEnvironment.templates),
];

/**
 * The web app's headers at the edge: exactly what the local stage sends
 * (packages/local/src/web-headers.ts), plus HSTS, which only means something over HTTPS, and
 * the upload bucket in the CSP's connect-src (`cloudContentSecurityPolicy`).
 * CloudFront takes the security headers as fields of their own and the rest as custom headers.
 */
export const webHeaders = {
  contentSecurityPolicy: WEB_SECURITY_HEADERS["content-security-policy"]!,
  frameOptions: WEB_SECURITY_HEADERS["x-frame-options"]!,
  contentTypeOptions: WEB_SECURITY_HEADERS["x-content-type-options"]!,
  referrerPolicy: WEB_SECURITY_HEADERS["referrer-policy"]!,
  custom: Object.fromEntries(
    Object.entries(WEB_SECURITY_HEADERS).filter(
      ([name]) => !["content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"].includes(name),
    ),
  ),
  // Two years, subdomains too; not submitted for preloading (that outlives any one deploy).
  hsts: { maxAgeSeconds: 63_072_000, includeSubdomains: true, preload: false },
} as const;

/**
 * /api/* at the edge. The API says what may be cached (`cache-control`: `public, max-age=…`
 * on the few reads that are the same for everyone, `no-store` on everything else, its default:
 * packages/functions/src/app.ts); CloudFront only follows it. So no TTL of its own (0 when the
 * API says nothing, never longer than `maxTtlSeconds`), and a key of path and query string only:
 * no cookie and no header is ever part of it, so a cached answer cannot be anyone's own.
 */
export const apiCache = { minTtlSeconds: 0, defaultTtlSeconds: 0, maxTtlSeconds: 300 } as const;

/**
 * Per-viewer-address limits at the edge (AWS WAF on CloudFront), before a request costs a
 * Lambda: the app's own limits (per number, per voter and day, per client) still decide; these
 * only stop a flood. Counted over 5 minutes. Generous, because a county's women share a few
 * carrier-grade NAT addresses; the numbers are per 5 minutes per address.
 */
export const edgeRateLimits = [
  {
    name: "votes",
    method: "POST",
    // POST /api/campaigns/:id/votes
    pathPattern: "^/api/campaigns/[^/]+/votes$",
    limit: 600,
  },
  {
    name: "one-time-codes",
    method: "POST",
    // POST /api/auth/otp
    pathPattern: "^/api/auth/otp$",
    limit: 100,
  },
] as const;
export const edgeRateWindowSeconds = 300;

/** What a viewer over a limit gets: the API's own error shape and words (core/messages), 429. */
export const rateLimitedBody = JSON.stringify({ error: { code: "RATE_LIMITED", message: t("RATE_LIMITED", "zh-CN") } });
export const rateLimitedRetryAfterSeconds = 60;
export const RATE_LIMITED_BODY_KEY = "rate_limited";

/**
 * The web ACL's rules as AWS WAF's own JSON (the CreateWebACL API's, which CloudFormation's
 * `Rules` and Pulumi's `ruleJson` take as they are), so both deploy paths send the same rules.
 */
export function edgeRules(metricPrefix: string) {
  return edgeRateLimits.map((rule, priority) => ({
    Name: rule.name,
    Priority: priority,
    Action: {
      Block: {
        CustomResponse: {
          ResponseCode: 429,
          CustomResponseBodyKey: RATE_LIMITED_BODY_KEY,
          ResponseHeaders: [{ Name: "retry-after", Value: String(rateLimitedRetryAfterSeconds) }],
        },
      },
    },
    Statement: {
      RateBasedStatement: {
        Limit: rule.limit,
        EvaluationWindowSec: edgeRateWindowSeconds,
        // CloudFront is the viewer's first hop: WAF sees her address itself, no header to trust.
        AggregateKeyType: "IP",
        ScopeDownStatement: {
          AndStatement: {
            Statements: [
              {
                ByteMatchStatement: {
                  FieldToMatch: { Method: {} },
                  PositionalConstraint: "EXACTLY",
                  SearchString: rule.method,
                  TextTransformations: [{ Priority: 0, Type: "NONE" }],
                },
              },
              {
                RegexMatchStatement: {
                  FieldToMatch: { UriPath: {} },
                  RegexString: rule.pathPattern,
                  // /api/auth/%6Ftp is the same route to the app.
                  TextTransformations: [{ Priority: 0, Type: "URL_DECODE" }],
                },
              },
            ],
          },
        },
      },
    },
    VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: `${metricPrefix}-${rule.name}`, SampledRequestsEnabled: true },
  }));
}

/**
 * What each function does to the table, by the calls core makes on its paths (core/db and
 * the few direct Queries). A new kind of call needs its action here, or it is refused.
 */
export const tableActions = {
  api: [
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    // TransactWriteItems is authorised per item: puts, updates, deletes and these checks.
    "dynamodb:ConditionCheckItem",
    // closing a round writes its ranking in batches (core/judging)
    "dynamodb:BatchWriteItem",
  ],
  // deliver: the notice, her user, what it is about; the sweep reads the pending listing.
  outbox: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"],
  // writeReminders: the campaign listing, sessions and registrations; one conditional put each.
  reminders: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
} as const;

/** The outbox's read of the table's stream (the mapping uses the function's role). */
export const streamActions = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"];
/**
 * The upload store writes each object once and reads it (packages/functions/src/s3-uploads.ts);
 * a presigned PUT is the API's own s3:PutObject, signed ahead for her browser.
 */
export const uploadActions = ["s3:PutObject", "s3:GetObject"];
/** Direct uploads wait under this prefix; the API removes each once completed, the bucket forgets the rest. */
export const incomingPrefix = "incoming/";
export const incomingActions = ["s3:DeleteObject"];
export const incomingExpiryDays = 1;

/**
 * The upload bucket's CORS: her browser PUTs a photo to a presigned URL. Any origin: the
 * signature (made for her, for minutes, for one type and size) is what lets a PUT in, and CORS
 * cannot stop a client that is not a browser anyway; naming the site's origin would make the
 * bucket depend on the distribution, whose headers policy names the bucket (a cycle).
 */
export const uploadCors = { methods: ["PUT"], origins: ["*"], headers: ["content-type"], maxAgeSeconds: 3600 } as const;

/**
 * The web's CSP in the cloud: the local stage's, with the upload bucket's origin (its regional
 * domain, as the presigned URLs have it) added for fetches, so PhotoField can PUT there.
 */
export const cloudContentSecurityPolicy = (uploadBucketDomain: string) =>
  `${webHeaders.contentSecurityPolicy}; connect-src 'self' https://${uploadBucketDomain}`;
