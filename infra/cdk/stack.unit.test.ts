import { afterAll, describe, it, expect } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { createTableInput, keys, tableDefinition } from "../../packages/core/src/table/index.ts";
import { WEB_SECURITY_HEADERS } from "../../packages/local/src/web-headers.ts";
import { VIEWER_ADDRESS_HEADER } from "../api-origin-request.ts";
import { apiCache, functionSettings, logRetentionDays, outboxStream, schedules, smsSettingNames } from "../cloud-settings.ts";
import { JinguoStack } from "./stack.ts";

// Synthesised once per stage, offline: the functions' code is a one-line inline handler, no bundling.
const inlineCode = lambda.Code.fromInline("export const handler = async () => ({ statusCode: 200 });");
function synth(stage = "production"): Template {
  const app = new App();
  const stack = new JinguoStack(app, "Test", { stage, code: inlineCode });
  return Template.fromStack(stack);
}

type Json = Record<string, any>;
const template = synth();
const json: Json = template.toJSON();
const stagingJson: Json = synth("staging").toJSON();

// The same stack with a web build to upload: a small stand-in for packages/web/dist, so the
// tests never depend on a real build being there.
const webOut = mkdtempSync(join(tmpdir(), "jinguo-cdk-"));
afterAll(() => rmSync(webOut, { recursive: true, force: true }));
function synthWithWeb(): Json {
  const dist = join(webOut, "dist");
  mkdirSync(join(dist, "assets"), { recursive: true });
  writeFileSync(join(dist, "index.html"), '<script type="module" src="/assets/index-Ab12Cd34.js"></script>');
  writeFileSync(join(dist, "favicon.svg"), "<svg/>");
  writeFileSync(join(dist, "assets", "index-Ab12Cd34.js"), "console.log(1)");
  writeFileSync(join(dist, "assets", "index-Ef56Gh78.css"), "body{}");
  const stack = new JinguoStack(new App({ outdir: join(webOut, "cdk.out") }), "TestWeb", {
    stage: "production",
    code: inlineCode,
    webAssetsPath: dist,
  });
  return Template.fromStack(stack).toJSON();
}
const webJson = synthWithWeb();
/** The files a deployment uploads, as staged by the synth (asset.<hash>/ next to the template). */
const stagedFiles = (deployment: Json) =>
  readdirSync(join(webOut, "cdk.out", `asset.${deployment.Properties.SourceObjectKeys[0].replace(/\.zip$/, "")}`)).sort();

/** The header names packages/functions reads from requests (`c.req.header("…")`). */
function headersTheApiReads(): string[] {
  const src = fileURLToPath(new URL("../../packages/functions/src/", import.meta.url));
  const names = new Set<string>();
  for (const file of readdirSync(src, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".ts")) continue;
    for (const m of readFileSync(join(src, file), "utf8").matchAll(/req\.header\("([^"]+)"\)/g)) names.add(m[1]!.toLowerCase());
  }
  return [...names].sort();
}
// Set by API Gateway or by CloudFront on every request, whatever the policy says. If-None-Match
// (the public reads' ETag, functions/src/cache.ts) is CloudFront's own: it answers a viewer's from
// its cached copy, and sends its own to the API when it revalidates an expired one.
const SET_BY_THE_PLATFORM = new Set(["host", "x-forwarded-proto", "content-length", "if-none-match"]);

