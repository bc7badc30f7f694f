// SST components (typed by .sst/platform from `sst install`: infra/tsconfig.json).
// The Hono app behind an HTTP API. Every request under /api goes to one function.
import { table, uploads } from "./storage.ts";
import { router } from "./router.ts";
import { functionSettings, incomingActions, incomingPrefix, smsSettingNames, tableActions, uploadActions } from "./cloud-settings.ts";
import { cloudFunction } from "./functions.ts";
import { configEnvironment as env } from "../packages/core/src/config/index.ts";

const production = $app.stage === "production";

// Set once per stage (README, "Deploy"):
//   npx sst secret set SessionSecret <random 64 characters> --stage <stage>
//   npx sst secret set SmsSettings '<JSON of TENCENT_SMS_* names to strings>' --stage <stage>
export const sessionSecret = new sst.Secret("SessionSecret");
export const smsSettings = new sst.Secret("SmsSettings", JSON.stringify(Object.fromEntries(smsSettingNames.map((n) => [n, ""]))));

// The functions get each secret the way the CDK stack gives it: the ARN of a Secrets Manager
// secret (…_SECRET_ARN), read once per cold start (packages/core/src/config). Its value is then
// in neither the function's environment (`SESSION_SECRET: sessionSecret.value` would show it to
// anyone allowed to read the function's configuration) nor its package. Linking the sst.Secret
// is not used: SST bundles a linked value encrypted into the package, with the key in the
// environment (SST_KEY), and reading it needs the `sst` runtime package.
// The value still lives in SST's encrypted state, as every sst.Secret does.
function secretStore(name: string, description: string, value: $util.Input<string>) {
  const store = new aws.secretsmanager.Secret(`${name}Store`, {
    description,
    // Stages other than production are removed with `sst remove`: no 7-to-30-day recovery window.
    recoveryWindowInDays: production ? 30 : 0,
  });
  const version = new aws.secretsmanager.SecretVersion(`${name}Value`, { secretId: store.id, secretString: value });
  return { store, version };
}
export const sessionSecretStore = secretStore("SessionSecret", "Signs the session cookie of 巾帼活动平台", sessionSecret.value);
export const smsSettingsStore = secretStore("SmsSettings", "Tencent Cloud SMS settings of 巾帼活动平台", smsSettings.value);

const onTable = (actions: readonly string[]) => ({ actions: [...actions], resources: [table.arn, $interpolate`${table.arn}/index/*`] });
const readSecret = (s: { store: aws.secretsmanager.Secret }) => ({ actions: ["secretsmanager:GetSecretValue"], resources: [s.store.arn] });

export const server = new sst.aws.Function(
  "Server",
  cloudFunction(
    "API",
    "api",
    "index.handler",
    functionSettings.api,
    {
      [env.tableName]: table.name,
      [env.sessionSecretArn]: sessionSecretStore.store.arn,
      [env.smsSecretArn]: smsSettingsStore.store.arn,
      [env.uploadBucket]: uploads.name,
      [env.rateLimitPerClient]: "on",
      // Where people open the site, for the links in QR codes and texts.
      [env.publicUrl]: router.url,
      // /api is served through the CloudFront Router of infra/router.ts, whose origin request
      // policy (apiOriginRequest there) has CloudFront write CloudFront-Viewer-Address; the
      // per-client limits key on it (packages/functions/src/client.ts). The API Gateway URL
      // (output `api`) reaches the function without CloudFront and is not to be published:
      // a caller there can write that header herself.
      [env.trustCloudFrontViewerAddress]: "on",
    },
    [
      onTable(tableActions.api),
      readSecret(sessionSecretStore),
      readSecret(smsSettingsStore),
      { actions: [...uploadActions], resources: [$interpolate`${uploads.arn}/*`] },
      { actions: [...incomingActions], resources: [$interpolate`${uploads.arn}/${incomingPrefix}*`] },
    ],
  ),
  // A cold start before a secret has its value would fail every request of that instance.
  { dependsOn: [sessionSecretStore.version, smsSettingsStore.version] },
);

export const api = new sst.aws.ApiGatewayV2("Api");
api.route("ANY /api/{proxy+}", server.arn);
