// SST components (typed by .sst/platform from `sst install`; not in the repository typecheck).
// The Hono app behind an HTTP API. Every request under /api goes to one function.
import { table, uploads } from "./storage";

// Set once per stage: `npx sst secret set SessionSecret <random 64 chars> --stage <stage>`.
export const sessionSecret = new sst.Secret("SessionSecret");

export const server = new sst.aws.Function("Server", {
  handler: "packages/functions/src/lambda.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "1024 MB",
  // Below the HTTP API's 30-second integration limit.
  timeout: "20 seconds",
  // Linking grants read/write on the table and its indexes, and on the bucket.
  link: [table, uploads, sessionSecret],
  environment: {
    TABLE_NAME: table.name,
    STAGE: $app.stage,
    SESSION_SECRET: sessionSecret.value,
    UPLOAD_BUCKET: uploads.name,
    RATE_LIMIT_PER_CLIENT: "on",
  },
});

export const api = new sst.aws.ApiGatewayV2("Api");
api.route("ANY /api/{proxy+}", server.arn);
