/**
 * `npm run bench` (after the registration rush), or on its own: `tsx packages/local/bench/round-close.ts`.
 * Closing a round of 2,000 entries × 9 judges: how long it takes and what it reads.
 *
 * On DynamoDB Local on disk: a contest with the round (one county's 2,000 approved entries, 9
 * judges, 18,000 scores, written before the clock starts) and a neighbour round of another
 * county in the same campaign (its own judges and scores). Then core's closeRound, timed, with
 * every DynamoDB call it makes counted on the client (a middleware: the code under test is not
 * touched), Queries asked for ReturnConsumedCapacity.
 *
 * Prints the time, each Query's partition with its items, pages and read units (DynamoDB
 * Local's ConsumedCapacity, and AWS's billing rule from billing.ts), and the result items
 * written. Exits 1 when a rule is broken: a Scan, a Query of any partition but this round's own
 * and the campaign's approved-entries listing, any item of the neighbour round read, results
 * that are not one per entry with every judge's total.
 *
 *   tsx packages/local/bench/round-close.ts --entries 2000 --judges 9 --neighbour 200
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BatchWriteItemCommand, type AttributeValue, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { createDb, ensureTable, toAttributes, type Db } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
import { systemClock } from "@jinguo/core/clock";
import { createCampaign } from "@jinguo/core/campaigns";
import type { Entry } from "@jinguo/core/entries";
import * as Judging from "@jinguo/core/judging";
import { startDynamoLocal, type DynamoLocal } from "../src/dynamo.ts";
import { itemSize } from "./billing.ts";
import { benchPhone } from "./women.ts";

const { values: flags } = parseArgs({
  options: { entries: { type: "string" }, judges: { type: "string" }, neighbour: { type: "string" } },
  strict: true,
});
const int = (v: string | undefined, fallback: number) => {
  const n = Number(v ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive whole number: ${v}`);
  return n;
};
const ENTRIES = int(flags.entries ?? process.env.ROUND_ENTRIES, 2000);
const JUDGES = int(flags.judges ?? process.env.ROUND_JUDGES, 9);
const NEIGHBOUR = int(flags.neighbour ?? process.env.ROUND_NEIGHBOUR, 200);

const log = (line: string) => console.log(line);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const problems: string[] = [];
const check = (ok: boolean, what: string) => void (ok || problems.push(what));

const rubric: Judging.Rubric = {
  criteria: [
    { key: "art", label: "艺术表现", weight: 0.4, max: 10 },
    { key: "skill", label: "动作规范", weight: 0.3, max: 10 },
    { key: "unity", label: "整齐度", weight: 0.2, max: 10 },
    { key: "spirit", label: "精神面貌", weight: 0.1, max: 10 },
  ],
  aggregate: "trimmed_mean",
  blind: true,
};

/** BatchWriteItem in 25s, 8 at a time, until nothing is unprocessed (setup only). */
async function writeAll(db: Db, items: Record<string, unknown>[]) {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item: toAttributes(Item) } })));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let b = next++; b < batches.length; b = next++) {
        let pending = batches[b]!;
        while (pending.length) {
          const out = await db.client.send(new BatchWriteItemCommand({ RequestItems: { [db.tableName]: pending } }));
          pending = out.UnprocessedItems?.[db.tableName] ?? [];
        }
      }
    }),
  );
}

/** Approved entries of a unit, as the entries module stores them (its gsi2 listing included). */
function entryItems(campaignId: string, orgUnit: string, n: number, from: number) {
  const base = Date.now() - 86_400_000;
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(base + from + i).toISOString();
    const id = `e${String(from + i).padStart(12, "0")}`;
    const entry: Entry = {
      id,
      campaignId,
      userId: `u${String(from + i).padStart(12, "0")}`,
      orgUnit,
      status: "approved",
      title: `第${from + i + 1}队 · 姐妹广场舞队`,
      answers: { teamName: `第${from + i + 1}队`, leaderName: "王秀兰", leaderPhone: benchPhone(from + i), memberCount: 16, county: orgUnit, description: "我们跳的是《浏阳河》，队员都是村里的姐妹。", consent: true },
      reviewedAt: at,
      reviewedBy: "u-bench",
      createdAt: at,
      updatedAt: at,
      version: 2,
    };
    return { ...keys.entry(id), ...keys.entryByStatus(campaignId, "approved", at, id), ...keys.entryByOwner(entry.userId, at, id), ...entry };
  });
}

