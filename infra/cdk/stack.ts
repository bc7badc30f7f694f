/**
 * The cloud stack as a plain aws-cdk-lib app: the same resources as sst.config.ts + infra/*.ts,
 * as CloudFormation that can be reviewed (`npm run synth`) and tested offline.
 *
 * web (CloudFront) ─┬─ /*      → S3 bucket of the built SPA (OAC), SPA fallback for the web only
 *                   └─ /api/*  → HTTP API → Lambda (Hono) → DynamoDB table, upload bucket
 */
import { fileURLToPath } from "node:url";
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { tableDefinition } from "../../packages/core/src/table/index.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface JinguoStackProps extends StackProps {
  /** The stage name the function sees as STAGE. "local" is the embedded stack and is refused. */
  readonly stage: string;
  /**
   * The function's code. By default packages/functions/src/lambda.ts is bundled with esbuild
   * (NodejsFunction, local esbuild, no Docker). Tests pass a tiny inline handler instead.
   */
  readonly code?: lambda.Code;
  /** Directory of the built web app (packages/web/dist) to upload; omitted → bucket left empty. */
  readonly webAssetsPath?: string;
}

export class JinguoStack extends Stack {
  readonly table: dynamodb.Table;
  readonly uploads: s3.Bucket;
  readonly server: lambda.Function;
  readonly api: apigw.HttpApi;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: JinguoStackProps) {
    super(scope, id, props);
    if (props.stage === "local") {
      throw new Error('The "local" stage runs on this machine (npm start); it is never deployed.');
    }

    // ── storage ────────────────────────────────────────────────────────────────────────────
    // Built from the one definition in core: no key name is restated here.
    const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDefinition.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.uploads = new s3.Bucket(this, "Uploads", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Read by the function at cold start (SESSION_SECRET_ARN), never placed in the environment.
    const sessionSecret = new secretsmanager.Secret(this, "SessionSecret", {
      description: "Signs the session cookie of 巾帼活动平台",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ── api ────────────────────────────────────────────────────────────────────────────────
    const functionProps = {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      // Below the HTTP API's 30-second integration limit.
      timeout: Duration.seconds(20),
      logGroup: new logs.LogGroup(this, "ServerLogs", {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      environment: {
        TABLE_NAME: this.table.tableName,
        STAGE: props.stage,
        SESSION_SECRET_ARN: sessionSecret.secretArn,
        UPLOAD_BUCKET: this.uploads.bucketName,
        RATE_LIMIT_PER_CLIENT: "on",
      },
    } satisfies Partial<lambda.FunctionProps>;

    this.server = props.code
      ? new lambda.Function(this, "Server", { ...functionProps, code: props.code, handler: "index.handler" })
      : new nodejs.NodejsFunction(this, "Server", {
          ...functionProps,
          entry: `${repoRoot}packages/functions/src/lambda.ts`,
          handler: "handler",
          projectRoot: repoRoot,
          depsLockFilePath: `${repoRoot}package-lock.json`,
          bundling: {
            format: nodejs.OutputFormat.ESM,
            target: "node22",
            mainFields: ["module", "main"],
            // CommonJS dependencies that call require() inside an ESM bundle.
            banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
            // The AWS SDK is bundled too, so the function runs the versions the tests ran.
            externalModules: [],
            minify: true,
            sourceMap: true,
          },
        });
    if (!props.code) this.server.addEnvironment("NODE_OPTIONS", "--enable-source-maps");

    // Read/write on the table and its indexes; objects of the upload bucket; the secret.
    this.table.grantReadWriteData(this.server);
    this.uploads.grantReadWrite(this.server);
    sessionSecret.grantRead(this.server);

    this.api = new apigw.HttpApi(this, "Api", {
      description: "巾帼活动平台 /api",
      createDefaultStage: true,
    });
    this.api.addRoutes({
      path: "/api/{proxy+}",
      methods: [apigw.HttpMethod.ANY],
      integration: new HttpLambdaIntegration("ServerIntegration", this.server),
    });

    // ── web ────────────────────────────────────────────────────────────────────────────────
    const webBucket = new s3.Bucket(this, "WebAssets", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // SPA fallback on the web behaviour only: a path without a file extension is a client
    // route and gets index.html. Distribution-wide error responses would also rewrite the
    // API's 403/404 JSON errors, so they are not used.
    const spaRewrite = new cloudfront.Function(this, "SpaRewrite", {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        [
          "function handler(event) {",
          "  var request = event.request;",
          "  var last = request.uri.split('/').pop();",
          "  if (last.indexOf('.') === -1) request.uri = '/index.html';",
          "  return request;",
          "}",
        ].join("\n"),
      ),
    });

    // https://{apiId}.execute-api.{region}.amazonaws.com → the host name.
    const apiDomain = Fn.select(2, Fn.split("/", this.api.apiEndpoint));
    this.distribution = new cloudfront.Distribution(this, "Web", {
      comment: "巾帼活动平台",
      defaultRootObject: "index.html",
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(webBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        functionAssociations: [
          { function: spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        "/api/*": {
          origin: new origins.HttpOrigin(apiDomain, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // Cookies, query strings and headers reach the API; Host stays the API's own.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
    });

    if (props.webAssetsPath) {
      new s3deploy.BucketDeployment(this, "WebDeployment", {
        sources: [s3deploy.Source.asset(props.webAssetsPath)],
        destinationBucket: webBucket,
        distribution: this.distribution,
        distributionPaths: ["/*"],
      });
    }

    new CfnOutput(this, "Url", { value: `https://${this.distribution.distributionDomainName}` });
    new CfnOutput(this, "ApiEndpoint", { value: this.api.apiEndpoint });
    new CfnOutput(this, "TableName", { value: this.table.tableName });
    new CfnOutput(this, "UploadBucket", { value: this.uploads.bucketName });
    new CfnOutput(this, "SessionSecretArn", { value: sessionSecret.secretArn });
  }
}
