/**
 * A function's bundle built by infra/bundle.ts in a child process, for callers that cannot
 * await or load esbuild themselves: CDK's local bundling (synchronous) and the SST app, whose
 * config is itself bundled by SST (import.meta there is SST's, so the app's root is passed in).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export function prebuild(name: "api" | "outbox" | "reminders", outdir: string, root: string): string {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(root, "infra", "bundle.ts"), name, outdir], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.status !== 0) throw new Error(`Bundling ${name} failed (${run.status ?? run.signal})`);
  return outdir;
}
