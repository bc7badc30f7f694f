import { BatchWriteItemCommand, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { queryAll, toAttributes, updateItem, isConditionFailed, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { DomainError, fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import type { Entry } from "../entries/index.ts";
import { advancing, entryScore, rank, rankedScore, type JudgeScore } from "./scoring.ts";
import { members } from "./membership.ts";
import { getRound, mustBeReady, strip } from "./rounds.ts";
import type { Round, RoundJudge, RoundResult, ScoreRecord } from "./model.ts";

type Stored<T> = T & { pk: string; sk: string };

/** A close that died half-way (its process gone) is taken over after this long. */
const CLOSING_LEASE_MS = 5 * 60_000;

/** The round's partition, read whole by one paged Query: the round, its judges, every score, any results. */
export async function readRoundPartition(db: Db, roundId: string) {
  const items = await queryAll<Stored<Record<string, unknown>>>(db, { partition: keys.roundPartition(roundId) });
  const of = <T extends object>(prefix: string) => items.filter((i) => i.sk.startsWith(prefix)).map((i) => strip<T>(i));
  return {
    judges: of<RoundJudge>(keys.roundJudgePrefix()),
    records: of<ScoreRecord>(keys.scorePrefix()),
    results: of<RoundResult>(keys.roundResultPrefix()),
  };
}

/** Per judge, the entries of the round she has neither scored nor recused from. */
export function missingScores(entries: Entry[], judges: RoundJudge[], records: ScoreRecord[]) {
  const given = new Set(records.map((r) => `${r.judgeId} ${r.entryId}`));
  return judges
    .map((j) => ({ judgeId: j.userId, entries: entries.filter((e) => !given.has(`${j.userId} ${e.id}`)).map((e) => e.id) }))
    .filter((m) => m.entries.length > 0);
}

/**
 * The ranking from the scores: per entry each judge's total (her recusal leaves hers out), the
 * dropped ones, the aggregate; shared ranks for scores equal to 2 decimals; the top `advance`
 * go on, and every entry tied with the last of them (flagged). Only the round's judges and
 * entries count. Entries with no total are listed last, unranked.
 */
export function computeResults(round: Round, entries: Entry[], judges: RoundJudge[], records: ScoreRecord[]): RoundResult[] {
  const judging = new Set(judges.map((j) => j.userId));
  const order = new Map(judges.map((j, i) => [j.userId, i]));
  const given = new Map(entries.map((e) => [e.id, { scores: [] as JudgeScore[], recused: [] as string[] }]));
  for (const r of records) {
    const g = given.get(r.entryId);
    if (!g || !judging.has(r.judgeId)) continue;
    if (r.kind === "score") g.scores.push({ judge: r.judgeId, criteria: r.criteria });
    else g.recused.push(r.judgeId);
  }
  const scored = entries.map((e) => {
    const g = given.get(e.id)!;
    g.scores.sort((a, b) => order.get(a.judge)! - order.get(b.judge)!);
    return { entry: e, ...entryScore(round.rubric, g.scores, g.recused) };
  });
  const ranked = rank(scored.filter((s) => s.score !== null).map((s) => ({ ...s, entryId: s.entry.id, score: s.score! })));
  const through = round.advance ? advancing(ranked, round.advance) : { advancing: [], extendedByTie: false };
  const advances = new Set(through.advancing.map((s) => s.entryId));
  const cutRank = through.extendedByTie ? ranked[round.advance! - 1]!.rank : undefined;
  const unranked = scored.filter((s) => s.score === null).sort((a, b) => (a.entry.id < b.entry.id ? -1 : 1));
  return [...ranked, ...unranked.map((s) => ({ ...s, entryId: s.entry.id, rank: null }))].map((s, position) => ({
    roundId: round.id,
    campaignId: round.campaignId,
    entryId: s.entry.id,
    title: s.entry.title,
    orgUnit: s.entry.orgUnit,
    rank: s.rank,
    score: s.score,
    advances: advances.has(s.entry.id),
    tiedAtCut: cutRank !== undefined && s.rank === cutRank,
    fellBack: s.fellBack,
    scores: s.scores.map((x) => ({ judgeId: x.judge, total: x.total, dropped: x.dropped })),
    recused: s.recused,
    position,
  }));
}

export interface CloseOutcome {
  round: Round;
  results: RoundResult[];
  /** closed without every score */
  forced: boolean;
  /** what was missing (a forced close went ahead without it) */
  missing: { judgeId: string; entries: string[] }[];
  /** it was closed already: nothing was done */
  already: boolean;
}

/**
 * Closes a round: it needs every judge's score or recusal for every entry (ROUND_INCOMPLETE with
 * what is missing), unless `force`. First the round is marked closing, so that no score can land
 * while its partition is read (every save checks `status = open`); then the ranking is computed
 * and written as one result item per entry, and the round is closed. Closing a closed round
 * changes nothing.
 */
export async function closeRound(db: Db, clock: Clock, round: Round, opts: { force: boolean; actorId: string }): Promise<CloseOutcome> {
  if (round.status === "closed") return { round, results: await readResults(db, round.id), forced: !!round.forced, missing: [], already: true };
  await mustBeReady(db, round);
  const token = newId("k");
  const now = clock.now();
  try {
    await updateItem(db, {
      key: keys.round(round.id),
      update: "SET #status = :closing, closingToken = :token, closingSince = :now",
      condition: "#status = :open OR (#status = :closing AND closingSince < :stale)",
      names: { "#status": "status" },
      values: { ":open": "open", ":closing": "closing", ":token": token, ":now": now.toISOString(), ":stale": new Date(now.getTime() - CLOSING_LEASE_MS).toISOString() },
    });
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    const current = await getRound(db, round.id);
    if (current?.status === "closed") return closeRound(db, clock, current, opts);
    return fail("BUSY");
  }
  const mine = { expression: "closingToken = :token", values: { ":token": token } };
  try {
    const [{ judges, records, results: earlier }, entries] = await Promise.all([readRoundPartition(db, round.id), members(db, round)]);
    const missing = missingScores(entries, judges, records);
    if (missing.length && !opts.force) {
      await updateItem(db, {
        key: keys.round(round.id),
        update: "SET #status = :open REMOVE closingToken, closingSince",
        condition: mine.expression,
        names: { "#status": "status" },
        values: { ":open": "open", ...mine.values },
      });
      const count = missing.reduce((n, m) => n + m.entries.length, 0);
      return fail("ROUND_INCOMPLETE", { count, missing: missing.map((m) => ({ judgeId: m.judgeId, count: m.entries.length, entries: m.entries.slice(0, 50) })) });
    }
    const results = computeResults(round, entries, judges, records);
    const kept = new Set(results.map((r) => r.entryId));
    await batchWrite(db, [
      ...results.map((r): WriteRequest => ({ PutRequest: { Item: toAttributes({ ...keys.roundResult(round.id, r.entryId), ...r }) } })),
      // A close taken over from one that died may find results of entries no longer in the round.
      ...earlier.filter((r) => !kept.has(r.entryId)).map((r): WriteRequest => ({ DeleteRequest: { Key: toAttributes(keys.roundResult(round.id, r.entryId)) } })),
    ]);
    const closed = await updateItem<Stored<Round>>(db, {
      key: keys.round(round.id),
      update: "SET #status = :closed, closedAt = :at, closedBy = :by, forced = :forced, entryCount = :count REMOVE closingToken, closingSince",
      condition: mine.expression,
      names: { "#status": "status" },
      values: { ":closed": "closed", ":at": clock.now().toISOString(), ":by": opts.actorId, ":forced": missing.length > 0, ":count": results.length, ...mine.values },
    });
    return { round: strip<Round>(closed), results, forced: missing.length > 0, missing, already: false };
  } catch (err) {
    // Our lease was taken over (a very slow close): the other close finishes the job.
    if (isConditionFailed(err)) return fail("BUSY");
    // Anything else went wrong half-way: open again (results written so far are replaced by the
    // next close), rather than leave judges locked out until the lease runs out.
    if (!(err instanceof DomainError && err.code === "ROUND_INCOMPLETE")) {
      await updateItem(db, {
        key: keys.round(round.id),
        update: "SET #status = :open REMOVE closingToken, closingSince",
        condition: mine.expression,
        names: { "#status": "status" },
        values: { ":open": "open", ...mine.values },
      }).catch(() => {});
    }
    throw err;
  }
}

/** BatchWriteItem, 25 at a time, a few batches at once, until nothing is left unprocessed. */
async function batchWrite(db: Db, requests: WriteRequest[]): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  let next = 0;
  async function worker() {
    for (let b = next++; b < batches.length; b = next++) {
      let pending = batches[b]!;
      for (let attempt = 1; pending.length; attempt++) {
        const out = await db.client.send(new BatchWriteItemCommand({ RequestItems: { [db.tableName]: pending } }));
        pending = out.UnprocessedItems?.[db.tableName] ?? [];
        if (pending.length) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(4, batches.length) }, worker));
}

/** A closed round's results, in ranking order. */
export async function readResults(db: Db, roundId: string): Promise<RoundResult[]> {
  const items = await queryAll<Stored<RoundResult>>(db, { partition: keys.roundPartition(roundId), prefix: keys.roundResultPrefix() });
  return items.map((i) => strip<RoundResult>(i)).sort((a, b) => a.position - b.position);
}

/**
 * The ranking: a closed round's frozen results; for a round still open, what it would be if it
 * closed now (provisional: nothing is written).
 */
export async function ranking(db: Db, round: Round): Promise<{ provisional: boolean; results: RoundResult[] }> {
  if (round.status === "closed") return { provisional: false, results: await readResults(db, round.id) };
  const [{ judges, records }, entries] = await Promise.all([readRoundPartition(db, round.id), members(db, round)]);
  return { provisional: true, results: computeResults(round, entries, judges, records) };
}

/** A ranking line as organisers read it: judges by name (or masked number), the score to 2 decimals. */
export function rankingLine(r: RoundResult, judgeName: (judgeId: string) => string) {
  return {
    entryId: r.entryId,
    title: r.title,
    orgUnit: r.orgUnit,
    rank: r.rank,
    score: r.score === null ? null : rankedScore(r.score),
    advances: r.advances,
    tiedAtCut: r.tiedAtCut,
    fellBack: r.fellBack,
    scores: r.scores.map((s) => ({ judge: judgeName(s.judgeId), judgeId: s.judgeId, total: s.total, dropped: s.dropped })),
    recused: r.recused.map(judgeName),
  };
}
