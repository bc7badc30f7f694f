import { afterAll, describe, it, expect } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { createTableInput, tableDefinition } from "../../packages/core/src/table/index.ts";
import { VIEWER_ADDRESS_HEADER } from "../api-origin-request.ts";
import { JinguoStack } from "./stack.ts";

// Synthesised once, offline: the function code is a one-line inline handler, no bundling.
function synth(): Template {
  const app = new App();
  const stack = new JinguoStack(app, "Test", {
    stage: "production",
    code: lambda.Code.fromInline("export const handler = async () => ({ statusCode: 200 });"),
  });
  return Template.fromStack(stack);
}

type Json = Record<string, any>;
const template = synth();
const json: Json = template.toJSON();

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
    code: lambda.Code.fromInline("export const handler = async () => ({ statusCode: 200 });"),
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
// Set by API Gateway or by CloudFront on every request, whatever the policy says.
const SET_BY_THE_PLATFORM = new Set(["host", "x-forwarded-proto", "content-length"]);

function only(t: Json, type: string): [string, Json] {
  const found = Object.entries(t.Resources as Json).filter(([, r]) => r.Type === type);
  expect(found, `one ${type}`).toHaveLength(1);
  return found[0] as [string, Json];
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
  },
  "TTL is on the definition's attribute": (t) => {
    const [, table] = only(t, "AWS::DynamoDB::Table");
    expect(table.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: tableDefinition.ttlAttribute,
      Enabled: true,
    });
  },
  "the function runs Node 22 on arm64 with its environment": (t) => {
    const [tableId] = only(t, "AWS::DynamoDB::Table");
    const [, fn] = only(t, "AWS::Lambda::Function");
    expect(fn.Properties.Runtime).toBe("nodejs22.x");
    expect(fn.Properties.Architectures).toEqual(["arm64"]);
    const env = fn.Properties.Environment.Variables;
    expect(env.TABLE_NAME).toEqual({ Ref: tableId });
    expect(env.STAGE).toBe("production");
    expect(env.RATE_LIMIT_PER_CLIENT).toBe("on");
    const [secretId] = only(t, "AWS::SecretsManager::Secret");
    expect(env.SESSION_SECRET_ARN).toEqual({ Ref: secretId });
    expect(env.SESSION_SECRET).toBeUndefined();
    expect(Object.keys(t.Resources)).toContain(env.UPLOAD_BUCKET.Ref);
  },
  "the function may read and write the table and its indexes, and read the secret": (t) => {
    const [tableId] = only(t, "AWS::DynamoDB::Table");
    const [secretId] = only(t, "AWS::SecretsManager::Secret");
    const [, fn] = only(t, "AWS::Lambda::Function");
    const roleId = fn.Properties.Role["Fn::GetAtt"][0];
    const statements = Object.values(t.Resources as Json)
      .filter((r) => r.Type === "AWS::IAM::Policy" && r.Properties.Roles.some((x: Json) => x.Ref === roleId))
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
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
  "the upload bucket is private and encrypted": (t) => {
    const [, fn] = only(t, "AWS::Lambda::Function");
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
    const [fnId] = only(t, "AWS::Lambda::Function");
    const [, integration] = only(t, "AWS::ApiGatewayV2::Integration");
    expect(integration.Properties.IntegrationType).toBe("AWS_PROXY");
    expect(integration.Properties.IntegrationUri).toEqual({ "Fn::GetAtt": [fnId, "Arn"] });
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
    const [, fn] = only(t, "AWS::Lambda::Function");
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
  "TTL is on the definition's attribute": (t) => {
    only(t, "AWS::DynamoDB::Table")[1].Properties.TimeToLiveSpecification.AttributeName = "ttl";
  },
  "the function runs Node 22 on arm64 with its environment": (t) => {
    only(t, "AWS::Lambda::Function")[1].Properties.Runtime = "nodejs20.x";
  },
  "the function may read and write the table and its indexes, and read the secret": (t) => {
    for (const r of Object.values(t.Resources as Json)) {
      if (r.Type !== "AWS::IAM::Policy") continue;
      for (const s of r.Properties.PolicyDocument.Statement) {
        if (Array.isArray(s.Resource)) s.Resource = s.Resource.filter((x: Json) => !JSON.stringify(x).includes("/index/*"));
      }
    }
  },
  "the upload bucket is private and encrypted": (t) => {
    const [, fn] = only(t, "AWS::Lambda::Function");
    t.Resources[fn.Properties.Environment.Variables.UPLOAD_BUCKET.Ref].Properties.PublicAccessBlockConfiguration.BlockPublicPolicy = false;
  },
  "an HTTP API routes ANY /api/{proxy+} to the function": (t) => {
    only(t, "AWS::ApiGatewayV2::Route")[1].Properties.RouteKey = "$default";
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
    delete only(t, "AWS::Lambda::Function")[1].Properties.Environment.Variables.TRUST_CLOUDFRONT_VIEWER_ADDRESS;
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

  it("holds exactly one table, one function and one HTTP API", () => {
    template.resourceCountIs("AWS::DynamoDB::Table", 1);
    template.resourceCountIs("AWS::Lambda::Function", 1);
    template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true }),
    });
  });

  it("refuses the local stage", () => {
    expect(() => new JinguoStack(new App(), "Local", { stage: "local", code: lambda.Code.fromInline("x") })).toThrow(
      /local/,
    );
  });
});
