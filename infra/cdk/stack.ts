/**
 * The cloud stack as a plain aws-cdk-lib app: the same resources as sst.config.ts + infra/*.ts,
 * as CloudFormation that can be reviewed (`npm run synth`) and tested offline.
 *
 * web (CloudFront, WAF) ─┬─ /*      → S3 bucket of the built SPA (OAC), SPA fallback for the web only
 *                        └─ /api/*  → HTTP API → Lambda "Server" (Hono) → DynamoDB table, upload bucket
 * table stream → Lambda "Outbox" (texts) ─ failures → SQS dead-letter queue
 * every 5 minutes → "OutboxSweep"; every morning → "Reminders" (writes reminder notices)
 *
 * Stages: `production` keeps and protects its data (deletion protection, point-in-time
 * recovery, table, buckets and secrets retained when the stack goes); any other stage is
 * removed with the stack, data included.
 */
import { join } from "node:path";
import {
  AssetHashType,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  DockerImage,
  Duration,
  Fn,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
} from "aws-cdk-lib";
import type { Construct } from "constructs";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { tableDefinition } from "../../packages/core/src/table/index.ts";
import { configEnvironment } from "../../packages/core/src/config/index.ts";
import { pendingNoticeFilter } from "../../packages/functions/src/stream-filter.ts";
import { API_VIEWER_HEADERS, VIEWER_ADDRESS_HEADER } from "../api-origin-request.ts";
import { repoRoot, type FunctionName } from "../bundle.ts";
import { prebuild } from "../prebuilt.ts";
import {
  apiCache,
  cloudContentSecurityPolicy,
  deadLetterRetentionDays,
  incomingActions,
  incomingExpiryDays,
  incomingPrefix,
  functionSettings,
  logRetentionDays,
  outboxStream,
  scheduleRetry,
  schedules,
  smsSettingNames,
  streamActions,
  tableActions,
  uploadActions,
  uploadCors,
  webHeaders,
} from "../cloud-settings.ts";

export interface JinguoStackProps extends StackProps {
  /** The stage name the functions see as STAGE. "local" is the embedded stack and is refused. */
  readonly stage: string;
  /**
   * The functions' code. By default each is bundled by infra/bundle.ts (local esbuild, no
   * Docker). Tests pass one tiny inline handler for all of them instead.
   */
  readonly code?: lambda.Code;
  /** Directory of the built web app (packages/web/dist) to upload; omitted → bucket left empty. */
  readonly webAssetsPath?: string;
  /** Where people open the site (https://…), for links in QR codes and texts; default: the origin of each request. */
  readonly publicUrl?: string;
}

