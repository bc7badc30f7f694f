/**
 * `npm run bench`: the registration rush (its flags passed on as they are), then the round
 * close (ROUND_ENTRIES, ROUND_JUDGES, ROUND_NEIGHBOUR in the environment). Each runs in its own
 * process, as it would alone; the bench fails if either does.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", here(file), ...args], { stdio: "inherit" }).status ?? 1;

const rush = run("./registration-rush.ts", process.argv.slice(2));
console.log("");
const close = run("./round-close.ts", []);
process.exit(rush || close);
