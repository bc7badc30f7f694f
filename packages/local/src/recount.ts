/**
 * `npm run recount -- <campaignId>`: the campaign's vote totals counted again from the vote
 * records, held against the sharded counters the leaderboard and the results read. Prints each
 * entry's valid and voided votes both ways; exits 0 when they agree, 1 when they do not, 2 when
 * it cannot run. It only reads.
 *
 * Which DynamoDB: DYNAMODB_ENDPOINT when set (TABLE_NAME, default `jinguo`); else the local
 * stage's, in DATA_DIR (default `.data/`): the one `npm start` runs, when it is running (its port
 * is in the data directory's lock file), or else one started on that data for the recount and
 * stopped after it.
 */
import { resolve } from "node:path";
import { createDb } from "@jinguo/core/db";
import { getCampaign } from "@jinguo/core/campaigns";
import { recount } from "@jinguo/core/voting";
import { startDynamoLocal, StartupError, type DynamoLocal } from "./dynamo.ts";
import { isDynamoLocalOn, readLock } from "./dynamo-lock.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const campaignId = process.argv[2];
if (!campaignId || campaignId.startsWith("-")) {
  console.error("用法 Usage: npm run recount -- <campaignId>   (DATA_DIR, or DYNAMODB_ENDPOINT and TABLE_NAME)");
  process.exit(2);
}

/** The endpoint to read from, and the DynamoDB Local this script started (to stop), if any. */
async function dynamoDb(): Promise<{ endpoint: string; started?: DynamoLocal; where: string }> {
  if (process.env.DYNAMODB_ENDPOINT) return { endpoint: process.env.DYNAMODB_ENDPOINT, where: process.env.DYNAMODB_ENDPOINT };
  const dbPath = resolve(process.env.DATA_DIR ?? ".data", "dynamodb");
  const lock = readLock(dbPath);
  if (lock?.java !== undefined && lock.port !== undefined && isDynamoLocalOn(lock.java, dbPath)) {
    return { endpoint: `http://127.0.0.1:${lock.port}`, where: `${dbPath} (npm start's DynamoDB Local, port ${lock.port})` };
  }
  const started = await startDynamoLocal({ dataDir: dbPath });
  return { endpoint: started.endpoint, started, where: `${dbPath} (started for the recount)` };
}

let started: DynamoLocal | undefined;
let code = 0;
try {
  const found = await dynamoDb();
  started = found.started;
  const db = createDb({ endpoint: found.endpoint, tableName: process.env.TABLE_NAME ?? "jinguo" });
  if (!(await getCampaign(db, campaignId))) throw new Error(`没有这个活动 no campaign ${campaignId} in ${found.where}`);
  const result = await recount(db, campaignId);
  console.log(`活动 campaign ${campaignId} — ${found.where}`);
  console.log(`票的记录 vote records read: ${result.read}`);
  const entries = [...new Set([...result.records.keys(), ...result.counters.keys()])].sort();
  const zero = { votes: 0, voided: 0 };
  const rows = entries.map((e) => {
    const r = result.records.get(e) ?? zero;
    const c = result.counters.get(e) ?? zero;
    const same = r.votes === c.votes && r.voided === c.voided;
    return [e, `${r.votes}`, `${r.voided}`, `${c.votes}`, `${c.voided}`, same ? "ok" : "DIFFERENT"];
  });
  const head = ["entry", "records: valid", "voided", "counters: valid", "voided", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
  if (result.ok) console.log(`\n一致 The counters agree with the records (${entries.length} entries).`);
  else {
    console.log(`\n不一致 ${result.mismatches.length} entries differ. The index the records are read through is eventually consistent: during voting, run it again before believing a difference of a vote or two.`);
    code = 1;
  }
} catch (err) {
  console.error(err instanceof StartupError ? `无法启动 Cannot start:\n${err.message}` : `recount failed: ${err instanceof Error ? err.message : String(err)}`);
  code = 2;
} finally {
  await started?.stop();
}
process.exit(code);
