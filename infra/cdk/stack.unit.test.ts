import { describe, it, expect } from "vitest";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { createTableInput, tableDefinition } from "../../packages/core/src/table/index.ts";
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

function only(t: Json, type: string): [string, Json] {
  const found = Object.entries(t.Resources as Json).filter(([, r]) => r.Type === type);
  expect(found, `one ${type}`).toHaveLength(1);
  return found[0] as [string, Json];
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
};

describe("JinguoStack", () => {
  for (const [name, check] of Object.entries(checks)) {
    it(name, () => {
      check(json);
    });
    it(`${name} — a template without it is caught`, () => {
      const broken = structuredClone(json);
      const breakIt = breakages[name];
      expect(breakIt, "a breakage for every check").toBeDefined();
      breakIt!(broken);
      expect(() => check(broken)).toThrow();
    });
  }

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
