import { describe, it, expect, beforeAll, afterAll, inject } from "vitest";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundle } from "../../../infra/bundle.ts";
import { freshDb, fixedClock } from "../../../test/harness.ts";
import { seed } from "../../local/src/seed.ts";
import { smsSettings } from "./fixtures/sms-settings.ts";
import { errorMessages } from "@jinguo/core/messages";
import { createFullApp, type Deps } from "../src/app.ts";
import { routeTable } from "../src/openapi.ts";
import { openApiDocument } from "../src/openapi-document.ts";

/**
 * The API as it ships: the bundle infra/bundle.ts builds (the CDK twin and SST deploy it),
 * imported in a fresh Node process with a Lambda's environment, its handler fed API Gateway
 * HTTP API events. Its secrets come from a stand-in for Secrets Manager over HTTP (signed
 * requests, as functions/src/secrets.ts sends them), its table is DynamoDB Local, both reached
 * by the SDK's own endpoint variables. What this shows that the in-process tests cannot: the
 * cold start reads its secrets and starts; each route group's chunk loads inside the bundle on
 * its first request (the contract loads every one of them).
 */

const SESSION_ARN = "arn:aws:secretsmanager:ap-east-1:123456789012:secret:jinguo/session-AbCdEf";
const SMS_ARN = "arn:aws:secretsmanager:ap-east-1:123456789012:secret:jinguo/sms-AbCdEf";
const sms = smsSettings();

/** What the fake Secrets Manager was asked: the target and whether the request was signed. */
const asked: { target: string | undefined; signed: boolean; secretId: string }[] = [];
let secrets: Server;
let dir: string;
let tableName: string;

beforeAll(async () => {
  const db = await freshDb();
  tableName = db.tableName;
  await seed(db, fixedClock("2026-12-01T02:00:00.000Z"), { localAccounts: false });
  secrets = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      asked.push({ target: req.headers["x-amz-target"] as string, signed: /^AWS4-HMAC-SHA256 Credential=local\//.test(req.headers.authorization ?? ""), secretId: SecretId });
      const value = SecretId === SESSION_ARN ? "s".repeat(48) : SecretId === SMS_ARN ? JSON.stringify(sms) : undefined;
      res.setHeader("content-type", "application/x-amz-json-1.1");
      if (value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: "ResourceNotFoundException", message: "no such secret" }));
      } else res.end(JSON.stringify({ ARN: SecretId, Name: SecretId.split(":").at(-1), SecretString: value }));
    });
  });
  await new Promise<void>((resolve) => secrets.listen(0, "127.0.0.1", resolve));
  dir = mkdtempSync(join(tmpdir(), "jinguo-lambda-bundle-"));
  await bundle("api", dir);
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => secrets?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  cookies?: string[];
}

/** Each request as an API Gateway v2 event, through the bundle's handler, in one new process (one cold start). */
function invoke(requests: { method: string; path: string; query?: string; headers?: Record<string, string>; body?: string }[]): Promise<Answer[]> {
  const events = requests.map((r, n) => ({
    version: "2.0",
    routeKey: "ANY /api/{proxy+}",
    rawPath: r.path,
    rawQueryString: r.query ?? "",
    headers: { host: "api.jinguo.example.cn", "x-forwarded-proto": "https", ...(r.body ? { "content-type": "application/json" } : {}), ...r.headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "a1b2c3d4e5",
      domainName: "api.jinguo.example.cn",
      http: { method: r.method, path: r.path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "test" },
      requestId: `req-${n}`,
      routeKey: "ANY /api/{proxy+}",
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(r.body ? { body: r.body } : {}),
    isBase64Encoded: false,
  }));
  const script = [
    `const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, "index.mjs")).href)});`,
    `const out = [];`,
    `for (const e of ${JSON.stringify(events)}) out.push(await handler(e, {}));`,
    `process.stdout.write(JSON.stringify(out));`,
  ].join("\n");
  const env = {
    PATH: process.env.PATH,
    AWS_REGION: "ap-east-1",
    // DynamoDB Local keeps a database per access key: the one the tests' tables are in (core/db).
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_DYNAMODB: inject("dynamoEndpoint"),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
    STAGE: "bundle-test",
    TABLE_NAME: tableName,
    SESSION_SECRET_ARN: SESSION_ARN,
    SMS_SECRET_ARN: SMS_ARN,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as Answer[]) : reject(new Error(`the bundle's process ended with ${code}: ${err}`))));
  });
}

describe("the API's Lambda bundle, as deployed", () => {
  it("starts with its secrets read over signed requests and answers through each route group's chunk", { timeout: 60_000 }, async () => {
    const [health, list, one, unsigned, missing, contract] = await invoke([
      { method: "GET", path: "/api/health" },
      { method: "GET", path: "/api/campaigns" },
      { method: "GET", path: "/api/campaigns/c-2019-health-lectures" },
      { method: "POST", path: "/api/auth/otp", body: JSON.stringify({ phone: "13912340001" }) },
      { method: "GET", path: "/api/nothing-here" },
      { method: "GET", path: "/api/openapi.json" },
    ]);
    // One cold start: each secret read once, by a signed GetSecretValue.
    expect(asked.map((a) => [a.secretId, a.target, a.signed]).sort()).toEqual(
      [
        [SESSION_ARN, "secretsmanager.GetSecretValue", true],
        [SMS_ARN, "secretsmanager.GetSecretValue", true],
      ].sort(),
    );
    expect([health!.statusCode, JSON.parse(health!.body)]).toEqual([200, { ok: true, stage: "bundle-test" }]);
    // The public group, from the seeded table in DynamoDB Local.
    expect(list!.statusCode).toBe(200);
    expect((JSON.parse(list!.body) as { items: { id: string }[] }).items.map((c) => c.id)).toContain("c-2019-health-lectures");
    expect([one!.statusCode, (JSON.parse(one!.body) as { campaign: { id: string } }).campaign.id]).toEqual([200, "c-2019-health-lectures"]);
    // The auth group's middleware: a write without Origin nor token is refused, in the error shape.
    expect([unsigned!.statusCode, (JSON.parse(unsigned!.body) as { error: { code: string } }).error.code]).toEqual([403, "CSRF"]);
    // In Chinese, from the bundle's Chinese-only copy of the messages (infra/bundle.ts).
    expect([missing!.statusCode, (JSON.parse(missing!.body) as { error: unknown }).error]).toEqual([404, { code: "NOT_FOUND", message: errorMessages.NOT_FOUND["zh-CN"] }]);
    // The contract mounts every group: each chunk loaded inside the bundle, every route described,
    // the document the very one the source makes (its JSON Schema code is in its chunk alone: infra/bundle.ts).
    expect(contract!.statusCode).toBe(200);
    const source = openApiDocument(routeTable(await createFullApp({ stage: "bundle-test" } as Deps)), { stage: "bundle-test" });
    expect(JSON.parse(contract!.body)).toEqual(JSON.parse(JSON.stringify(source)));
    const paths = Object.keys((JSON.parse(contract!.body) as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(["/api/campaigns/{id}/votes", "/api/admin/checkins", "/api/judge/assignments", "/api/uploads"]));
    expect(paths.some((p) => p.startsWith("/api/dev/"))).toBe(false);
  });
});
