import { createHash, randomInt } from "node:crypto";
import { TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { fromAttributes, getItem, isTransactionConflict, query, toTransactItem, type Db, type Item, type TxOp } from "../db/index.ts";
import { keys, VOTE_SHARDS } from "../table/index.ts";
import { fail } from "../errors/index.ts";
import { chinaDay, type Clock } from "../clock/index.ts";
import { currentPhase, getCampaignRecent, hasCapability, type Campaign } from "../campaigns/index.ts";
import { getUser } from "../identity/index.ts";
import { guards } from "./guards.ts";
import { isVotable } from "./board.ts";
import type { VoteEvidence } from "./evidence.ts";
import { entryCountAttribute, voteId, voteKey, type Vote } from "./model.ts";

/** Lost races before a voter is told to try again in a moment (BUSY). */
const MAX_ATTEMPTS = 12;

type Rules = NonNullable<Campaign["voting"]>;

/** A published campaign that takes votes, with its rules: else not found, or NO_VOTING. */
export async function votingCampaign(db: Db, campaignId: string): Promise<Campaign & { voting: Rules }> {
  const campaign = await getCampaignRecent(db, campaignId);
  if (!campaign || campaign.status !== "published") return fail("CAMPAIGN_NOT_FOUND");
  if (!hasCapability(campaign, "voting") || !campaign.voting) return fail("NO_VOTING");
  return campaign as Campaign & { voting: Rules };
}

/** The voting window, for a PHASE_CLOSED answer: the page can say when voting opens or that it has ended. */
function votingWindow(campaign: Campaign) {
  const window = campaign.phases.find((p) => p.name === "voting");
  return { phase: "voting", ...(window ? { opensAt: window.opensAt, closesAt: window.closesAt } : {}) };
}

// ---- what one process remembers ----

/** Enough for a crowd; past it the memory starts again (it is only ever a shortcut). */
const MAX_REMEMBERED = 100_000;

function memory<V>() {
  const byDb = new WeakMap<Db, Map<string, V>>();
  return {
    get: (db: Db, key: string) => byDb.get(db)?.get(key),
    set(db: Db, key: string, value: V) {
      let m = byDb.get(db);
      if (!m) byDb.set(db, (m = new Map()));
      if (m.size >= MAX_REMEMBERED) m.clear();
      m.set(key, value);
      return value;
    },
  };
}

// Her account's creation never changes: one read per voter per process, not per vote.
const accounts = memory<string>();

async function accountSince(db: Db, userId: string): Promise<string> {
  const known = accounts.get(db, userId);
  if (known) return known;
  const user = (await getUser(db, userId)) ?? fail("UNAUTHENTICATED");
  return accounts.set(db, userId, user.createdAt);
}

/** The part of a vote its voter is told, and what a retry of its request gets back. */
export type CastVote = Pick<Vote, "id" | "entryId" | "day" | "at" | "ordinal">;

/**
 * Her allowance for a day as this process last saw it: how many votes, how many per entry, and
 * the requests (by a hash of their Idempotency-Key) that cast them. Within a day these only
 * grow — a voided vote gives nothing back — so what is remembered is never more than the truth:
 * a refusal it gives is right, and a vote numbered from it that is not is refused by the
 * transaction, which then says what the allowance holds.
 */
interface Allowance {
  count: number;
  entries: Map<string, number>;
  requests: Map<string, CastVote>;
}

const allowances = memory<Allowance>();
const allowanceKey = (campaignId: string, day: string, voterId: string) => `${campaignId}\u0000${day}\u0000${voterId}`;

const REQUEST_PREFIX = "K#";
/** The attribute of her allowance that records the request that cast a vote (a retry finds it). */
const requestAttribute = (requestKey: string) => `${REQUEST_PREFIX}${createHash("sha256").update(requestKey).digest("base64url").slice(0, 12)}`;

function parseAllowance(item: Record<string, unknown> | undefined, day: string, voterId: string): Allowance {
  const allowance: Allowance = { count: Number(item?.count ?? 0), entries: new Map(), requests: new Map() };
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith("E#")) allowance.entries.set(name.slice(2), Number(value));
    else if (name.startsWith(REQUEST_PREFIX) && typeof value === "string") {
      const [entryId, ordinal, at] = value.split(" ");
      if (entryId && ordinal && at) {
        allowance.requests.set(name, { id: voteId(day, voterId, entryId, Number(ordinal)), entryId, day, at, ordinal: Number(ordinal) });
      }
    }
  }
  return allowance;
}

/** What this process remembers, brought up to what was just read (the larger of each). */
function learn(db: Db, key: string, fresh: Allowance): Allowance {
  const known = allowances.get(db, key);
  if (!known) return allowances.set(db, key, fresh);
  known.count = Math.max(known.count, fresh.count);
  for (const [e, n] of fresh.entries) known.entries.set(e, Math.max(known.entries.get(e) ?? 0, n));
  for (const [k, v] of fresh.requests) known.requests.set(k, v);
  return known;
}

