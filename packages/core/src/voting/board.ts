import { QueryCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { deleteItem, fromAttributes, getItem, putItem, queryAll, toAttributes, type Db } from "../db/index.ts";
import { keys, tableDefinition, VOTE_SHARDS } from "../table/index.ts";
import { getEntry } from "../entries/index.ts";
import type { Campaign } from "../campaigns/index.ts";
import type { Tally } from "./model.ts";

/**
 * Counting: the sharded counters (what every vote adds to), the leaderboard made from them, and
 * the recount from the vote records that must agree with them.
 */

/** How long one process keeps an aggregate: a leaderboard a few seconds old is right enough. */
export const BOARD_CACHE_MS = 5_000;
/** The shared aggregate item holds at most this much; a bigger board is kept per process only. */
const MAX_SHARED_BYTES = 300_000;
/** What a leaderboard keeps of a title. */
const TITLE_MAX = 100;

const shards = () => Array.from({ length: VOTE_SHARDS }, (_, s) => s);

/** Every page of an index listing (up to `max` items), only the attributes asked for: the items themselves can be large. */
export async function listIndex<T>(
  db: Db,
  index: "gsi1" | "gsi2",
  partition: string,
  attributes: string[],
  opts: { range?: { from: string; to: string }; max?: number } = {},
): Promise<T[]> {
  const { range, max = Infinity } = opts;
  const g = tableDefinition.globalIndexes.find((x) => x.name === index)!;
  const names: Record<string, string> = { "#pk": g.partitionKey, ...Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a])) };
  const values: Record<string, unknown> = { ":pk": partition };
  if (range) ((names["#sk"] = g.sortKey), (values[":from"] = range.from), (values[":to"] = range.to));
  const all: T[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: index,
        KeyConditionExpression: range ? "#pk = :pk AND #sk BETWEEN :from AND :to" : "#pk = :pk",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toAttributes(values),
        ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(", "),
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) all.push(fromAttributes<T>(item));
    start = out.LastEvaluatedKey;
  } while (start && all.length < max);
  return all;
}

// ---- the aggregate cache ----

/**
 * A value per campaign made at most `BOARD_CACHE_MS` ago. While one is being made, everyone who
 * asks waits for that one: a storm of votes when the cache runs out makes one read, not one per
 * request in flight.
 */
function recent<T>() {
  const cache = new WeakMap<Db, Map<string, { at: number; value: Promise<T> }>>();
  return {
    /** `make` may say its value was made earlier (it took a shared one): it is then kept only as long as that allows. */
    async get(db: Db, campaignId: string, make: (made: { at?: number }) => Promise<T>): Promise<T> {
      let byCampaign = cache.get(db);
      if (!byCampaign) cache.set(db, (byCampaign = new Map()));
      const hit = byCampaign.get(campaignId);
      if (hit && Date.now() - hit.at < BOARD_CACHE_MS) return hit.value;
      const made: { at?: number } = {};
      // Being made: fresh until it is done, then for BOARD_CACHE_MS.
      const entry = { at: Infinity, value: make(made) };
      byCampaign.set(campaignId, entry);
      entry.value.then(
        () => void (entry.at = made.at ?? Date.now()),
        // A failed read is not kept: the next request tries again.
        () => void (byCampaign.get(campaignId) === entry && byCampaign.delete(campaignId)),
      );
      return entry.value;
    },
    forget: (db: Db, campaignId: string) => void cache.get(db)?.delete(campaignId),
  };
}

/** The campaign's approved entries (id → title): what the board lists and who may be voted for. */
export async function approvedTitles(db: Db, campaignId: string): Promise<Map<string, string>> {
  const items = await listIndex<{ id: string; title?: string }>(db, "gsi2", keys.entriesByStatusPartition(campaignId, "approved"), ["id", "title"]);
  return new Map(items.map((e) => [e.id, (e.title ?? "").slice(0, TITLE_MAX)]));
}

const boardIds = new WeakMap<BoardLine[], Set<string>>();

/**
 * May this entry be voted for: approved, in this campaign. The board (a few seconds old at most,
 * shared between processes) lists the approved entries, so a vote reads no listing of its own; an
 * entry approved since is looked up by itself until the board has it.
 */
export async function isVotable(db: Db, campaignId: string, entryId: string): Promise<boolean> {
  const lines = await leaderboardLines(db, campaignId);
  let ids = boardIds.get(lines);
  if (!ids) boardIds.set(lines, (ids = new Set(lines.map((l) => l.entryId))));
  if (ids.has(entryId)) return true;
  const entry = await getEntry(db, entryId);
  return !!entry && entry.status === "approved" && entry.campaignId === campaignId;
}

// ---- counters ----

/**
 * Each entry's valid and voided votes from the counters: one Query of each of the VOTE_SHARDS
 * counter partitions (a partition holds its shard's counter of every entry). What the results
 * combine with the judges' scores.
 */
