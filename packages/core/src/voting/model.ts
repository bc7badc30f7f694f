import { keys } from "../table/index.ts";

/**
 * One public vote: a signed-in voter (her user id), one approved entry, one China calendar day.
 * The records are the truth; the sharded counters and the leaderboard are made from them and a
 * recount from the records must give the same totals.
 */
export interface Vote {
  /** `<day>.<voterId>.<entryId>.<ordinal>`: the record's own address (see voteId) */
  id: string;
  campaignId: string;
  entryId: string;
  voterId: string;
  /** the China calendar day (Asia/Shanghai), YYYY-MM-DD */
  day: string;
  /** the vote's place among her votes for this entry today, from 1 (perEntryPerDay > 1 allows more) */
  ordinal: number;
  /** when it was cast (ISO, UTC) */
  at: string;
  /** the counter shard it was counted in (and its gsi1 listing partition) */
  shard: number;
  /**
   * What fraud review needs, nothing personal in the clear: a keyed hash of the client's network
   * (/24 or /64), a keyed hash of its user agent, when her account was made and when this
   * sign-in began.
   */
  network: string;
  agent: string;
  voterSince: string;
  signedInAt?: string;
  /** voided by an organiser: still stored, counted under `voided`, never given back to her allowance */
  voidedAt?: string;
  voidedBy?: string;
  voidReason?: string;
}

/** A vote's totals as the public sees them. */
export interface Tally {
  votes: number;
  voided: number;
}

/**
 * A vote's id names its record: day, voter, entry and ordinal. So voiding by id needs no index,
 * and a repeat of the same vote is the same id. User and entry ids never hold a dot.
 */
export const voteId = (day: string, voterId: string, entryId: string, ordinal: number) => `${day}.${voterId}.${entryId}.${ordinal}`;

export function parseVoteId(id: string): { day: string; voterId: string; entryId: string; ordinal: number } | undefined {
  const parts = id.split(".");
  if (parts.length !== 4) return undefined;
  const [day, voterId, entryId, ordinal] = parts as [string, string, string, string];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !voterId || !entryId || !/^[1-9]\d{0,2}$/.test(ordinal)) return undefined;
  return { day, voterId, entryId, ordinal: Number(ordinal) };
}

/**
 * The record's key. The first vote for an entry on a day is `ENTRY#<entryId>` (keys.vote); a
 * campaign that allows more than one a day gives the n-th `ENTRY#<entryId>#n`, so each is its own
 * item whose `attribute_not_exists` holds "one record per ordinal".
 */
export const voteKey = (campaignId: string, day: string, voterId: string, entryId: string, ordinal: number) =>
  keys.vote(campaignId, day, voterId, ordinal === 1 ? entryId : `${entryId}#${ordinal}`);

/** The attribute of her day's allowance that counts her votes for one entry. */
export const entryCountAttribute = (entryId: string) => `E#${entryId}`;

/** The ids the API takes: ASCII word characters, dots and dashes (what newId and the seeds make). */
export const ID_PATTERN = /^[\w.-]{1,64}$/;
export const VOTE_ID_PATTERN = /^[\w.-]{1,200}$/;