function only(t: Json, type: string): [string, Json] {
  const found = Object.entries(t.Resources as Json).filter(([, r]) => r.Type === type);
  expect(found, `one ${type}`).toHaveLength(1);
  return found[0] as [string, Json];
}
/** Our functions, by construct id (each has its own role, log group and environment). */
const FUNCTIONS = ["Server", "Outbox", "OutboxSweep", "Reminders"] as const;
type FunctionId = (typeof FUNCTIONS)[number];
/** The one resource of `type` whose logical id is the construct id plus CDK's 8-digit hash. */
function byId(t: Json, type: string, constructId: string): [string, Json] {
  const found = Object.entries(t.Resources as Json).filter(([id, r]) => r.Type === type && new RegExp(`^${constructId}[0-9A-F]{8}$`).test(id));
  expect(found, `one ${type} ${constructId}`).toHaveLength(1);
  return found[0] as [string, Json];
}
const fnOf = (t: Json, name: FunctionId) => byId(t, "AWS::Lambda::Function", name);
/** Every statement of the policies on a function's role. */
function statementsOf(t: Json, name: FunctionId): any[] {
  const roleId = fnOf(t, name)[1].Properties.Role["Fn::GetAtt"][0];
  return Object.values(t.Resources as Json)
    .filter((r) => r.Type === "AWS::IAM::Policy" && r.Properties.Roles.some((x: Json) => x.Ref === roleId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}
/** The logical ids a resource of a statement names (Ref / Fn::GetAtt), and whether it is a bare "*". */
function namedIn(resource: Json): string[] {
  const ids: string[] = [];
  const walk = (x: any) => {
    if (!x || typeof x !== "object") return;
    if (typeof x.Ref === "string" && !x.Ref.startsWith("AWS::")) ids.push(x.Ref);
    if (Array.isArray(x["Fn::GetAtt"])) ids.push(x["Fn::GetAtt"][0]);
    for (const v of Object.values(x)) walk(v);
  };
  walk(resource);
  return ids;
}
/** A template value as text: Fn::Join'd strings, with `${Logical.Attr}` / `${Logical}` where Fn::GetAtt / Ref stand. */
function joined(v: any): string {
  if (typeof v === "string") return v;
  if (v?.["Fn::Join"]) return (v["Fn::Join"][1] as any[]).map(joined).join(v["Fn::Join"][0]);
  if (v?.["Fn::GetAtt"]) return `\${${v["Fn::GetAtt"].join(".")}}`;
  if (v?.Ref) return `\${${v.Ref}}`;
  throw new Error(`not text: ${JSON.stringify(v)}`);
}
const secretIdNamed = (t: Json, construct: string) => byId(t, "AWS::SecretsManager::Secret", construct)[0];
/** The distribution's behaviours: the default (web) and /api/*. */
function behaviours(t: Json): { web: Json; api: Json } {
  const [, dist] = only(t, "AWS::CloudFront::Distribution");
  const config = dist.Properties.DistributionConfig;
  return { web: config.DefaultCacheBehavior, api: config.CacheBehaviors.find((b: Json) => b.PathPattern === "/api/*") };
}

/** The origin request policy of the /api/* behaviour. */
function apiOriginRequestPolicy(t: Json): Json {
  const [, dist] = only(t, "AWS::CloudFront::Distribution");
  const behaviour = dist.Properties.DistributionConfig.CacheBehaviors.find((b: Json) => b.PathPattern === "/api/*");
  const policy = t.Resources[behaviour.OriginRequestPolicyId?.Ref];
  expect(policy?.Type, "/api/* has an origin request policy of this stack").toBe("AWS::CloudFront::OriginRequestPolicy");
  return policy.Properties.OriginRequestPolicyConfig;
}
const lower = (names: string[] = []) => names.map((n) => n.toLowerCase());
/** The two uploads of the web build: hashed assets/ and the top-level files. */
function webDeployments(t: Json): { assets: [string, Json]; pages: [string, Json] } {
  const all = Object.entries(t.Resources as Json).filter(([, r]) => r.Type === "Custom::CDKBucketDeployment");
  expect(all, "two web deployments").toHaveLength(2);
  const assets = all.find(([, r]) => r.Properties.DestinationBucketKeyPrefix === "assets/");
  const pages = all.find(([, r]) => r.Properties.DestinationBucketKeyPrefix === undefined);
  expect(assets && pages, "one deployment to assets/, one to the bucket root").toBeTruthy();
  return { assets: assets as [string, Json], pages: pages as [string, Json] };
}

const byName = (a: { IndexName: string }, b: { IndexName: string }) => a.IndexName.localeCompare(b.IndexName);
const byAttr = (a: { AttributeName: string }, b: { AttributeName: string }) =>
  a.AttributeName.localeCompare(b.AttributeName);

// The cloud table must be the table local start-up and tests create, from the one definition.
const expected = createTableInput("unused");

// Each check takes a template as JSON, so it can be run against a broken copy too.
const checks: Record<string, (t: Json) => void> = {
  "the table's keys and indexes are those of tableDefinition": (t) => {
    const [, table] = only(t, "AWS::DynamoDB::Table");
    const p = table.Properties;
    expect(p.KeySchema).toEqual(expected.KeySchema);
    expect(p.KeySchema[0].AttributeName).toBe(tableDefinition.partitionKey);
    expect([...p.AttributeDefinitions].sort(byAttr)).toEqual([...expected.AttributeDefinitions].sort(byAttr));
    const indexes = p.GlobalSecondaryIndexes.map((g: Json) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema,
      Projection: g.Projection,
    }));
    expect(indexes.sort(byName)).toEqual([...expected.GlobalSecondaryIndexes].sort(byName));
    expect(indexes.map((g: Json) => g.IndexName).sort()).toEqual(tableDefinition.globalIndexes.map((g) => g.name).sort());
  },
  "the table is on-demand": (t) => {
    const [, table] = only(t, "AWS::DynamoDB::Table");
    expect(table.Properties.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table.Properties.ProvisionedThroughput).toBeUndefined();
  },
  "point-in-time recovery is on": (t) => {
    const [, table] = only(t, "AWS::DynamoDB::Table");
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  },
  "deletion protection is on and the table is retained": (t) => {
    const [, table] = only(t, "AWS::DynamoDB::Table");
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe("Retain");
    expect(table.UpdateReplacePolicy).toBe("Retain");
  },
  "production keeps its buckets and secrets when the stack goes": (t) => {
    for (const type of ["AWS::S3::Bucket", "AWS::SecretsManager::Secret"]) {
      const found = Object.values(t.Resources as Json).filter((r) => r.Type === type);
      expect(found.length).toBeGreaterThan(0);
      for (const r of found) expect(r.DeletionPolicy, type).toBe("Retain");
    }
    expect(Object.values(t.Resources as Json).some((r) => r.Type === "Custom::S3AutoDeleteObjects"), "no emptying of buckets").toBe(false);
  },
  "TTL is on the definition's attribute": (t) => {
    const [, table] = only(t, "AWS::DynamoDB::Table");
    expect(table.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: tableDefinition.ttlAttribute,
      Enabled: true,
    });
  },
  "the table has a stream of new images (the outbox reads it)": (t) => {
    const [, table] = only(t, "AWS::DynamoDB::Table");
    expect(["NEW_IMAGE", "NEW_AND_OLD_IMAGES"]).toContain(table.Properties.StreamSpecification?.StreamViewType);
  },
  "every function runs Node 22 on arm64 with its memory and time": (t) => {
    const settings: Record<FunctionId, { memoryMb: number; timeoutSeconds: number }> = {
      Server: functionSettings.api,
      Outbox: functionSettings.outbox,
      OutboxSweep: functionSettings.sweep,
      Reminders: functionSettings.reminders,
    };
    for (const name of FUNCTIONS) {
      const p = fnOf(t, name)[1].Properties;
      expect(p.Runtime, name).toBe("nodejs22.x");
      expect(p.Architectures, name).toEqual(["arm64"]);
      expect(p.MemorySize, name).toBe(settings[name].memoryMb);
      expect(p.Timeout, name).toBe(settings[name].timeoutSeconds);
    }
    expect(fnOf(t, "Server")[1].Properties.Timeout, "below the HTTP API's 30 s").toBeLessThan(30);
    expect(fnOf(t, "OutboxSweep")[1].Properties.Handler).toBe("index.sweep");
  },
  "the function runs Node 22 on arm64 with its environment": (t) => {
    const [tableId] = only(t, "AWS::DynamoDB::Table");
    const [, fn] = fnOf(t, "Server");
    expect(fn.Properties.Runtime).toBe("nodejs22.x");
    expect(fn.Properties.Architectures).toEqual(["arm64"]);
    const env = fn.Properties.Environment.Variables;
    expect(env.TABLE_NAME).toEqual({ Ref: tableId });
    expect(env.STAGE).toBe("production");
    expect(env.RATE_LIMIT_PER_CLIENT).toBe("on");
    expect(env.SESSION_SECRET_ARN).toEqual({ Ref: secretIdNamed(t, "SessionSecret") });
    expect(env.SMS_SECRET_ARN).toEqual({ Ref: secretIdNamed(t, "SmsSettings") });
    expect(env.SESSION_SECRET).toBeUndefined();
    expect(Object.keys(t.Resources)).toContain(env.UPLOAD_BUCKET.Ref);
  },
  "each function gets only the variables it reads, and no secret's value": (t) => {
    const [tableId] = only(t, "AWS::DynamoDB::Table");
    const sms = { Ref: secretIdNamed(t, "SmsSettings") };
    const base = { STAGE: "production", TABLE_NAME: { Ref: tableId } };
    // The site's address for links: the distribution's domain.
    const site = { "Fn::Join": ["", ["https://", { "Fn::GetAtt": [only(t, "AWS::CloudFront::Distribution")[0], "DomainName"] }]] };
    expect(fnOf(t, "Server")[1].Properties.Environment.Variables.PUBLIC_URL).toEqual(site);
    expect(fnOf(t, "Outbox")[1].Properties.Environment.Variables).toEqual({ ...base, SMS_SECRET_ARN: sms, PUBLIC_URL: site });
    expect(fnOf(t, "OutboxSweep")[1].Properties.Environment.Variables).toEqual({ ...base, SMS_SECRET_ARN: sms, PUBLIC_URL: site });
    expect(fnOf(t, "Reminders")[1].Properties.Environment.Variables).toEqual(base);
    for (const name of FUNCTIONS) {
      const names = Object.keys(fnOf(t, name)[1].Properties.Environment.Variables);
      expect(names.filter((n) => n.startsWith("TENCENT_SMS_") || n === "SESSION_SECRET"), name).toEqual([]);
    }
  },
  "the SMS settings secret starts with every setting named and empty": (t) => {
    const [, secret] = byId(t, "AWS::SecretsManager::Secret", "SmsSettings");
    const value = JSON.parse(secret.Properties.SecretString);
    expect(Object.keys(value).sort()).toEqual([...smsSettingNames].sort());
    expect(Object.values(value).every((v) => v === "")).toBe(true);
  },
  "the function may read and write the table and its indexes, and read the secret": (t) => {
    const [tableId] = only(t, "AWS::DynamoDB::Table");
    const secretId = secretIdNamed(t, "SessionSecret");
    const statements = statementsOf(t, "Server");
    const tableArn = { "Fn::GetAtt": [tableId, "Arn"] };
    const onTable = statements.find((s: Json) =>
      [s.Resource].flat().some((r: Json) => JSON.stringify(r) === JSON.stringify(tableArn)),
    );
    expect(onTable, "a statement on the table").toBeDefined();
    expect(onTable.Effect).toBe("Allow");
    expect(onTable.Action).toEqual(
      expect.arrayContaining([
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
      ]),
    );
    expect(onTable.Resource).toContainEqual({ "Fn::Join": ["", [tableArn, "/index/*"]] });
    expect(
      statements.some(
        (s: Json) =>
          [s.Action].flat().includes("secretsmanager:GetSecretValue") &&
          JSON.stringify(s.Resource) === JSON.stringify({ Ref: secretId }),
      ),
      "read on the session secret",
    ).toBe(true);
  },
  "least privilege: each function's role names only its own resources, never \"*\"": (t) => {
    const id = (type: string, construct?: string) =>
      construct ? byId(t, type, construct)[0] : only(t, type)[0];
    const table = id("AWS::DynamoDB::Table");
    const sms = secretIdNamed(t, "SmsSettings");
    const expectedResources: Record<FunctionId, string[]> = {
      Server: [table, id("AWS::S3::Bucket", "Uploads"), secretIdNamed(t, "SessionSecret"), sms, id("AWS::Logs::LogGroup", "ServerLogs")],
      Outbox: [table, sms, id("AWS::SQS::Queue", "DeadLetters"), id("AWS::Logs::LogGroup", "OutboxLogs")],
      OutboxSweep: [table, sms, id("AWS::Logs::LogGroup", "OutboxSweepLogs")],
      Reminders: [table, id("AWS::Logs::LogGroup", "RemindersLogs")],
    };
    for (const name of FUNCTIONS) {
      const roleId = fnOf(t, name)[1].Properties.Role["Fn::GetAtt"][0];
      const role = t.Resources[roleId];
      // AWS's managed policies (AWSLambdaBasicExecutionRole: logs on "*") are not attached.
      expect(role.Properties.ManagedPolicyArns ?? [], name).toEqual([]);
      expect(role.Properties.Policies ?? [], name).toEqual([]);
      const named = new Set<string>();
      for (const s of statementsOf(t, name)) {
        expect(s.Effect, name).toBe("Allow");
        for (const r of [s.Resource].flat()) {
          expect(r, `${name}: a bare "*"`).not.toBe("*");
          const ids = namedIn(r);
          expect(ids.length, `${name}: ${JSON.stringify(r)} names a resource of this stack`).toBeGreaterThan(0);
          ids.forEach((x) => named.add(x));
        }
      }
      expect([...named].sort(), name).toEqual([...expectedResources[name]].sort());
    }
  },
  "the upload bucket is private and encrypted": (t) => {
    const [, fn] = fnOf(t, "Server");
    const bucket = t.Resources[fn.Properties.Environment.Variables.UPLOAD_BUCKET.Ref];
    expect(bucket.Type).toBe("AWS::S3::Bucket");
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
    ]);
  },
  "an HTTP API routes ANY /api/{proxy+} to the function": (t) => {
    const [apiId, api] = only(t, "AWS::ApiGatewayV2::Api");
    expect(api.Properties.ProtocolType).toBe("HTTP");
    const [, route] = only(t, "AWS::ApiGatewayV2::Route");
    expect(route.Properties.RouteKey).toBe("ANY /api/{proxy+}");
    expect(route.Properties.ApiId).toEqual({ Ref: apiId });
    const [fnId] = fnOf(t, "Server");
    const [, integration] = only(t, "AWS::ApiGatewayV2::Integration");
    expect(integration.Properties.IntegrationType).toBe("AWS_PROXY");
    expect(integration.Properties.IntegrationUri).toEqual({ "Fn::GetAtt": [fnId, "Arn"] });
  },
  "the outbox reads the stream: pending notices only, retried, bisected, partial batches, failures to the dead-letter queue": (t) => {
    const [tableId] = only(t, "AWS::DynamoDB::Table");
    const [, mapping] = only(t, "AWS::Lambda::EventSourceMapping");
    const p = mapping.Properties;
    expect(p.EventSourceArn).toEqual({ "Fn::GetAtt": [tableId, "StreamArn"] });
    expect(p.FunctionName).toEqual({ Ref: fnOf(t, "Outbox")[0] });
    expect(p.StartingPosition).toBe(outboxStream.startingPosition);
    expect(p.BisectBatchOnFunctionError).toBe(true);
    expect(p.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(p.MaximumRetryAttempts).toBe(outboxStream.retryAttempts);
    expect(p.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
    expect(p.DestinationConfig.OnFailure.Destination).toEqual({ "Fn::GetAtt": [byId(t, "AWS::SQS::Queue", "DeadLetters")[0], "Arn"] });
    // The filter, from core's keys: inserts and modifications that leave a notice pending.
    const [attribute] = Object.keys(keys.pendingNotice("", ""));
    const patterns = p.FilterCriteria.Filters.map((f: Json) => JSON.parse(f.Pattern));
    expect(patterns).toEqual([
      {
        eventName: ["INSERT", "MODIFY"],
        dynamodb: { NewImage: { [attribute!]: { S: [{ prefix: keys.pendingNoticesPartition() }] }, status: { S: ["pending"] } } },
      },
    ]);
  },
  "the dead-letter queue is encrypted and keeps messages 14 days": (t) => {
    const [, queue] = byId(t, "AWS::SQS::Queue", "DeadLetters");
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
  },
  "a schedule sweeps the outbox and another writes the day-before reminders, retried, failures to the dead-letter queue": (t) => {
    const rules = Object.values(t.Resources as Json).filter((r) => r.Type === "AWS::Events::Rule");
    const ruleFor = (name: FunctionId) => rules.find((r) => r.Properties.Targets.some((x: Json) => x.Arn["Fn::GetAtt"]?.[0] === fnOf(t, name)[0]));
    const dlq = { "Fn::GetAtt": [byId(t, "AWS::SQS::Queue", "DeadLetters")[0], "Arn"] };
    for (const [name, expression] of [["OutboxSweep", schedules.sweep], ["Reminders", schedules.reminders]] as const) {
      const rule = ruleFor(name);
      expect(rule, `a rule for ${name}`).toBeDefined();
      expect(rule.Properties.ScheduleExpression).toBe(expression);
      expect(rule.Properties.State).toBe("ENABLED");
      const [target] = rule.Properties.Targets;
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(target.DeadLetterConfig.Arn).toEqual(dlq);
    }
    expect(schedules.sweep).toMatch(/^rate\(\d+ minutes?\)$/);
  },
  "logs are kept a month, the API's access log too": (t) => {
    const groups = Object.entries(t.Resources as Json).filter(([, r]) => r.Type === "AWS::Logs::LogGroup");
    expect(groups.length).toBe(FUNCTIONS.length + 1);
    for (const [, g] of groups) expect(g.Properties.RetentionInDays).toBe(logRetentionDays);
    for (const name of FUNCTIONS) {
      const ref = fnOf(t, name)[1].Properties.LoggingConfig?.LogGroup?.Ref;
      expect(t.Resources[ref]?.Type, `${name} logs to its own group`).toBe("AWS::Logs::LogGroup");
    }
    const [, stage] = only(t, "AWS::ApiGatewayV2::Stage");
    const destination = stage.Properties.AccessLogSettings.DestinationArn["Fn::GetAtt"][0];
    expect(t.Resources[destination].Properties.RetentionInDays).toBe(logRetentionDays);
    expect(stage.Properties.AccessLogSettings.Format, "no query string in the access log").not.toMatch(/querystring|\$context\.path\?/i);
  },
  "the web gets the local stage's headers, HSTS on top: CSP without inline script, frame-ancestors none, nosniff, same-origin referrer": (t) => {
    const { web } = behaviours(t);
    const policy = t.Resources[web.ResponseHeadersPolicyId?.Ref];
    expect(policy?.Type, "the web behaviour has a response headers policy of this stack").toBe("AWS::CloudFront::ResponseHeadersPolicy");
    const c = policy.Properties.ResponseHeadersPolicyConfig;
    const s = c.SecurityHeadersConfig;
    const csp = joined(s.ContentSecurityPolicy.ContentSecurityPolicy);
    const scriptSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src"));
    expect(scriptSrc, "a script-src").toBeDefined();
    expect(scriptSrc).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(s.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(s.StrictTransportSecurity.IncludeSubdomains).toBe(true);
    expect(s.ContentTypeOptions).toBeDefined();
    expect(s.FrameOptions.FrameOption).toBe("DENY");
    expect(s.ReferrerPolicy.ReferrerPolicy).toBe("same-origin");
    // The local stage's CSP, and fetches to the upload bucket (PhotoField's direct PUT) besides.
    const bucket = byId(t, "AWS::S3::Bucket", "Uploads")[0];
    const local = WEB_SECURITY_HEADERS["content-security-policy"];
    expect(csp).toBe(`${local}; connect-src 'self' https://\${${bucket}.RegionalDomainName}`);
    // What a browser gets at the edge, header by header, equals what the local stage sends.
    const sent: Record<string, string> = {
      "content-security-policy": local!,
      "x-frame-options": s.FrameOptions.FrameOption,
      "x-content-type-options": "nosniff",
      "referrer-policy": s.ReferrerPolicy.ReferrerPolicy,
      ...Object.fromEntries((c.CustomHeadersConfig?.Items ?? []).map((h: Json) => [h.Header.toLowerCase(), h.Value])),
    };
    expect(sent).toEqual(WEB_SECURITY_HEADERS);
    for (const h of [s.ContentSecurityPolicy, s.FrameOptions, s.ContentTypeOptions, s.ReferrerPolicy, s.StrictTransportSecurity]) {
      expect(h.Override).toBe(true);
    }
  },
  "the upload bucket takes a browser's PUT to a presigned URL, forgets uncompleted uploads after a day; the API deletes only those": (t) => {
    const [bucketId, bucket] = byId(t, "AWS::S3::Bucket", "Uploads");
    expect(bucket.Properties.CorsConfiguration.CorsRules).toEqual([
      { AllowedMethods: ["PUT"], AllowedOrigins: ["*"], AllowedHeaders: ["content-type"], MaxAge: 3600 },
    ]);
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([{ Id: "incoming", Prefix: "incoming/", ExpirationInDays: 1, Status: "Enabled" }]);
    // Nothing else of the stack's buckets is open to a browser.
    expect(byId(t, "AWS::S3::Bucket", "WebAssets")[1].Properties.CorsConfiguration).toBeUndefined();
    const deletes = statementsOf(t, "Server").filter((st) => [st.Action].flat().some((a: string) => a === "s3:DeleteObject" || a === "s3:*"));
    expect(deletes).toHaveLength(1);
    expect(joined(deletes[0].Resource)).toBe(`\${${bucketId}.Arn}/incoming/*`);
  },
  "CloudFront compresses the web and /api": (t) => {
    const { web, api } = behaviours(t);
    expect(web.Compress).toBe(true);
    expect(api.Compress).toBe(true);
    // Compression needs Accept-Encoding normalised into the cache key.
    const key = t.Resources[api.CachePolicyId.Ref].Properties.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin;
    expect(key.EnableAcceptEncodingGzip).toBe(true);
    expect(key.EnableAcceptEncodingBrotli).toBe(true);
  },
  "/api/* is cached only as the API's cache-control says, keyed on path and query, never on a cookie or a header": (t) => {
    const { api } = behaviours(t);
    const policy = t.Resources[api.CachePolicyId?.Ref];
    expect(policy?.Type, "/api/* has a cache policy of this stack").toBe("AWS::CloudFront::CachePolicy");
    const c = policy.Properties.CachePolicyConfig;
    // MinTTL 0: a `no-store` or `private` answer is never kept; DefaultTTL 0: nor one without cache-control.
    expect(c.MinTTL).toBe(0);
    expect(c.DefaultTTL).toBe(0);
    expect(c.MaxTTL).toBe(apiCache.maxTtlSeconds);
    expect(c.MaxTTL).toBeLessThanOrEqual(300);
    const key = c.ParametersInCacheKeyAndForwardedToOrigin;
    expect(key.CookiesConfig.CookieBehavior).toBe("none");
    expect(key.HeadersConfig.HeaderBehavior).toBe("none");
    expect(key.QueryStringsConfig.QueryStringBehavior).toBe("all");
    expect([...api.CachedMethods].sort()).toEqual(["GET", "HEAD"]);
  },
  "the distribution is behind the edge's web ACL unless the parameter says none": (t) => {
    const [, dist] = only(t, "AWS::CloudFront::Distribution");
    const param = t.Parameters.WebAclArn;
    expect(param.Type).toBe("String");
    expect(new RegExp(param.AllowedPattern).test("arn:aws:wafv2:us-east-1:123456789012:global/webacl/Jinguo-production-edge-web/abc")).toBe(true);
    expect(new RegExp(param.AllowedPattern).test("none")).toBe(true);
    expect(new RegExp(param.AllowedPattern).test("arn:aws:wafv2:ap-east-1:123456789012:regional/webacl/x/abc")).toBe(false);
    const [conditionName, ifTrue] = dist.Properties.DistributionConfig.WebACLId["Fn::If"];
    expect(ifTrue).toEqual({ Ref: "WebAclArn" });
    expect(JSON.stringify(t.Conditions[conditionName])).toContain('"none"');
  },
  "CloudFront serves the web from S3 (OAC) and /api/* from the HTTP API, SPA fallback on the web only": (t) => {
    const [, dist] = only(t, "AWS::CloudFront::Distribution");
    const config = dist.Properties.DistributionConfig;
    const originOf = (id: string) => config.Origins.find((o: Json) => o.Id === id);
    const web = originOf(config.DefaultCacheBehavior.TargetOriginId);
    expect(web.S3OriginConfig).toBeDefined();
    expect(web.OriginAccessControlId).toBeDefined();
    expect(config.DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
    const apiBehaviour = config.CacheBehaviors.find((b: Json) => b.PathPattern === "/api/*");
    expect(apiBehaviour, "an /api/* behaviour").toBeDefined();
    const api = originOf(apiBehaviour.TargetOriginId);
    expect(JSON.stringify(api.DomainName)).toContain(only(t, "AWS::ApiGatewayV2::Api")[0]);
    expect(apiBehaviour.AllowedMethods).toContain("POST");
    expect(apiBehaviour.FunctionAssociations).toBeUndefined();
    // Distribution-wide error pages would rewrite the API's JSON errors into index.html.
    expect(config.CustomErrorResponses).toBeUndefined();
  },
  "/api/* has CloudFront add the viewer's address, with all cookies and query strings": (t) => {
    const policy = apiOriginRequestPolicy(t);
    expect(policy.HeadersConfig.HeaderBehavior).toBe("whitelist");
    expect(lower(policy.HeadersConfig.Headers)).toContain("cloudfront-viewer-address");
    expect(policy.CookiesConfig.CookieBehavior).toBe("all");
    expect(policy.QueryStringsConfig.QueryStringBehavior).toBe("all");
    // CloudFront's quota: ten headers per origin request policy.
    expect(policy.HeadersConfig.Headers.length).toBeLessThanOrEqual(10);
  },
  "/api/* never forwards the viewer's Host (API Gateway would refuse the request)": (t) => {
    const policy = apiOriginRequestPolicy(t);
    // allViewer / allViewerAndWhitelistCloudFront (`all(...)` in CDK) carry Host along.
    expect(["whitelist", "allExcept", "none"]).toContain(policy.HeadersConfig.HeaderBehavior);
    if (policy.HeadersConfig.HeaderBehavior === "allExcept") expect(lower(policy.HeadersConfig.Headers)).toContain("host");
    else expect(lower(policy.HeadersConfig.Headers)).not.toContain("host");
  },
  "/api/* forwards every header the API reads": (t) => {
    const forwarded = lower(apiOriginRequestPolicy(t).HeadersConfig.Headers);
    const read = headersTheApiReads();
    expect(read, "the scan finds the API's headers").toEqual(expect.arrayContaining(["origin", "x-csrf-token", "cloudfront-viewer-address"]));
    expect(read.filter((h) => !SET_BY_THE_PLATFORM.has(h) && !forwarded.includes(h))).toEqual([]);
  },
  "the function keys its per-client limits on the viewer's address, which CloudFront writes": (t) => {
    const [, fn] = fnOf(t, "Server");
    expect(fn.Properties.Environment.Variables.TRUST_CLOUDFRONT_VIEWER_ADDRESS).toBe("on");
    expect(lower(apiOriginRequestPolicy(t).HeadersConfig.Headers)).toContain("cloudfront-viewer-address");
  },
};

// Checks of the web upload, run against the template synthesised with a web build.
const webChecks: Record<string, (t: Json) => void> = {
  "hashed assets are cached for a year, immutable, and never pruned": (t) => {
    const [, assets] = webDeployments(t).assets;
    expect(assets.Properties.SystemMetadata).toEqual({ "cache-control": "public, max-age=31536000, immutable" });
    // A deploy keeps the scripts an old index.html (cached in WeChat) still names.
    expect(assets.Properties.Prune).toBe(false);
  },
  "index.html and the other top-level files are revalidated on every load and invalidated at the edge": (t) => {
    const [, pages] = webDeployments(t).pages;
    expect(pages.Properties.SystemMetadata).toEqual({ "cache-control": "no-cache" });
    const [distId] = only(t, "AWS::CloudFront::Distribution");
    expect(pages.Properties.DistributionId).toEqual({ Ref: distId });
    expect(pages.Properties.DistributionPaths).toEqual(expect.arrayContaining(["/", "/index.html"]));
    expect(pages.Properties.DistributionPaths).not.toContain("/*");
  },
  "the top-level deployment neither uploads nor prunes assets/": (t) => {
    const [, pages] = webDeployments(t).pages;
    expect(pages.Properties.Prune === false || (pages.Properties.Exclude ?? []).includes("assets/*")).toBe(true);
    expect(stagedFiles(pages)).toEqual(["favicon.svg", "index.html"]);
    expect(stagedFiles(webDeployments(t).assets[1])).toEqual(["index-Ab12Cd34.js", "index-Ef56Gh78.css"]);
  },
  "both upload into the bucket CloudFront serves, the pages after the assets": (t) => {
    const { assets, pages } = webDeployments(t);
    const [, dist] = only(t, "AWS::CloudFront::Distribution");
    const config = dist.Properties.DistributionConfig;
    const webOrigin = config.Origins.find((o: Json) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
    const bucketId = webOrigin.DomainName["Fn::GetAtt"][0];
    expect(assets[1].Properties.DestinationBucketName).toEqual({ Ref: bucketId });
    expect(pages[1].Properties.DestinationBucketName).toEqual({ Ref: bucketId });
    expect(pages[1].DependsOn).toContain(assets[0]);
  },
};

// A broken copy of the template for each check: the check must catch it.
const roleOf = (t: Json, name: FunctionId) => t.Resources[fnOf(t, name)[1].Properties.Role["Fn::GetAtt"][0]];
const firstPolicyOf = (t: Json, name: FunctionId) => {
  const roleId = fnOf(t, name)[1].Properties.Role["Fn::GetAtt"][0];
  return Object.values(t.Resources as Json).find((r) => r.Type === "AWS::IAM::Policy" && r.Properties.Roles.some((x: Json) => x.Ref === roleId));
};
const breakages: Record<string, (t: Json) => void> = {
  "the table's keys and indexes are those of tableDefinition": (t) => {
    const [, table] = only(t, "AWS::DynamoDB::Table");
    table.Properties.GlobalSecondaryIndexes.pop();
  },
  "the table is on-demand": (t) => {
    only(t, "AWS::DynamoDB::Table")[1].Properties.BillingMode = "PROVISIONED";
  },
  "point-in-time recovery is on": (t) => {
    delete only(t, "AWS::DynamoDB::Table")[1].Properties.PointInTimeRecoverySpecification;
  },
  "deletion protection is on and the table is retained": (t) => {
    only(t, "AWS::DynamoDB::Table")[1].Properties.DeletionProtectionEnabled = false;
  },
  "production keeps its buckets and secrets when the stack goes": (t) => {
    byId(t, "AWS::S3::Bucket", "Uploads")[1].DeletionPolicy = "Delete";
  },
  "TTL is on the definition's attribute": (t) => {
    only(t, "AWS::DynamoDB::Table")[1].Properties.TimeToLiveSpecification.AttributeName = "ttl";
  },
  "the table has a stream of new images (the outbox reads it)": (t) => {
    only(t, "AWS::DynamoDB::Table")[1].Properties.StreamSpecification.StreamViewType = "KEYS_ONLY";
  },
  "every function runs Node 22 on arm64 with its memory and time": (t) => {
    fnOf(t, "Reminders")[1].Properties.Architectures = ["x86_64"];
  },
  "the function runs Node 22 on arm64 with its environment": (t) => {
    fnOf(t, "Server")[1].Properties.Runtime = "nodejs20.x";
  },
  "each function gets only the variables it reads, and no secret's value": (t) => {
    fnOf(t, "Outbox")[1].Properties.Environment.Variables.TENCENT_SMS_SECRET_KEY = "shown to anyone who may read the configuration";
  },
  "the SMS settings secret starts with every setting named and empty": (t) => {
    const [, secret] = byId(t, "AWS::SecretsManager::Secret", "SmsSettings");
    const value = JSON.parse(secret.Properties.SecretString);
    delete value[smsSettingNames[0]!];
    secret.Properties.SecretString = JSON.stringify(value);
  },
  "the function may read and write the table and its indexes, and read the secret": (t) => {
    for (const r of Object.values(t.Resources as Json)) {
      if (r.Type !== "AWS::IAM::Policy") continue;
      for (const s of r.Properties.PolicyDocument.Statement) {
        if (Array.isArray(s.Resource)) s.Resource = s.Resource.filter((x: Json) => !JSON.stringify(x).includes("/index/*"));
      }
    }
  },
  "least privilege: each function's role names only its own resources, never \"*\"": (t) => {
    // What DynamoEventSource would add: dynamodb:ListStreams on "*".
    firstPolicyOf(t, "Outbox").Properties.PolicyDocument.Statement.push({ Action: "dynamodb:ListStreams", Effect: "Allow", Resource: "*" });
  },
  "the upload bucket is private and encrypted": (t) => {
    const [, fn] = fnOf(t, "Server");
    t.Resources[fn.Properties.Environment.Variables.UPLOAD_BUCKET.Ref].Properties.PublicAccessBlockConfiguration.BlockPublicPolicy = false;
  },
  "an HTTP API routes ANY /api/{proxy+} to the function": (t) => {
    only(t, "AWS::ApiGatewayV2::Route")[1].Properties.RouteKey = "$default";
  },
  "the outbox reads the stream: pending notices only, retried, bisected, partial batches, failures to the dead-letter queue": (t) => {
    delete only(t, "AWS::Lambda::EventSourceMapping")[1].Properties.FunctionResponseTypes;
  },
  "the dead-letter queue is encrypted and keeps messages 14 days": (t) => {
    delete byId(t, "AWS::SQS::Queue", "DeadLetters")[1].Properties.SqsManagedSseEnabled;
  },
  "a schedule sweeps the outbox and another writes the day-before reminders, retried, failures to the dead-letter queue": (t) => {
    for (const r of Object.values(t.Resources as Json)) if (r.Type === "AWS::Events::Rule") delete r.Properties.Targets[0].DeadLetterConfig;
  },
  "logs are kept a month, the API's access log too": (t) => {
    byId(t, "AWS::Logs::LogGroup", "ApiAccessLogs")[1].Properties.RetentionInDays = 3653;
  },
  "the web gets the local stage's headers, HSTS on top: CSP without inline script, frame-ancestors none, nosniff, same-origin referrer": (t) => {
    const [, policy] = only(t, "AWS::CloudFront::ResponseHeadersPolicy");
    const csp = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy;
    const parts = csp.ContentSecurityPolicy["Fn::Join"][1];
    parts[0] = parts[0].replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");
  },
  "the upload bucket takes a browser's PUT to a presigned URL, forgets uncompleted uploads after a day; the API deletes only those": (t) => {
    // The API allowed to delete any upload, not only incoming ones.
    const [bucketId] = byId(t, "AWS::S3::Bucket", "Uploads");
    for (const st of statementsOf(t, "Server")) {
      if ([st.Action].flat().includes("s3:DeleteObject")) st.Resource = { "Fn::Join": ["", [{ "Fn::GetAtt": [bucketId, "Arn"] }, "/*"]] };
    }
  },
  "CloudFront compresses the web and /api": (t) => {
    delete behaviours(t).api.Compress;
  },
  "/api/* is cached only as the API's cache-control says, keyed on path and query, never on a cookie or a header": (t) => {
    const { api } = behaviours(t);
    t.Resources[api.CachePolicyId.Ref].Properties.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig = {
      CookieBehavior: "all",
    };
  },
  "the distribution is behind the edge's web ACL unless the parameter says none": (t) => {
    delete only(t, "AWS::CloudFront::Distribution")[1].Properties.DistributionConfig.WebACLId;
  },
  "CloudFront serves the web from S3 (OAC) and /api/* from the HTTP API, SPA fallback on the web only": (t) => {
    only(t, "AWS::CloudFront::Distribution")[1].Properties.DistributionConfig.CustomErrorResponses = [
      { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: "/index.html" },
    ];
  },
  "/api/* has CloudFront add the viewer's address, with all cookies and query strings": (t) => {
    const headers = apiOriginRequestPolicy(t).HeadersConfig;
    headers.Headers = headers.Headers.filter((h: string) => h !== VIEWER_ADDRESS_HEADER);
  },
  "/api/* never forwards the viewer's Host (API Gateway would refuse the request)": (t) => {
    // What OriginRequestHeaderBehavior.all("CloudFront-Viewer-Address") synthesises.
    apiOriginRequestPolicy(t).HeadersConfig.HeaderBehavior = "allViewerAndWhitelistCloudFront";
  },
  "/api/* forwards every header the API reads": (t) => {
    const headers = apiOriginRequestPolicy(t).HeadersConfig;
    headers.Headers = headers.Headers.filter((h: string) => h !== "X-CSRF-Token");
  },
  "the function keys its per-client limits on the viewer's address, which CloudFront writes": (t) => {
    delete fnOf(t, "Server")[1].Properties.Environment.Variables.TRUST_CLOUDFRONT_VIEWER_ADDRESS;
  },
};

const webBreakages: Record<string, (t: Json) => void> = {
  "hashed assets are cached for a year, immutable, and never pruned": (t) => {
    webDeployments(t).assets[1].Properties.Prune = true;
  },
  "index.html and the other top-level files are revalidated on every load and invalidated at the edge": (t) => {
    delete webDeployments(t).pages[1].Properties.SystemMetadata;
  },
  "the top-level deployment neither uploads nor prunes assets/": (t) => {
    delete webDeployments(t).pages[1].Properties.Exclude;
  },
  "both upload into the bucket CloudFront serves, the pages after the assets": (t) => {
    const pages = webDeployments(t).pages[1];
    pages.DependsOn = pages.DependsOn.filter((d: string) => d !== webDeployments(t).assets[0]);
  },
};

function checkAndBreak(checksOf: Record<string, (t: Json) => void>, breakagesOf: Record<string, (t: Json) => void>, t: Json) {
  for (const [name, check] of Object.entries(checksOf)) {
    it(name, () => {
      check(t);
    });
    it(`${name} — a template without it is caught`, () => {
      const broken = structuredClone(t);
      const breakIt = breakagesOf[name];
      expect(breakIt, "a breakage for every check").toBeDefined();
      breakIt!(broken);
      expect(() => check(broken)).toThrow();
    });
  }
}

describe("JinguoStack", () => {
  checkAndBreak(checks, breakages, json);

  describe("with a web build to upload", () => {
    checkAndBreak(webChecks, webBreakages, webJson);

    it("without one, nothing is uploaded", () => {
      template.resourceCountIs("Custom::CDKBucketDeployment", 0);
    });
  });

  it("holds exactly one table, four functions and one HTTP API", () => {
    template.resourceCountIs("AWS::DynamoDB::Table", 1);
    template.resourceCountIs("AWS::Lambda::Function", FUNCTIONS.length);
    template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true }),
    });
  });

  describe("another stage (staging) is removable", () => {
    it("the table is neither protected nor kept, and has no point-in-time recovery", () => {
      const [, table] = only(stagingJson, "AWS::DynamoDB::Table");
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: false });
      expect(table.DeletionPolicy).toBe("Delete");
    });
    it("its buckets are emptied and deleted with the stack, its secrets deleted", () => {
      for (const bucket of ["Uploads", "WebAssets"]) {
        const [bucketId, b] = byId(stagingJson, "AWS::S3::Bucket", bucket);
        expect(b.DeletionPolicy, bucket).toBe("Delete");
        const emptied = Object.values(stagingJson.Resources as Json).some(
          (r) => r.Type === "Custom::S3AutoDeleteObjects" && r.Properties.BucketName?.Ref === bucketId,
        );
        expect(emptied, `${bucket} is emptied first`).toBe(true);
      }
      for (const r of Object.values(stagingJson.Resources as Json)) if (r.Type === "AWS::SecretsManager::Secret") expect(r.DeletionPolicy).toBe("Delete");
    });
    it("its functions are told their stage", () => {
      for (const name of FUNCTIONS) expect(fnOf(stagingJson, name)[1].Properties.Environment.Variables.STAGE).toBe("staging");
    });
  });

  it("refuses the local stage", () => {
    expect(() => new JinguoStack(new App(), "Local", { stage: "local", code: lambda.Code.fromInline("x") })).toThrow(
      /local/,
    );
  });
});
