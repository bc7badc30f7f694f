/**
 * Who is in a round. Computed, never copied: without `from`, the campaign's approved entries of
 * the round's unit and below; with `from`, exactly the entries that advanced from those (closed)
 * rounds. Frozen only into the round's results when it closes.
 */
import { getItem, queryAll, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { covers } from "../org-units/index.ts";
import { getEntry, listAllApproved, type Entry } from "../entries/index.ts";
import { mustBeReady } from "./rounds.ts";
import type { Round, RoundResult } from "./model.ts";

/** In the order judges see them (1号, 2号, …): by approval, so an entry approved later comes last. */
const byApproval = (a: Entry, b: Entry) => {
  const [x, y] = [a.reviewedAt ?? a.createdAt, b.reviewedAt ?? b.createdAt];
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/** The ids that advanced from the rounds it follows (their results, in their own partitions). */
async function advancedFrom(db: Db, round: Round): Promise<string[]> {
  const ids = new Set<string>();
  for (const from of round.from ?? []) {
    const results = await queryAll<RoundResult>(db, { partition: keys.roundPartition(from), prefix: keys.roundResultPrefix() });
    for (const r of results) if (r.advances) ids.add(r.entryId);
  }
  return [...ids];
}

/** Everyone in the round, in judging order. ROUND_NOT_READY while a round it follows is open. */
export async function members(db: Db, round: Round): Promise<Entry[]> {
  await mustBeReady(db, round);
  if (!round.from?.length) {
    const approved = await listAllApproved(db, round.campaignId);
    return approved.filter((e) => covers(round.orgUnit, e.orgUnit)).sort(byApproval);
  }
  const ids = await advancedFrom(db, round);
  const entries: Entry[] = [];
  // A city round holds tens of entries: a few reads at a time.
  for (let i = 0; i < ids.length; i += 16) {
    const batch = await Promise.all(ids.slice(i, i + 16).map((id) => getEntry(db, id)));
    for (const e of batch) if (e) entries.push(e);
  }
  return entries.sort(byApproval);
}

/**
 * The entry, if it is in the round, read by key rather than by listing the round (a judge
 * saves one score at a time). The caller has checked that the round is ready.
 */
export async function memberOf(db: Db, round: Round, entryId: string): Promise<Entry | undefined> {
  if (!round.from?.length) {
    const entry = await getEntry(db, entryId);
    const inRound = entry && entry.campaignId === round.campaignId && entry.status === "approved" && covers(round.orgUnit, entry.orgUnit);
    return inRound ? entry : undefined;
  }
  const results = await Promise.all(round.from.map((from) => getItem<RoundResult>(db, keys.roundResult(from, entryId))));
  return results.some((r) => r?.advances) ? getEntry(db, entryId) : undefined;
}