export class JinguoStack extends Stack {
  readonly table: dynamodb.Table;
  readonly uploads: s3.Bucket;
  readonly server: lambda.Function;
  readonly outbox: lambda.Function;
  readonly sweep: lambda.Function;
  readonly reminders: lambda.Function;
  readonly deadLetters: sqs.Queue;
  readonly api: apigw.HttpApi;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: JinguoStackProps) {
    super(scope, id, props);
    if (props.stage === "local") {
      throw new Error('The "local" stage runs on this machine (npm start); it is never deployed.');
    }
    const production = props.stage === "production";
    // Production's data outlives the stack; other stages go with it.
    const keep = production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // ── storage ────────────────────────────────────────────────────────────────────────────
    // Built from the one definition in core: no key name is restated here.
    const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: production },
      deletionProtection: production,
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      // The outbox reads new images only: a notice's key and whether it is pending.
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      removalPolicy: keep,
    });
    for (const index of tableDefinition.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const privateBucket = (bucketId: string, more: Partial<s3.BucketProps> = {}) =>
      new s3.Bucket(this, bucketId, {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removalPolicy: keep,
        // A stage that is removed takes its objects along (a custom resource empties the bucket).
        autoDeleteObjects: !production,
        ...more,
      });
    this.uploads = privateBucket("Uploads", {
      // Her browser PUTs a photo to a presigned URL (cloud-settings uploadCors: why any origin).
      cors: [
        {
          allowedMethods: uploadCors.methods.map((m) => m as s3.HttpMethods),
          allowedOrigins: [...uploadCors.origins],
          allowedHeaders: [...uploadCors.headers],
          maxAge: uploadCors.maxAgeSeconds,
        },
      ],
      // Direct uploads never completed (the API removes the completed ones).
      lifecycleRules: [{ id: "incoming", prefix: incomingPrefix, expiration: Duration.days(incomingExpiryDays) }],
    });

    // Read by the functions at cold start (…_SECRET_ARN), never placed in their environment.
    const sessionSecret = new secretsmanager.Secret(this, "SessionSecret", {
      description: "Signs the session cookie of 巾帼活动平台",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: keep,
    });
    // The SMS provider's settings (infra/cloud-settings.ts smsSettingNames), all empty until the
    // operator sets them (README, "Deploy"): until then the API and the outbox refuse to start.
    const smsSecret = new secretsmanager.Secret(this, "SmsSettings", {
      description: "Tencent Cloud SMS settings of 巾帼活动平台 (JSON: TENCENT_SMS_* names to strings)",
      secretObjectValue: Object.fromEntries(smsSettingNames.map((name) => [name, SecretValue.unsafePlainText("")])),
      removalPolicy: keep,
    });

    // ── functions ──────────────────────────────────────────────────────────────────────────
    const codeOf = (name: FunctionName): lambda.Code =>
      props.code ??
      lambda.Code.fromAsset(join(repoRoot, "packages", "functions", "src"), {
        // The hash is of the bundle, so a change anywhere it reaches (core, a dependency) deploys.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never used: local bundling always answers (infra/bundle.ts); CDK requires an image.
          image: DockerImage.fromRegistry("public.ecr.aws/sam/build-nodejs22.x"),
          // CDK keeps one bundling per source and options (tryBundle is not part of them):
          // the name makes each function's its own.
          environment: { JINGUO_FUNCTION: name },
          local: {
            tryBundle(outputDir) {
              prebuild(name, outputDir, repoRoot);
              return true;
            },
          },
        },
      });
    // One bundle for the outbox's two handlers.
    const outboxCode = codeOf("outbox");

    const common = { STAGE: props.stage, TABLE_NAME: this.table.tableName };
    const makeFunction = (
      fnId: string,
      settings: { memoryMb: number; timeoutSeconds: number },
      code: lambda.Code,
      handler: string,
      environment: Record<string, string>,
    ) => {
      // Its own role, without AWS's managed policies (their resources are "*"): everything it
      // may do is granted below, on named resources only.
      const role = new iam.Role(this, `${fnId}Role`, { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
      const logGroup = new logs.LogGroup(this, `${fnId}Logs`, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
      logGroup.grantWrite(role);
      const fn = new lambda.Function(this, fnId, {
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: settings.memoryMb,
        timeout: Duration.seconds(settings.timeoutSeconds),
        code,
        handler,
        role,
        logGroup,
        environment,
      });
      fn.node.addDependency(logGroup);
      return fn;
    };
    const allowTable = (fn: lambda.Function, actions: readonly string[]) =>
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: [...actions], resources: [this.table.tableArn, `${this.table.tableArn}/index/*`] }),
      );
    const allowSecret = (fn: lambda.Function, secret: secretsmanager.Secret) =>
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: [secret.secretArn] }));

    const env = configEnvironment;
    this.server = makeFunction("Server", functionSettings.api, codeOf("api"), "index.handler", {
      ...common,
      [env.sessionSecretArn]: sessionSecret.secretArn,
      [env.smsSecretArn]: smsSecret.secretArn,
      [env.uploadBucket]: this.uploads.bucketName,
      [env.rateLimitPerClient]: "on",
      // /api/* is served through the distribution below, whose origin request policy has
      // CloudFront write CloudFront-Viewer-Address (packages/functions/src/client.ts).
      [env.trustCloudFrontViewerAddress]: "on",
    });
    allowTable(this.server, tableActions.api);
    allowSecret(this.server, sessionSecret);
    allowSecret(this.server, smsSecret);
    this.server.addToRolePolicy(new iam.PolicyStatement({ actions: uploadActions, resources: [this.uploads.arnForObjects("*")] }));
    this.server.addToRolePolicy(new iam.PolicyStatement({ actions: incomingActions, resources: [this.uploads.arnForObjects(`${incomingPrefix}*`)] }));

    // ── the outbox ─────────────────────────────────────────────────────────────────────────
    this.deadLetters = new sqs.Queue(this, "DeadLetters", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(deadLetterRetentionDays),
    });
    const outboxEnvironment = { ...common, [env.smsSecretArn]: smsSecret.secretArn };
    this.outbox = makeFunction("Outbox", functionSettings.outbox, outboxCode, "index.handler", outboxEnvironment);
    this.sweep = makeFunction("OutboxSweep", functionSettings.sweep, outboxCode, "index.sweep", outboxEnvironment);
    for (const fn of [this.outbox, this.sweep]) {
      allowTable(fn, tableActions.outbox);
      allowSecret(fn, smsSecret);
    }
    // The stream, read by the mapping with the function's role. Not DynamoEventSource: it also
    // grants dynamodb:ListStreams on "*"; ListStreams on the stream itself is what Lambda checks.
    this.outbox.addToRolePolicy(
      new iam.PolicyStatement({ actions: streamActions, resources: [this.table.tableStreamArn!] }),
    );
    new lambda.EventSourceMapping(this, "OutboxStream", {
      target: this.outbox,
      eventSourceArn: this.table.tableStreamArn!,
      startingPosition: lambda.StartingPosition[outboxStream.startingPosition],
      batchSize: outboxStream.batchSize,
      bisectBatchOnError: outboxStream.bisectBatchOnError,
      retryAttempts: outboxStream.retryAttempts,
      maxRecordAge: Duration.seconds(outboxStream.maxRecordAgeSeconds),
      reportBatchItemFailures: outboxStream.reportBatchItemFailures,
      onFailure: new SqsDlq(this.deadLetters),
      filters: [lambda.FilterCriteria.filter(pendingNoticeFilter)],
    });

    const onSchedule = (ruleId: string, schedule: string, fn: lambda.Function, description: string) =>
      new events.Rule(this, ruleId, {
        description,
        schedule: events.Schedule.expression(schedule),
        targets: [
          new targets.LambdaFunction(fn, {
            retryAttempts: scheduleRetry.retryAttempts,
            maxEventAge: Duration.seconds(scheduleRetry.maxEventAgeSeconds),
            deadLetterQueue: this.deadLetters,
          }),
        ],
      });
    onSchedule("OutboxSweepSchedule", schedules.sweep, this.sweep, "巾帼活动平台: texts due for another try");

    this.reminders = makeFunction("Reminders", functionSettings.reminders, codeOf("reminders"), "index.handler", common);
    allowTable(this.reminders, tableActions.reminders);
    onSchedule("RemindersSchedule", schedules.reminders, this.reminders, "巾帼活动平台: the day-before reminders");

    // ── api ────────────────────────────────────────────────────────────────────────────────
    this.api = new apigw.HttpApi(this, "Api", {
      description: "巾帼活动平台 /api",
      createDefaultStage: true,
    });
    this.api.addRoutes({
      path: "/api/{proxy+}",
      methods: [apigw.HttpMethod.ANY],
      integration: new HttpLambdaIntegration("ServerIntegration", this.server),
    });
    // One line per request, without the query string (it may hold a ticket code) or any header.
    const accessLogs = new logs.LogGroup(this, "ApiAccessLogs", { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const defaultStage = this.api.defaultStage!.node.defaultChild as apigw.CfnStage;
    defaultStage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: "$context.requestId",
        time: "$context.requestTime",
        route: "$context.routeKey",
        path: "$context.path",
        status: "$context.status",
        latencyMs: "$context.responseLatency",
        integrationError: "$context.integrationErrorMessage",
      }),
    };

    // ── web ────────────────────────────────────────────────────────────────────────────────
    const webBucket = privateBucket("WebAssets");

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

    // The web app's headers, the local stage's (infra/cloud-settings.ts webHeaders) plus HSTS.
    const webHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, "WebHeaders", {
      comment: "巾帼活动平台 web: CSP without inline script, no framing, nosniff, same-origin referrer, HSTS",
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: cloudContentSecurityPolicy(this.uploads.bucketRegionalDomainName), override: true },
        frameOptions: { frameOption: webHeaders.frameOptions as cloudfront.HeadersFrameOption, override: true },
        // The one value X-Content-Type-Options has: nosniff.
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: webHeaders.referrerPolicy as cloudfront.HeadersReferrerPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(webHeaders.hsts.maxAgeSeconds),
          includeSubdomains: webHeaders.hsts.includeSubdomains,
          preload: webHeaders.hsts.preload,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: Object.entries(webHeaders.custom).map(([header, value]) => ({ header, value, override: true })),
      },
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
    // What may be kept at the edge is the API's to say (infra/cloud-settings.ts apiCache): its
    // cache-control, capped; the key is path and query string, never a cookie or a header. The
    // key's Accept-Encoding normalisation is also what lets CloudFront compress /api answers.
    const apiCachePolicy = new cloudfront.CachePolicy(this, "ApiCache", {
      comment: "巾帼活动平台 /api: as the API's cache-control says, keyed on path and query only",
      minTtl: Duration.seconds(apiCache.minTtlSeconds),
      defaultTtl: Duration.seconds(apiCache.defaultTtlSeconds),
      maxTtl: Duration.seconds(apiCache.maxTtlSeconds),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    // The edge's web ACL (infra/cdk/edge.ts, in us-east-1): its ARN, or "none" where AWS WAF
    // does not serve CloudFront (then only the app's own limits hold).
    const webAclArn = new CfnParameter(this, "WebAclArn", {
      type: "String",
      description: "ARN of the CloudFront web ACL (output WebAclArn of the edge stack, us-east-1), or none",
      allowedPattern: "^(arn:aws[a-z-]*:wafv2:us-east-1:\\d{12}:global/webacl/.+|none)$",
    });
    const withWebAcl = new CfnCondition(this, "WithWebAcl", { expression: Fn.conditionNot(Fn.conditionEquals(webAclArn.valueAsString, "none")) });

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
        responseHeadersPolicy: webHeadersPolicy,
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
          cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
          cachePolicy: apiCachePolicy,
          originRequestPolicy: apiOriginRequest,
          compress: true,
        },
      },
    });
    // Where people open the site: the links in QR codes and texts (the API itself is reached
    // under the API Gateway host, so it cannot tell). The distribution's own domain unless given.
    const publicUrl = props.publicUrl ?? `https://${this.distribution.distributionDomainName}`;
    for (const fn of [this.server, this.outbox, this.sweep]) fn.addEnvironment(env.publicUrl, publicUrl);

    (this.distribution.node.defaultChild as cloudfront.CfnDistribution).addPropertyOverride(
      "DistributionConfig.WebACLId",
      Fn.conditionIf(withWebAcl.logicalId, webAclArn.valueAsString, Fn.ref("AWS::NoValue")),
    );

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
    new CfnOutput(this, "SmsSettingsArn", { value: smsSecret.secretArn });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: this.deadLetters.queueUrl });
  }
}

/** Days as CDK's enum, checked against the shared number (infra/cloud-settings.ts). */
if (logs.RetentionDays.ONE_MONTH !== logRetentionDays) throw new Error("logRetentionDays is not one month: change RetentionDays in stack.ts too");
