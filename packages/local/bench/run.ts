/**
 * `npm run bench`: the registration rush (its flags passed on as they are), then the round
 * close (ROUND_ENTRIES, ROUND_JUDGES, ROUND_NEIGHBOUR in the environment), then the vote storm
 * (STORM_VOTES, STORM_VOTERS, STORM_ENTRIES, STORM_CONCURRENCY, STORM_ROUNDS, STORM_WARMUP).
 * `VOTES_ONLY=1 npm run bench -- --votes 1000 …` runs the vote storm alone, the flags passed to it.
 * Then the Lambda fitness figures (lambda-fitness.ts; `FITNESS_ONLY=1` runs them alone). Last,
 * the web app's bytes per participant route, from its build (web-bytes.ts; `BYTES_ONLY=1` alone).
 * Each runs in its own process, as it would alone; the bench fails if any does.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", here(file), ...args], { stdio: "inherit" }).status ?? 1;

if (process.env.VOTES_ONLY === "1") process.exit(run("./vote-storm.ts", process.argv.slice(2)));
if (process.env.FITNESS_ONLY === "1") process.exit(run("./lambda-fitness.ts", []));
if (process.env.BYTES_ONLY === "1") process.exit(run("./web-bytes.ts", []));

const rush = run("./registration-rush.ts", process.argv.slice(2));
console.log("");
const close = run("./round-close.ts", []);
console.log("");
const storm = run("./vote-storm.ts", []);
console.log("");
const fitness = run("./lambda-fitness.ts", []);
console.log("");
const bytes = run("./web-bytes.ts", []);
process.exit(rush || close || storm || fitness || bytes);