async function readAllowance(db: Db, campaignId: string, day: string, voterId: string): Promise<Allowance> {
  const item = await getItem<Record<string, unknown>>(db, keys.voteAllowance(campaignId, day, voterId));
  return learn(db, allowanceKey(campaignId, day, voterId), parseAllowance(item, day, voterId));
}

// ---- casting ----

const remaining = (rules: Rules, used: number) => Math.max(0, rules.votesPerDay - used);

export interface CastInput {
  campaignId: string;
  entryId: string;
  voterId: string;
  evidence: VoteEvidence;
  /** the request's Idempotency-Key: a retry of the same request gets its vote back */
  requestKey?: string;
}

export interface CastResult {
  vote: CastVote;
  /** her votes left today */
  remainingToday: number;
}

/**
 * One vote: during the campaign's voting phase, for one of its approved entries, within her
 * day's allowance. It is ONE TransactWriteItems: the vote record (its key is voter × entry × day
 * × ordinal, put only if new), her allowance for the day (numbered from the count this vote
 * follows and below votesPerDay; the same for this entry and perEntryPerDay) and one counter
 * shard of the entry, chosen at random. Her allowance is read once per process and day, then
 * remembered: a vote is then that one write, a refusal no call at all, and a vote numbered from
 * what another process has since changed is refused by its conditions, which return the
 * allowance as it is — read again from that, she gets the right answer. Whatever the races, a
 * vote counts once and `remainingToday` is exact.
 */
export async function castVote(db: Db, clock: Clock, input: CastInput): Promise<CastResult> {
  const campaign = await votingCampaign(db, input.campaignId);
  const rules = campaign.voting;
  if (currentPhase(campaign.phases, clock.now()) !== "voting") fail("PHASE_CLOSED", votingWindow(campaign));
  const [votable, voterSince] = await Promise.all([isVotable(db, campaign.id, input.entryId), accountSince(db, input.voterId)]);
  if (!votable) fail("ENTRY_NOT_FOUND");
  const request = input.requestKey ? requestAttribute(input.requestKey) : undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const now = clock.now();
    const day = chinaDay(now);
    const key = allowanceKey(campaign.id, day, input.voterId);
    let read = false;
    let her = allowances.get(db, key);
    if (!her) ((her = await readAllowance(db, campaign.id, day, input.voterId)), (read = true));
    let earlier = request ? her.requests.get(request) : undefined;
    const seen = her.entries.get(input.entryId) ?? 0;
    const refusal = seen >= rules.perEntryPerDay ? "ALREADY_VOTED" : her.count >= rules.votesPerDay ? "DAILY_LIMIT" : undefined;
    // A retry refused by what this process knows may be of a request counted elsewhere: look once.
    if (request && !earlier && refusal && !read) earlier = (her = await readAllowance(db, campaign.id, day, input.voterId)).requests.get(request);
    if (earlier) {
      if (earlier.entryId !== input.entryId) fail("IDEMPOTENCY_KEY_REUSED");
      return { vote: earlier, remainingToday: remaining(rules, her.count) };
    }
    if (refusal === "ALREADY_VOTED") fail("ALREADY_VOTED", { entryId: input.entryId, perEntryPerDay: rules.perEntryPerDay, remainingToday: remaining(rules, her.count) });
    if (refusal === "DAILY_LIMIT") fail("DAILY_LIMIT", { votesPerDay: rules.votesPerDay, remainingToday: 0 });
    const vote: Vote = {
      id: voteId(day, input.voterId, input.entryId, seen + 1),
      campaignId: campaign.id,
      entryId: input.entryId,
      voterId: input.voterId,
      day,
      ordinal: seen + 1,
      at: now.toISOString(),
      shard: randomInt(VOTE_SHARDS),
      network: input.evidence.network,
      agent: input.evidence.agent,
      voterSince,
      ...(input.evidence.signedInAt ? { signedInAt: input.evidence.signedInAt } : {}),
    };
    const used = her.count;
    const result = await transactVote(db, voteOps(vote, rules, { count: used, entry: seen }, request));
    const cast: CastVote = { id: vote.id, entryId: vote.entryId, day, at: vote.at, ordinal: vote.ordinal };
    if (result.ok) {
      her.count = Math.max(her.count, used + 1);
      her.entries.set(input.entryId, Math.max(her.entries.get(input.entryId) ?? 0, vote.ordinal));
      if (request) her.requests.set(request, cast);
      return { vote: cast, remainingToday: remaining(rules, her.count) };
    }
    // Not numbered from her allowance as it is (another vote of hers got in first, here or in
    // another process): it came back with the refusal, so the next look is right.
    if (result.allowance) learn(db, key, parseAllowance(result.allowance, day, input.voterId));
    else if (result.failed.length > 0) await readAllowance(db, campaign.id, day, input.voterId);
  }
  return fail("BUSY");
}

/**
 * The three writes of a vote, numbered from her allowance as last seen (`seen`): the record, the
 * allowance (and, for a request with an Idempotency-Key, which vote it cast), one counter shard.
 */