export async function totals(db: Db, campaignId: string): Promise<Map<string, Tally>> {
  const pages = await Promise.all(
    shards().map((s) => queryAll<{ entryId: string; votes?: number; voided?: number }>(db, { partition: keys.voteCounterPartition(campaignId, s) })),
  );
  const sums = new Map<string, Tally>();
  for (const item of pages.flat()) {
    const t = sums.get(item.entryId) ?? { votes: 0, voided: 0 };
    t.votes += item.votes ?? 0;
    t.voided += item.voided ?? 0;
    sums.set(item.entryId, t);
  }
  return sums;
}

export interface Recount {
  /** the records and the counters say the same for every entry */
  ok: boolean;
  records: Map<string, Tally>;
  counters: Map<string, Tally>;
  /** the entries where they differ */
  mismatches: { entryId: string; records: Tally; counters: Tally }[];
  /** vote records read */
  read: number;
}

/**
 * The totals again from the vote records themselves (every vote of the campaign, through its
 * sharded gsi1 listing), held against the counters. The index is eventually consistent: right
 * after a storm, run it again before believing a difference of a vote or two.
 */
export async function recount(db: Db, campaignId: string): Promise<Recount> {
  const [pages, counters] = await Promise.all([
    Promise.all(shards().map((s) => listIndex<{ entryId: string; voidedAt?: string }>(db, "gsi1", keys.campaignVotesPartition(campaignId, s), ["entryId", "voidedAt"]))),
    totals(db, campaignId),
  ]);
  const records = new Map<string, Tally>();
  let read = 0;
  for (const v of pages.flat()) {
    read++;
    const t = records.get(v.entryId) ?? { votes: 0, voided: 0 };
    if (v.voidedAt) t.voided++;
    else t.votes++;
    records.set(v.entryId, t);
  }
  const zero: Tally = { votes: 0, voided: 0 };
  const mismatches = [...new Set([...records.keys(), ...counters.keys()])]
    .sort()
    .map((entryId) => ({ entryId, records: records.get(entryId) ?? zero, counters: counters.get(entryId) ?? zero }))
    .filter((m) => m.records.votes !== m.counters.votes || m.records.voided !== m.counters.voided);
  return { ok: mismatches.length === 0, records, counters, mismatches, read };
}

// ---- the leaderboard ----

export interface BoardLine {
  entryId: string;
  title: string;
  votes: number;
  voided: number;
}

const boardCache = recent<BoardLine[]>();

/**
 * The campaign's approved entries, most votes first (ties by entry id): one aggregate per
 * process, a few seconds old at most. A process that has none takes the shared one (one item,
 * keys.leaderboard) while it is fresh, else makes it — the VOTE_SHARDS counter partitions and the
 * approved entries' titles — and shares it. So a crowd refreshing the page costs a read per
 * process every few seconds, not a read per person.
 */
export function leaderboardLines(db: Db, campaignId: string): Promise<BoardLine[]> {
  return boardCache.get(db, campaignId, async (made) => {
    const shared = await getItem<{ builtAt: number; lines: BoardLine[] }>(db, keys.leaderboard(campaignId), false);
    if (shared && Date.now() - shared.builtAt < BOARD_CACHE_MS && Array.isArray(shared.lines)) {
      made.at = shared.builtAt;
      return shared.lines;
    }
    const builtAt = Date.now();
    const [titles, counts] = await Promise.all([approvedTitles(db, campaignId), totals(db, campaignId)]);
    const lines = [...titles]
      .map(([entryId, title]) => ({ entryId, title, votes: counts.get(entryId)?.votes ?? 0, voided: counts.get(entryId)?.voided ?? 0 }))
      .sort((a, b) => b.votes - a.votes || (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0));
    const item = { ...keys.leaderboard(campaignId), campaignId, builtAt, lines };
    if (Buffer.byteLength(JSON.stringify(item)) < MAX_SHARED_BYTES) await putItem(db, item);
    return lines;
  });
}

/** The public leaderboard: with counts (and the voided next to the valid), or only the order when the campaign hides them. */
export async function leaderboard(db: Db, campaign: Campaign) {
  const lines = await leaderboardLines(db, campaign.id);
  const showCounts = campaign.voting?.showCounts ?? true;
  return {
    items: lines.map((l) =>
      showCounts ? { entryId: l.entryId, title: l.title, votes: l.votes, ...(l.voided ? { voidedVotes: l.voided } : {}) } : { entryId: l.entryId, title: l.title },
    ),
  };
}

/** Drops the aggregate here and the shared one (after voiding: the totals changed by hand). */
export async function forgetLeaderboard(db: Db, campaignId: string): Promise<void> {
  boardCache.forget(db, campaignId);
  await deleteItem(db, keys.leaderboard(campaignId));
}