/** A round of `entries` with `judges` judges, every score given (written directly: setup, not measured). */
async function roundWithScores(db: Db, campaign: Awaited<ReturnType<typeof createCampaign>>, orgUnit: string, entries: Record<string, unknown>[], judges: number, phoneFrom: number) {
  const round = await Judging.createRound(db, systemClock, campaign, { name: `${orgUnit} 初赛`, orgUnit, rubric, advance: 20 }, "u-bench");
  const judgeIds: string[] = [];
  for (let j = 0; j < judges; j++) judgeIds.push((await Judging.inviteJudge(db, systemClock, round, benchPhone(phoneFrom + j), "u-bench")).user.id);
  const savedAt = new Date().toISOString();
  const tenth = () => Math.round(50 + Math.random() * 50) / 10;
  const scores = entries.flatMap((e) =>
    judgeIds.map((judgeId) => {
      const criteria = Object.fromEntries(rubric.criteria.map((c) => [c.key, tenth()]));
      return Judging.scoreItem({ roundId: round.id, judgeId, entryId: e.id as string, savedAt, kind: "score", criteria, total: Judging.judgeTotal(rubric, criteria) });
    }),
  );
  await writeAll(db, scores);
  return { round, judgeIds, scores: scores.length };
}

interface QueryRead {
  partition: string;
  index: string;
  pages: number;
  items: number;
  bytes: number;
  /** DynamoDB Local's ConsumedCapacity */
  capacity: number;
  /** AWS's rule: per page, 1 unit per started 4 KB (strongly consistent), half that otherwise */
  billed: number;
}

/** Counts every call the client makes; Queries are asked for their consumed capacity. */
function watch(db: Db) {
  const calls: Record<string, { count: number; ms: number }> = {};
  const queries = new Map<string, QueryRead>();
  let on = false;
  db.client.middlewareStack.add(
    (next: any, context: any) => async (args: any) => {
      if (!on) return next(args);
      const name = String(context.commandName ?? "?").replace(/Command$/, "");
      const call = (calls[name] ??= { count: 0, ms: 0 });
      call.count++;
      const started = performance.now();
      if (name !== "Query") return next(args).finally(() => (call.ms += performance.now() - started));
      args.input.ReturnConsumedCapacity = "TOTAL";
      const out = await next(args);
      call.ms += performance.now() - started;
      const values = args.input.ExpressionAttributeValues as Record<string, AttributeValue>;
      const partition = values[":pk"]?.S ?? "?";
      const index = args.input.IndexName ?? "table";
      const key = `${index} ${partition}`;
      const items: Record<string, AttributeValue>[] = out.output.Items ?? [];
      const bytes = items.reduce((n, i) => n + itemSize(i), 0);
      const q = queries.get(key) ?? { partition, index, pages: 0, items: 0, bytes: 0, capacity: 0, billed: 0 };
      q.pages++;
      q.items += items.length;
      q.bytes += bytes;
      q.capacity += out.output.ConsumedCapacity?.CapacityUnits ?? 0;
      q.billed += (args.input.ConsistentRead ? 1 : 0.5) * Math.max(1, Math.ceil(bytes / 4096));
      queries.set(key, q);
      return out;
    },
    { step: "initialize", name: "roundCloseWatch" },
  );
  return {
    start: () => void (on = true),
    stop: () => ((on = false), { calls, queries: [...queries.values()] }),
  };
}

const dir = mkdtempSync(join(tmpdir(), "jinguo-bench-round-"));
let dynamo: DynamoLocal | undefined;