export function voteOps(vote: Vote, rules: Rules, seen: { count: number; entry: number }, request?: string): TxOp[] {
  return [
    {
      put: {
        ...voteKey(vote.campaignId, vote.day, vote.voterId, vote.entryId, vote.ordinal),
        ...keys.voteByCampaign(vote.campaignId, vote.shard, vote.at, vote.id),
        ...keys.voteByVoter(vote.campaignId, vote.voterId, vote.at),
        ...vote,
      },
      condition: { expression: guards.oneVote },
    },
    {
      update: {
        key: keys.voteAllowance(vote.campaignId, vote.day, vote.voterId),
        update: `ADD #count :one, #entryCount :one${request ? " SET #request = :request" : ""}`,
        condition: `(${guards.daily}) AND (${guards.perEntry})${request ? " AND attribute_not_exists(#request)" : ""}`,
        names: { "#count": "count", "#entryCount": entryCountAttribute(vote.entryId), ...(request ? { "#request": request } : {}) },
        values: {
          ":one": 1,
          ":seen": seen.count,
          ":max": rules.votesPerDay,
          ":seenEntry": seen.entry,
          ":perEntryMax": rules.perEntryPerDay,
          ...(request ? { ":request": `${vote.entryId} ${vote.ordinal} ${vote.at}` } : {}),
        },
      },
    },
    {
      update: {
        key: keys.voteCounterShard(vote.campaignId, vote.shard, vote.entryId),
        update: "ADD #votes :one SET #entryId = :entryId",
        names: { "#votes": "votes", "#entryId": "entryId" },
        values: { ":one": 1, ":entryId": vote.entryId },
      },
    },
  ];
}

/**
 * The vote's transaction. Like db's `transact`, a lost race comes back as such (anything else is
 * thrown); unlike it, a refusal by the allowance brings the allowance with it
 * (ReturnValuesOnConditionCheckFailure), so the voter's next look costs no read.
 */
async function transactVote(db: Db, ops: TxOp[]): Promise<{ ok: true } | { ok: false; failed: number[]; allowance?: Item }> {
  const items = ops.map((op) => toTransactItem(db, op));
  items[1]!.Update!.ReturnValuesOnConditionCheckFailure = "ALL_OLD";
  try {
    await db.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    return { ok: true };
  } catch (err: any) {
    if (isTransactionConflict(err)) return { ok: false, failed: [] };
    if (err?.name !== "TransactionCanceledException") throw err;
    const reasons: { Code?: string; Item?: Record<string, any> }[] = err.CancellationReasons ?? [];
    if (!reasons.length || !reasons.every((r) => !r.Code || ["None", "ConditionalCheckFailed", "TransactionConflict"].includes(r.Code))) throw err;
    const failed = reasons.flatMap((r, i) => (r.Code === "ConditionalCheckFailed" ? [i] : []));
    const old = reasons[1]?.Code === "ConditionalCheckFailed" ? reasons[1].Item : undefined;
    return { ok: false, failed, ...(old ? { allowance: fromAttributes(old) } : {}) };
  }
}

// ---- her day ----

/** Her day in a campaign: one partition holds her allowance and her votes of that day. */
export interface VoterDay {
  day: string;
  /** votes she has cast today (voided ones too: voiding gives nothing back) */
  count: number;
  votes: Vote[];
}

export async function readVoterDay(db: Db, campaignId: string, day: string, voterId: string): Promise<VoterDay> {
  // Small by design: the allowance and at most votesPerDay (≤ 100) records.
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, any> | undefined;
  do {
    const page = await query<Record<string, unknown>>(db, { partition: keys.voterDayPartition(campaignId, day, voterId), cursor });
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  const allowance = items.find((i) => i.sk === keys.voteAllowance(campaignId, day, voterId).sk);
  return { day, count: Number(allowance?.count ?? 0), votes: items.filter((i) => i !== allowance).map(stripVote) };
}

export function stripVote(item: Record<string, unknown>): Vote {
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, ...rest } = item;
  return rest as unknown as Vote;
}

/** What she sees of her day: how many votes are left, and which entries she voted for today. */
export async function myDay(db: Db, clock: Clock, campaignId: string, voterId: string) {
  const campaign = await votingCampaign(db, campaignId);
  const rules = campaign.voting;
  const now = clock.now();
  const her = await readVoterDay(db, campaign.id, chinaDay(now), voterId);
  return {
    campaignId: campaign.id,
    day: her.day,
    open: currentPhase(campaign.phases, now) === "voting",
    votesPerDay: rules.votesPerDay,
    perEntryPerDay: rules.perEntryPerDay,
    remainingToday: remaining(rules, her.count),
    // Whether one of hers was voided is the organisers' business: she sees her votes as cast.
    items: her.votes.sort((a, b) => a.at.localeCompare(b.at)).map(ownView),
  };
}

export const ownView = (v: Pick<Vote, "id" | "entryId" | "day" | "at">) => ({ id: v.id, entryId: v.entryId, day: v.day, at: v.at });

// Jittered, growing pauses: racing writers spread out instead of colliding again.
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
