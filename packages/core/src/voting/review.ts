import type { Db } from "../db/index.ts";
import { keys, VOTE_SHARDS } from "../table/index.ts";
import { listIndex } from "./board.ts";
import type { Vote } from "./model.ts";

/**
 * Fraud review (刷票): what a vote-brushing shop leaves behind when its votes get past the
 * per-voter rules — many accounts, so each stays within its allowance. Read from the campaign's
 * vote records by time window (its sharded gsi1 listing, one Query per shard: never a Scan).
 * What is found is evidence for an organiser to weigh, never an automatic verdict: she voids.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The thresholds, shown with every answer so an organiser can see what "far above" means. */
export const reviewRules = {
  /** an entry's votes in one minute at least `minPerMinute` and `factor` × the median of its previous `trailingMinutes` minutes */
  burst: { minPerMinute: 20, factor: 5, trailingMinutes: 30 },
  /** at least `minVoters` voters whose account was `newWithinMs` old or less, from one network within `windowMinutes` */
  newVoters: { minVoters: 10, windowMinutes: 10, newWithinMs: DAY },
  /** at least `minVotes` votes by one voter whose intervals vary by at most `maxStdevMs` (or `maxCv` of their mean) */
  regular: { minVotes: 5, maxStdevMs: 50, maxCv: 0.02 },
  /** a vote less than `withinMs` after the sign-in that cast it */
  instant: { withinMs: 1_000 },
} as const;

/** The longest window one review reads, and how many votes at most. */
export const MAX_WINDOW_MS = 7 * DAY;
export const MAX_REVIEW_VOTES = 100_000;
/** Ids listed per anomaly; `count` says how many there were. */
const MAX_IDS = 500;
/** Anomalies listed per kind (the strongest first). */
const MAX_PER_KIND = 100;

export type AnomalyKind = "burst" | "new_voters_network" | "regular_timing" | "instant_after_sign_in";

export interface Anomaly {
  kind: AnomalyKind;
  /** when it happened: the first vote's time and the end of the last */
  window: { from: string; to: string };
  /** the votes it is made of */
  count: number;
  voteIds: string[];
  voterIds: string[];
  /** the ids were more than listed */
  truncated?: boolean;
  /** what makes it stand out, by kind */
  evidence: Record<string, unknown>;
}

/** What review reads of a vote. */
export type ReviewedVote = Pick<Vote, "id" | "entryId" | "voterId" | "at" | "network" | "agent" | "voterSince" | "signedInAt" | "voidedAt">;

const REVIEW_ATTRIBUTES = ["id", "entryId", "voterId", "at", "network", "agent", "voterSince", "signedInAt", "voidedAt"];

/** The campaign's votes cast in [from, to), oldest first, through its VOTE_SHARDS gsi1 partitions. */
export async function votesBetween(db: Db, campaignId: string, from: Date, to: Date): Promise<{ votes: ReviewedVote[]; truncated: boolean }> {
  const perShard = Math.ceil(MAX_REVIEW_VOTES / VOTE_SHARDS);
  // The sort key is `<at>#<voteId>`: every vote at or after `from` and before `to`.
  const range = { from: from.toISOString(), to: to.toISOString() };
  const pages = await Promise.all(
    Array.from({ length: VOTE_SHARDS }, (_, s) =>
      listIndex<ReviewedVote>(db, "gsi1", keys.campaignVotesPartition(campaignId, s), REVIEW_ATTRIBUTES, { range, max: perShard }),
    ),
  );
  const votes = pages.flat().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { votes, truncated: pages.some((p) => p.length >= perShard) };
}

export interface Review {
  window: { from: string; to: string };
  /** valid votes in the window (voided ones are not looked at again) */
  votesRead: number;
  truncated: boolean;
  rules: typeof reviewRules;
  items: Anomaly[];
}

/**
 * The anomalies of a campaign's votes cast in [from, to): bursts on one entry, new accounts
 * massed on one network, voters whose timing is not a person's. A burst is measured against the
 * entry's own previous half hour, so that is read too.
 */
