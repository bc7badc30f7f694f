/**
 * `npm run synth` → cdk synth --app 'tsx infra/cdk/app.ts' (writes cdk.out/).
 * The function is bundled with the local esbuild (no Docker). The web app is uploaded when
 * packages/web/dist exists (`npm run build` first).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { JinguoStack } from "./stack.ts";

const app = new App();
const webDist = fileURLToPath(new URL("../../packages/web/dist", import.meta.url));

new JinguoStack(app, "Jinguo-prod", {
  stage: "production",
  description: "巾帼活动平台 (production)",
  terminationProtection: true,
  // Account and region come from the CLI's profile/environment; unset, the stack is
  // environment-agnostic.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  ...(existsSync(webDist) ? { webAssetsPath: webDist } : {}),
});

app.synth();
