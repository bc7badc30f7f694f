import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { fromAttributes, putItem, toAttributes, type Db } from "../db/index.ts";
import { keys, tableDefinition } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import type { Clock } from "../clock/index.ts";
import { claimMs, SESSION_TTL_SECONDS, type SessionClaims } from "./session-token.ts";

/**
 * Sign-outs that hold on every device, without a table read per request.
 *
 * A session cookie is a signed token that no one can take back, so every sign-out is written
 * to one listing partition (REVOKED, sort key `<time>#<id>`) and every process keeps the list
 * in memory. A process re-reads it with one Query of what came after what it already has, at
 * most once per REVOCATION_REFRESH_MS: a sign-out made in this process holds at once, one made
 * in another process (another Lambda) within that interval. Each entry carries the table's TTL
 * (`expiresAt`) = when the tokens it ends would have expired anyway, and leaves memory then.
 */
export const REVOCATION_REFRESH_MS = 5_000;

/**
 * Each refresh also re-reads this far back: a sign-out stamped by another process's clock a
 * little earlier, or written late after a retry, must not fall behind the point already read.
 */
const REREAD_MS = 60_000;

/**
 * Whether cookies are checked against the list. Writable only so the tests can switch it off
 * and show that they then catch a revoked cookie getting in (their negative control).
 */
export const revocationGuards = { check: true };

interface Revocation {
  sk: string;
  uid: string;
  /** one token (logout) */
  jti?: string;
  /** every token of `uid` issued before this instant, epoch milliseconds (sign out everywhere) */
  before?: number;
  /** epoch seconds: the table's TTL, and when the entry leaves memory */
  expiresAt: number;
}

interface RevocationList {
  /** jti → expiresAt (epoch seconds) */
  tokens: Map<string, number>;
  /** uid → the latest "everywhere" cut-off and when it lapses */
  users: Map<string, { before: number; expiresAt: number }>;
  /** the greatest sort key read so far */
  cursor?: string;
  /** when the last refresh that succeeded began (clock milliseconds); unset until the first */
  loadedAt?: number;
  /** when the last refresh was tried */
  triedAt?: number;
  refreshing?: Promise<void>;
}

// Per Db, so tests with separate tables never see each other's sign-outs.
const lists = new WeakMap<Db, RevocationList>();

function listFor(db: Db): RevocationList {
  let list = lists.get(db);
  if (!list) lists.set(db, (list = { tokens: new Map(), users: new Map() }));
  return list;
}

function remember(list: RevocationList, r: Revocation, nowMs: number): void {
  if (r.expiresAt * 1000 <= nowMs) return;
  if (r.jti) list.tokens.set(r.jti, r.expiresAt);
  else if (typeof r.before === "number") {
    const had = list.users.get(r.uid);
    if (!had || had.before < r.before) list.users.set(r.uid, { before: r.before, expiresAt: r.expiresAt });
  }
}

function forgetExpired(list: RevocationList, nowMs: number): void {
  for (const [jti, expiresAt] of list.tokens) if (expiresAt * 1000 <= nowMs) list.tokens.delete(jti);
  for (const [uid, cut] of list.users) if (cut.expiresAt * 1000 <= nowMs) list.users.delete(uid);
}

async function refresh(db: Db, list: RevocationList, nowMs: number): Promise<void> {
  list.triedAt = nowMs;
  // Nothing older than a token's life can still matter; after the first load, only what came
  // after the last entry read (and never less than REREAD_MS before the last refresh).
  const since = list.loadedAt === undefined ? nowMs - SESSION_TTL_SECONDS * 1000 : Math.min(list.loadedAt, nowMs) - REREAD_MS;
  let after = keys.revocation(new Date(since).toISOString(), "").sk;
  if (list.cursor !== undefined && list.cursor < after) after = list.cursor;
  let start: Record<string, any> | undefined;
  // One page almost always; only a cold start after a month of sign-outs pages on.
  do {
    const out = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: "#pk = :pk AND #sk > :after",
        ExpressionAttributeNames: { "#pk": tableDefinition.partitionKey, "#sk": tableDefinition.sortKey },
        ExpressionAttributeValues: toAttributes({ ":pk": keys.revocationPartition(), ":after": after }),
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const raw of out.Items ?? []) {
      const r = fromAttributes<Revocation>(raw);
      remember(list, r, nowMs);
      if (list.cursor === undefined || r.sk > list.cursor) list.cursor = r.sk;
    }
    start = out.LastEvaluatedKey;
  } while (start);
  forgetExpired(list, nowMs);
  list.loadedAt = nowMs;
}

/** The list as read at most REVOCATION_REFRESH_MS ago (by the clock), read first if it is older. */
async function currentList(db: Db, clock: Clock): Promise<RevocationList> {
  const list = listFor(db);
  const nowMs = clock.now().getTime();
  const last = list.triedAt;
  // A clock set back (tests) counts as due, or the list would wait for it to catch up.
  const due = list.loadedAt === undefined || last === undefined || nowMs - last >= REVOCATION_REFRESH_MS || nowMs < last;
  if (due) list.refreshing ??= refresh(db, list, nowMs).finally(() => (list.refreshing = undefined));
  // Requests that come while a refresh is under way wait for it (a few milliseconds, once per
  // interval), so none is let in on a list that is older than promised, or not yet read at all.
  if (!list.refreshing) return list;
  try {
    await list.refreshing;
  } catch (err) {
    // Without a first load nothing can be vouched for; after it, a failed refresh keeps the
    // list it has and is tried again after the interval (from where the last good one began).
    if (list.loadedAt === undefined) throw err;
  }
  return list;
}

/**
 * Has this (validly signed, unexpired) token been signed out? Reads the table only when the
 * process's list is due for a refresh, never per request.
 */
export async function isRevoked(db: Db, clock: Clock, claims: SessionClaims): Promise<boolean> {
  if (!revocationGuards.check) return false;
  const list = await currentList(db, clock);
  if (claims.jti !== undefined && list.tokens.has(claims.jti)) return true;
  const cut = list.users.get(claims.uid);
  return cut !== undefined && claimMs(claims.iat) < cut.before;
}

async function record(db: Db, at: Date, id: string, r: Omit<Revocation, "sk">): Promise<void> {
  const key = keys.revocation(at.toISOString(), id);
  await putItem(db, { ...key, ...r });
  remember(listFor(db), { sk: key.sk, ...r }, at.getTime());
}

/**
 * Logout: ends this one token, on every device that holds a copy of it. A token without a
 * jti (issued before revocation existed) cannot be singled out: false, and it lives on until
 * it expires or its owner signs out everywhere.
 */
export async function revokeSession(db: Db, clock: Clock, claims: SessionClaims): Promise<boolean> {
  if (claims.jti === undefined) return false;
  // Once is enough: a stolen cookie posted to logout over and over must not grow the list.
  if (listFor(db).tokens.has(claims.jti)) return true;
  await record(db, clock.now(), claims.jti, { uid: claims.uid, jti: claims.jti, expiresAt: Math.ceil(claims.exp) });
  return true;
}

/** Sign out everywhere: ends every token of this person issued before now, old ones included. */
export async function revokeAllSessions(db: Db, clock: Clock, uid: string): Promise<void> {
  const now = clock.now();
  const before = now.getTime();
  await record(db, now, newId("r"), { uid, before, expiresAt: Math.ceil(before / 1000) + SESSION_TTL_SECONDS });
}