async function main() {
  log(`round close — one round of ${ENTRIES} entries × ${JUDGES} judges (${ENTRIES * JUDGES} scores), a neighbour round of ${NEIGHBOUR} × 3 in the same campaign`);
  dynamo = await startDynamoLocal({ dataDir: join(dir, "dynamodb") });
  const db = createDb({ endpoint: dynamo.endpoint, tableName: "jinguo" });
  await ensureTable(db);

  const setupStarted = performance.now();
  const campaign = await createCampaign(db, systemClock, { kind: "contest", title: "乡村广场舞大赛（压测）", orgUnit: "hn.cs" });
  const mine = entryItems(campaign.id, "hn.cs.ly", ENTRIES, 0);
  const theirs = entryItems(campaign.id, "hn.cs.nx", NEIGHBOUR, ENTRIES);
  await writeAll(db, [...mine, ...theirs]);
  const target = await roundWithScores(db, campaign, "hn.cs.ly", mine, JUDGES, 50_000);
  const neighbour = await roundWithScores(db, campaign, "hn.cs.nx", theirs, 3, 60_000);
  log(`setup: ${ENTRIES + NEIGHBOUR} entries, ${target.scores + neighbour.scores} scores written in ${fmt((performance.now() - setupStarted) / 1000)} s (not measured)`);

  const watcher = watch(db);
  watcher.start();
  const began = performance.now();
  const outcome = await Judging.closeRound(db, systemClock, target.round, { force: false, actorId: "u-bench" });
  const seconds = (performance.now() - began) / 1000;
  const { calls, queries } = watcher.stop();

  const roundPartition = keys.roundPartition(target.round.id);
  const listing = keys.entriesByStatusPartition(campaign.id, "approved");
  const ofRound = queries.filter((q) => q.index === "table" && q.partition === roundPartition);
  const ofListing = queries.filter((q) => q.index === "gsi2" && q.partition === listing);
  const roundItems = ofRound.reduce((n, q) => n + q.items, 0);

  log("");
  log(`closed in ${fmt(seconds, 2)} s: ${outcome.results.length} result items written, forced ${outcome.forced}`);
  log(`DynamoDB calls (× summed latency; BatchWriteItem 4 at a time): ${Object.entries(calls).map(([k, v]) => `${k} ${v.count} × ${fmt(v.ms / 1000, 2)} s`).join(", ")}`);
  log("Queries (partition → pages, items, KB read, read units: DynamoDB Local's ConsumedCapacity | AWS's rule):");
  for (const q of queries) {
    log(`  ${q.index.padEnd(5)} ${q.partition}: ${q.pages} pages, ${q.items} items, ${fmt(q.bytes / 1024, 0)} KB, ${fmt(q.capacity, 1)} | ${fmt(q.billed, 1)} RCU`);
  }
  const resultBytes = outcome.results.map((r) => itemSize(toAttributes({ ...keys.roundResult(target.round.id, r.entryId), ...r })));
  const wcu = resultBytes.reduce((n, b) => n + Math.max(1, Math.ceil(b / 1024)), 0);
  log(`writes: ${outcome.results.length} result items by BatchWriteItem, ${fmt(resultBytes.reduce((a, b) => a + b, 0) / outcome.results.length / 1024, 2)} KB each, ${wcu} WCU; round item updated twice (closing, closed)`);
  log(
    `the round's partition: ${roundItems} items read = the round, its ${JUDGES} judges and ${target.scores} scores (the neighbour round's ${neighbour.scores} scores: not one read); ` +
      `membership from the campaign's approved listing: ${ofListing.reduce((n, q) => n + q.items, 0)} entries (both counties: the listing is per campaign)`,
  );

  check(!calls.Scan, `${calls.Scan?.count} Scan calls`);
  check(queries.every((q) => (q.index === "table" && q.partition === roundPartition) || (q.index === "gsi2" && q.partition === listing)), `a Query of another partition: ${queries.map((q) => q.partition).join(", ")}`);
  check(!queries.some((q) => q.partition === keys.roundPartition(neighbour.round.id)), "the neighbour round was read");
  check(roundItems === 1 + JUDGES + target.scores, `${roundItems} items read from the round's partition, not ${1 + JUDGES + target.scores}`);
  check(outcome.results.length === ENTRIES, `${outcome.results.length} results, not ${ENTRIES}`);
  check(outcome.results.every((r) => r.scores.length === JUDGES && r.rank !== null), "a result without every judge's total");
  check(outcome.results.filter((r) => r.scores.filter((s) => s.dropped).length !== 2).length === 0, "a trimmed mean that did not drop exactly two totals");
  check(outcome.round.status === "closed" && outcome.round.entryCount === ENTRIES, `round is ${outcome.round.status} with ${outcome.round.entryCount} entries`);
}

try {
  await main();
} catch (err) {
  problems.push(`the bench itself failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await dynamo?.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
if (problems.length) {
  console.error(`\nFAILED:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
log("all checks passed: one Query of the round's own partition (paged), no Scan, nothing of the neighbour round read; DynamoDB Local stopped, temp dir removed");
process.exit(0);
