/**
 * `npm run synth` → cdk synth --app 'tsx infra/cdk/app.ts' (writes cdk.out/): two stacks,
 *   Jinguo-<stage>-edge  the CloudFront web ACL (AWS WAF), always in us-east-1 (edge.ts)
 *   Jinguo-<stage>       everything else, in the CLI's region (stack.ts)
 * The stage is `-c stage=<name>` (default production); `-c publicUrl=https://…` sets the site's
 * address for links. The functions are bundled with the local esbuild (infra/bundle.ts, no
 * Docker). The web app is uploaded when packages/web/dist exists (`npm run build` first).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { JinguoEdgeStack } from "./edge.ts";
import { JinguoStack } from "./stack.ts";

const app = new App();
const stage = String(app.node.tryGetContext("stage") ?? "production");
const publicUrl = app.node.tryGetContext("publicUrl") as string | undefined;
const production = stage === "production";
const webDist = fileURLToPath(new URL("../../packages/web/dist", import.meta.url));
// Account and region come from the CLI's profile/environment; unset, the stack is
// environment-agnostic.
const account = process.env.CDK_DEFAULT_ACCOUNT;

new JinguoEdgeStack(app, `Jinguo-${stage}-edge`, {
  description: `巾帼活动平台 (${stage}): the CloudFront web ACL`,
  env: { account, region: "us-east-1" },
  terminationProtection: production,
});

new JinguoStack(app, `Jinguo-${stage}`, {
  stage,
  description: `巾帼活动平台 (${stage})`,
  terminationProtection: production,
  env: { account, region: process.env.CDK_DEFAULT_REGION },
  ...(publicUrl ? { publicUrl } : {}),
  ...(existsSync(webDist) ? { webAssetsPath: webDist } : {}),
});

app.synth();
