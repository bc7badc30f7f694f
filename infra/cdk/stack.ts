/**
 * The cloud stack as a plain aws-cdk-lib app: the same resources as sst.config.ts + infra/*.ts,
 * as CloudFormation that can be reviewed (`npm run synth`) and tested offline.
 *
 * web (CloudFront) ─┬─ /*      → S3 bucket of the built SPA (OAC), SPA fallback for the web only
 *                   └─ /api/*  → HTTP API → Lambda (Hono) → DynamoDB table, upload bucket
 */
import { join } from "node:path";
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
import { API_VIEWER_HEADERS, VIEWER_ADDRESS_HEADER } from "../api-origin-request.ts";

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
        // /api/* is served through the distribution below, whose origin request policy has
        // CloudFront write CloudFront-Viewer-Address (packages/functions/src/client.ts).
        TRUST_CLOUDFRONT_VIEWER_ADDRESS: "on",
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

    // What reaches the API (infra/api-origin-request.ts): the viewer headers it reads, the
    // viewer's address as CloudFront saw it, all cookies and query strings. Host stays the API's.
    //
    // The function trusts CloudFront-Viewer-Address because the API is meant to be reached only
    // through this distribution: the execute-api URL (output ApiEndpoint) is not to be published.
    // Whoever calls it directly can write that header and so choose her per-client bucket; the
    // per-number limits still hold. Closing the direct URL needs a shared origin secret checked
    // by the function or a custom domain with the default endpoint disabled — not done here.
    const apiOriginRequest = new cloudfront.OriginRequestPolicy(this, "ApiOriginRequest", {
      comment: "巾帼活动平台 /api: the viewer headers the API reads and the viewer's address",
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(...API_VIEWER_HEADERS, VIEWER_ADDRESS_HEADER),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.all(),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
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
          originRequestPolicy: apiOriginRequest,
        },
      },
    });

    // Two uploads, because WeChat's browser caches hard and may hold an old index.html for a
    // while: it must still find the scripts that page names.
    //  - assets/*: file names carry a content hash, so they are cached for a year and never
    //    deleted on a new deploy (prune off); nothing to invalidate.
    //  - index.html and the other top-level files: revalidated on every load (no-cache), old ones
    //    pruned, and invalidated at the edge. Uploaded after the assets, so a new index.html
    //    never points at a script that is not there yet.
    if (props.webAssetsPath) {
      const assets = new s3deploy.BucketDeployment(this, "WebAssetsDeployment", {
        sources: [s3deploy.Source.asset(join(props.webAssetsPath, "assets"))],
        destinationBucket: webBucket,
        destinationKeyPrefix: "assets/",
        prune: false,
        cacheControl: [
          s3deploy.CacheControl.setPublic(),
          s3deploy.CacheControl.maxAge(Duration.days(365)),
          s3deploy.CacheControl.immutable(),
        ],
      });
      const pages = new s3deploy.BucketDeployment(this, "WebPagesDeployment", {
        sources: [s3deploy.Source.asset(props.webAssetsPath, { exclude: ["assets"] })],
        destinationBucket: webBucket,
        // Neither uploaded nor pruned by this deployment: assets/ belongs to the one above.
        exclude: ["assets/*"],
        prune: true,
        cacheControl: [s3deploy.CacheControl.noCache()],
        distribution: this.distribution,
        // Every path without a file extension is served as /index.html (SpaRewrite) and cached
        // under that rewritten path; "/" is listed too. Other top-level files are no-cache, so
        // the edge holds them no longer than the cache policy's minimum TTL (1 s).
        distributionPaths: ["/", "/index.html"],
      });
      pages.node.addDependency(assets);
    }

    new CfnOutput(this, "Url", { value: `https://${this.distribution.distributionDomainName}` });
    new CfnOutput(this, "ApiEndpoint", { value: this.api.apiEndpoint });
    new CfnOutput(this, "TableName", { value: this.table.tableName });
    new CfnOutput(this, "UploadBucket", { value: this.uploads.bucketName });
    new CfnOutput(this, "SessionSecretArn", { value: sessionSecret.secretArn });
  }
}