export async function anomalies(db: Db, campaignId: string, from: Date, to: Date): Promise<Review> {
  const lead = reviewRules.burst.trailingMinutes * MINUTE;
  const read = await votesBetween(db, campaignId, new Date(from.getTime() - lead), to);
  const valid = read.votes.filter((v) => !v.voidedAt);
  const inWindow = valid.filter((v) => Date.parse(v.at) >= from.getTime());
  return {
    window: { from: from.toISOString(), to: to.toISOString() },
    votesRead: inWindow.length,
    truncated: read.truncated,
    rules: reviewRules,
    items: [...bursts(valid, from.getTime()), ...newVoterNetworks(inWindow), ...regularTiming(inWindow), ...instantVotes(inWindow)],
  };
}

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

function anomaly(kind: AnomalyKind, votes: ReviewedVote[], to: number, evidence: Record<string, unknown>): Anomaly {
  const voterIds = [...new Set(votes.map((v) => v.voterId))];
  const truncated = votes.length > MAX_IDS || voterIds.length > MAX_IDS;
  return {
    kind,
    window: { from: votes[0]!.at, to: iso(to) },
    count: votes.length,
    voteIds: votes.slice(0, MAX_IDS).map((v) => v.id),
    voterIds: voterIds.slice(0, MAX_IDS),
    ...(truncated ? { truncated } : {}),
    evidence: { ...evidence, voters: voterIds.length },
  };
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function add<K>(groups: Map<K, ReviewedVote[]>, key: K, v: ReviewedVote) {
  const list = groups.get(key);
  if (list) list.push(v);
  else groups.set(key, [v]);
}

const strongestFirst = (list: Anomaly[]) => list.sort((a, b) => b.count - a.count).slice(0, MAX_PER_KIND);

/**
 * Per entry, per minute: a minute with `minPerMinute` votes or more and at least `factor` times
 * the median of the entry's previous `trailingMinutes` minutes (quiet minutes count as 0, and a
 * median of 0 as 1). Consecutive such minutes are one burst.
 */
export function bursts(votes: ReviewedVote[], reportFrom: number): Anomaly[] {
  const { minPerMinute, factor, trailingMinutes } = reviewRules.burst;
  const byEntry = new Map<string, Map<number, ReviewedVote[]>>();
  for (const v of votes) {
    const minute = Math.floor(ms(v.at) / MINUTE);
    let minutes = byEntry.get(v.entryId);
    if (!minutes) byEntry.set(v.entryId, (minutes = new Map()));
    add(minutes, minute, v);
  }
  const found: Anomaly[] = [];
  const first = Math.floor(reportFrom / MINUTE);
  for (const [entryId, minutes] of byEntry) {
    const count = (m: number) => minutes.get(m)?.length ?? 0;
    let run: { start: number; end: number; baseline: number; peak: number } | undefined;
    const close = () => {
      if (!run) return;
      const inRun: ReviewedVote[] = [];
      for (let m = run.start; m <= run.end; m++) inRun.push(...(minutes.get(m) ?? []));
      found.push(
        anomaly("burst", inRun, (run.end + 1) * MINUTE, {
          entryId,
          minutes: run.end - run.start + 1,
          peakPerMinute: run.peak,
          trailingMedianPerMinute: run.baseline,
          timesUsual: Math.round((run.peak / Math.max(1, run.baseline)) * 10) / 10,
        }),
      );
      run = undefined;
    };
    for (const m of [...minutes.keys()].filter((m) => m >= first).sort((a, b) => a - b)) {
      const c = count(m);
      const trailing = Array.from({ length: trailingMinutes }, (_, i) => count(m - trailingMinutes + i));
      const baseline = median(trailing);
      const isBurst = c >= minPerMinute && c >= factor * Math.max(1, baseline);
      if (isBurst && run && m === run.end + 1) ((run.end = m), (run.peak = Math.max(run.peak, c)));
      else if (isBurst) (close(), (run = { start: m, end: m, baseline, peak: c }));
      else close();
    }
    close();
  }
  return strongestFirst(found);
}

/**
 * Per network: windows of `windowMinutes` in which `minVoters` or more voters with new accounts
 * (made at most `newWithinMs` before their vote) voted. Overlapping windows are one anomaly.
 */
export function newVoterNetworks(votes: ReviewedVote[]): Anomaly[] {
  const { minVoters, windowMinutes, newWithinMs } = reviewRules.newVoters;
  const window = windowMinutes * MINUTE;
  const age = (v: ReviewedVote) => ms(v.at) - ms(v.voterSince);
  const byNetwork = new Map<string, ReviewedVote[]>();
  for (const v of votes) {
    if (!(age(v) <= newWithinMs)) continue;
    add(byNetwork, v.network, v);
  }
  const found: Anomaly[] = [];
  for (const [network, list] of byNetwork) {
    const inWindow = new Map<string, number>();
    const clusters: { start: number; end: number }[] = [];
    let left = 0;
    list.forEach((v, right) => {
      inWindow.set(v.voterId, (inWindow.get(v.voterId) ?? 0) + 1);
      while (ms(v.at) - ms(list[left]!.at) > window) {
        const gone = list[left++]!.voterId;
        const n = inWindow.get(gone)! - 1;
        if (n === 0) inWindow.delete(gone);
        else inWindow.set(gone, n);
      }
      if (inWindow.size < minVoters) return;
      const last = clusters.at(-1);
      if (last && left <= last.end + 1) last.end = right;
      else clusters.push({ start: left, end: right });
    });
    for (const { start, end } of clusters) {
      const cluster = list.slice(start, end + 1);
      const voters = new Map(cluster.map((v) => [v.voterId, v]));
      found.push(
        anomaly("new_voters_network", cluster, ms(cluster.at(-1)!.at) + 1, {
          network,
          newWithinHour: [...voters.values()].filter((v) => age(v) <= HOUR).length,
          newWithinDay: voters.size,
          userAgents: new Set(cluster.map((v) => v.agent)).size,
          entries: new Set(cluster.map((v) => v.entryId)).size,
        }),
      );
    }
  }
  return strongestFirst(found);
}

/**
 * Per voter: `minVotes` or more votes whose intervals barely vary (a script on a timer, or votes
 * fired all at once), by their standard deviation or as a fraction of their mean.
 */
export function regularTiming(votes: ReviewedVote[]): Anomaly[] {
  const { minVotes, maxStdevMs, maxCv } = reviewRules.regular;
  const byVoter = new Map<string, ReviewedVote[]>();
  for (const v of votes) add(byVoter, v.voterId, v);
  const found: Anomaly[] = [];
  for (const list of byVoter.values()) {
    if (list.length < minVotes) continue;
    const times = list.map((v) => ms(v.at));
    const intervals = times.slice(1).map((t, i) => t - times[i]!);
    const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
    const stdev = Math.sqrt(intervals.reduce((a, b) => a + (b - mean) ** 2, 0) / intervals.length);
    if (!(stdev <= maxStdevMs || stdev <= maxCv * mean)) continue;
    found.push(
      anomaly("regular_timing", list, times.at(-1)! + 1, {
        voterId: list[0]!.voterId,
        meanIntervalMs: Math.round(mean),
        stdevIntervalMs: Math.round(stdev * 10) / 10,
      }),
    );
  }
  return strongestFirst(found);
}

/** Votes cast less than `withinMs` after their sign-in began (or, without one, after the account was made): faster than a person reads the page. */
export function instantVotes(votes: ReviewedVote[]): Anomaly[] {
  const { withinMs } = reviewRules.instant;
  const delay = (v: ReviewedVote) => ms(v.at) - ms(v.signedInAt ?? v.voterSince);
  const fast = votes.filter((v) => delay(v) >= 0 && delay(v) < withinMs);
  if (fast.length === 0) return [];
  return [anomaly("instant_after_sign_in", fast, ms(fast.at(-1)!.at) + 1, { withinMs, fastestMs: Math.min(...fast.map(delay)) })];
}
