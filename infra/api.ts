// SST components (typed by .sst/platform from `sst install`; not in the repository typecheck).
// The Hono app behind an HTTP API. Every request under /api goes to one function.
import { table, uploads } from "./storage";
import { API_VIEWER_HEADERS, VIEWER_ADDRESS_HEADER } from "./api-origin-request.ts";

// Set once per stage: `npx sst secret set SessionSecret <random 64 chars> --stage <stage>`.
export const sessionSecret = new sst.Secret("SessionSecret");

// The function gets the session secret the way the CDK stack gives it: the ARN of a Secrets
// Manager secret (SESSION_SECRET_ARN), read once per cold start by packages/functions/src/lambda.ts.
// Its value is then in neither the function's environment (`SESSION_SECRET: sessionSecret.value`
// would show it to anyone allowed to read the function's configuration) nor its package.
// Linking the sst.Secret is not used: SST bundles a linked value encrypted into the package, with
// the key in the environment (SST_KEY), and reading it needs the `sst` runtime package
// (`Resource.SessionSecret.value`) in lambda.ts and as a dependency of packages/functions.
// The value still lives in SST's encrypted state, as every sst.Secret does.
const sessionSecretStore = new aws.secretsmanager.Secret("SessionSecretStore", {
  description: "Signs the session cookie of 巾帼活动平台",
  // Stages other than production are removed with `sst remove`: no 7-to-30-day recovery window.
  recoveryWindowInDays: $app.stage === "production" ? 30 : 0,
});
const sessionSecretValue = new aws.secretsmanager.SecretVersion("SessionSecretValue", {
  secretId: sessionSecretStore.id,
  secretString: sessionSecret.value,
});

export const server = new sst.aws.Function(
  "Server",
  {
    handler: "packages/functions/src/lambda.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    memory: "1024 MB",
    // Below the HTTP API's 30-second integration limit.
    timeout: "20 seconds",
    // Linking grants read/write on the table and its indexes, and on the bucket.
    link: [table, uploads],
    permissions: [{ actions: ["secretsmanager:GetSecretValue"], resources: [sessionSecretStore.arn] }],
    environment: {
      TABLE_NAME: table.name,
      STAGE: $app.stage,
      SESSION_SECRET_ARN: sessionSecretStore.arn,
      UPLOAD_BUCKET: uploads.name,
      RATE_LIMIT_PER_CLIENT: "on",
      // /api is served through the CloudFront Router of infra/web.ts, whose origin request
      // policy (apiOriginRequest below) has CloudFront write CloudFront-Viewer-Address; the
      // per-client limits key on it (packages/functions/src/client.ts). The API Gateway URL
      // (output `api`) reaches the function without CloudFront and is not to be published:
      // a caller there can write that header herself.
      TRUST_CLOUDFRONT_VIEWER_ADDRESS: "on",
    },
  },
  // A cold start before the secret has its value would fail every request of that instance.
  { dependsOn: [sessionSecretValue] },
);

export const api = new sst.aws.ApiGatewayV2("Api");
api.route("ANY /api/{proxy+}", server.arn);

// What CloudFront forwards to the API (infra/api-origin-request.ts): the viewer headers the API
// reads, the viewer's address, all cookies and query strings — never the viewer's Host, which
// API Gateway would refuse. Attached to the Router in infra/web.ts.
export const apiOriginRequest = new aws.cloudfront.OriginRequestPolicy("ApiOriginRequest", {
  comment: "jinguo /api: the viewer headers the API reads and the viewer's address",
  headersConfig: {
    headerBehavior: "whitelist",
    headers: { items: [...API_VIEWER_HEADERS, VIEWER_ADDRESS_HEADER] },
  },
  cookiesConfig: { cookieBehavior: "all" },
  queryStringsConfig: { queryStringBehavior: "all" },
});
