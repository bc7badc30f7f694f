// SST components (typed by .sst/platform from `sst install`: infra/tsconfig.json).
// How every function of the app is declared under SST, as infra/cdk/stack.ts does for the twin.
import { join } from "node:path";
import { prebuild } from "./prebuilt.ts";
import { functionSettings } from "./cloud-settings.ts";

/**
 * The bundle infra/bundle.ts makes (the one the CDK twin deploys and the bench measures),
 * built when the app is evaluated and handed to SST as it is (`bundle`): SST's own esbuild run
 * would have other settings and none of our plugins.
 */
const bundles = new Map<string, string>();
export function bundleOf(name: "api" | "outbox" | "reminders"): string {
  if (!bundles.has(name)) bundles.set(name, prebuild(name, join($cli.paths.root, ".sst", "bundles", name), $cli.paths.root));
  return bundles.get(name)!;
}

export function cloudFunction(
  name: string,
  bundle: "api" | "outbox" | "reminders",
  handler: string,
  settings: (typeof functionSettings)[keyof typeof functionSettings],
  environment: Record<string, $util.Input<string>>,
  permissions: { actions: string[]; resources: $util.Input<string>[] }[],
): sst.aws.FunctionArgs {
  return {
    bundle: bundleOf(bundle),
    handler,
    runtime: "nodejs22.x",
    architecture: "arm64",
    memory: `${settings.memoryMb} MB`,
    timeout: `${settings.timeoutSeconds} seconds`,
    // SST's default, said here: the twin keeps its logs as long (cloud-settings logRetentionDays).
    logging: { retention: "1 month" },
    environment: { STAGE: $app.stage, ...environment },
    // No `link`: linking grants dynamodb:* and s3:* and reads SST's resource bundle at run time.
    // Each function gets the actions it uses (cloud-settings), on its own resources.
    permissions,
    description: `巾帼活动平台 ${name}`,
  };
}
