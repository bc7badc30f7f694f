import { getItem, queryAll, transact, type Db, type TxOp } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import type { Form, FormField } from "../forms/model.ts";
import { isPersonal } from "../forms/personal.ts";
import type { Entry } from "../entries/index.ts";
import { checkScores, judgeTotal } from "./scoring.ts";
import { guards } from "./guards.ts";
import { judgeOf, listJudges } from "./judges.ts";
import { memberOf, members } from "./membership.ts";
import { getRound, mustBeReady, strip, waitingFor } from "./rounds.ts";
import type { Round, RoundJudge, ScoreRecord } from "./model.ts";

type Stored<T> = T & { pk: string; sk: string };

/** A score record as stored: at its one key (judge × entry × round), so a resave replaces it. */
export const scoreItem = (record: ScoreRecord) => ({ ...guards.scoreKey(record.roundId, record.judgeId, record.entryId), ...record });

const roundOpen = (roundId: string): TxOp => ({
  check: keys.round(roundId),
  condition: { expression: "#status = :open", names: { "#status": "status" }, values: { ":open": "open" } },
});
const notSubmitted = (roundId: string, judgeId: string): TxOp => ({
  check: keys.roundJudge(roundId, judgeId),
  condition: { expression: guards.notSubmitted },
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CONFLICT_TRIES = 8;

/**
 * Writes her record only while she has not submitted and the round is open: the record and
 * both conditions in one transaction, so a save can never land after either. Judges saving at
 * once on one round all check the round item: a transaction that ran into another is tried again.
 */
async function writeWhileOpen(db: Db, record: ScoreRecord): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const result = await transact(db, [notSubmitted(record.roundId, record.judgeId), roundOpen(record.roundId), { put: scoreItem(record) }]);
    if (result.ok) return;
    if (result.failed.includes(0)) {
      // Taken off the round meanwhile, or she submitted.
      return fail((await judgeOf(db, record.roundId, record.judgeId)) ? "ROUND_LOCKED" : "ROUND_NOT_FOUND");
    }
    if (result.failed.includes(1)) {
      // Closing is a moment; closed is for good.
      return fail((await getRound(db, record.roundId))?.status === "closing" ? "BUSY" : "ROUND_LOCKED");
    }
    if (attempt >= CONFLICT_TRIES) return fail("BUSY");
    await pause(5 * attempt + Math.random() * 20 * attempt);
  }
}

/** The entry she may act on in this round, or why not (the round read and found hers by the caller). */
async function entryToJudge(db: Db, round: Round, entryId: string): Promise<Entry> {
  if (round.status !== "open") fail("ROUND_LOCKED");
  await mustBeReady(db, round);
  return (await memberOf(db, round, entryId)) ?? fail("ENTRY_NOT_FOUND");
}

export interface ScoreInput {
  criteria: Record<string, unknown>;
  comment?: string;
}

/**
 * Saves her score of one entry: every criterion from 0 to its max in steps of 0.1 (422 naming
 * each criterion otherwise), replacing what she saved before — or a recusal.
 */
export async function saveScore(db: Db, clock: Clock, round: Round, judgeId: string, entryId: string, input: ScoreInput): Promise<ScoreRecord> {
  const fields = checkScores(round.rubric, input.criteria);
  if (Object.keys(fields).length) fail("VALIDATION", { fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [`criteria.${k}`, v])) });
  await entryToJudge(db, round, entryId);
  // On the grid exactly: a typed 8.7 is stored as 8.7, whatever double it arrived as.
  const criteria = Object.fromEntries(round.rubric.criteria.map((c) => [c.key, Math.round((input.criteria[c.key] as number) * 10) / 10]));
  const record: ScoreRecord = {
    roundId: round.id,
    judgeId,
    entryId,
    savedAt: clock.now().toISOString(),
    kind: "score",
    criteria,
    total: judgeTotal(round.rubric, criteria),
    ...(input.comment ? { comment: input.comment } : {}),
  };
  await writeWhileOpen(db, record);
  return record;
}

/** 回避: she steps aside from an entry (conflict of interest); the aggregate uses the others. */
export async function recuse(db: Db, clock: Clock, round: Round, judgeId: string, entryId: string, reason: string): Promise<ScoreRecord> {
  await entryToJudge(db, round, entryId);
  const record: ScoreRecord = { roundId: round.id, judgeId, entryId, savedAt: clock.now().toISOString(), kind: "recusal", reason };
  await writeWhileOpen(db, record);
  return record;
}

/** Every score record of the round (all judges), from its own partition. */
export async function roundRecords(db: Db, roundId: string, judgeId?: string): Promise<ScoreRecord[]> {
  const items = await queryAll<Stored<ScoreRecord>>(db, { partition: keys.roundPartition(roundId), prefix: keys.scorePrefix(judgeId) });
  return items.map((i) => strip<ScoreRecord>(i)).filter((r) => !judgeId || r.judgeId === judgeId);
}

/** Her records of this round, by entry. */
async function recordsOf(db: Db, roundId: string, judgeId: string): Promise<Map<string, ScoreRecord>> {
  return new Map((await roundRecords(db, roundId, judgeId)).map((r) => [r.entryId, r]));
}

/** An entry's number in the round as judges see it: its place in judging order. */
export const entryNumber = (index: number) => `${index + 1}号`;

/**
 * Locks her scores: only when every entry of the round has her score or her recusal (else
 * ROUND_INCOMPLETE with the entries left). Submitting again changes nothing.
 */
export async function submitRound(db: Db, clock: Clock, round: Round, judge: RoundJudge): Promise<RoundJudge> {
  if (judge.submittedAt) return judge;
  if (round.status !== "open") fail("ROUND_LOCKED");
  const [entries, mine] = await Promise.all([members(db, round), recordsOf(db, round.id, judge.userId)]);
  const left = entries.flatMap((e, i) => (mine.has(e.id) ? [] : [{ entryId: e.id, number: entryNumber(i) }]));
  if (left.length) fail("ROUND_INCOMPLETE", { count: left.length, entries: left.slice(0, 100) });
  const submittedAt = clock.now().toISOString();
  for (let attempt = 1; ; attempt++) {
    const result = await transact(db, [
      {
        update: {
          key: keys.roundJudge(round.id, judge.userId),
          update: "SET submittedAt = :at",
          condition: "attribute_exists(pk) AND attribute_not_exists(submittedAt)",
          values: { ":at": submittedAt },
        },
      },
      roundOpen(round.id),
    ]);
    if (result.ok) return { ...judge, submittedAt };
    if (result.failed.length) {
      const now = await judgeOf(db, round.id, judge.userId);
      if (!now) return fail("ROUND_NOT_FOUND");
      if (now.submittedAt) return now;
      return fail("ROUND_LOCKED");
    }
    if (attempt >= CONFLICT_TRIES) return fail("BUSY");
    await pause(5 * attempt + Math.random() * 20 * attempt);
  }
}

// ---- what a judge sees -------------------------------------------------------------------------

/** A person's name by its key, where an older form does not say (`leaderName`, `name`; not `teamName`). */
const looksLikePersonName = (key: string) => /(^name$|Name$)/.test(key) && !/^(team|dance|story|title)/i.test(key);
const personal = (f: FormField) => isPersonal(f) || (f.personal === undefined && looksLikePersonName(f.key));

/**
 * The answers a judge may read. Never personal ones (phone, ID number, a private person's name)
 * nor the consent. In a blind round also nothing that says who it is: not the title field (the
 * form's first text field: the team's name), no name of any kind, no unit; and where the form
 * marks fields `public`, only those.
 */
export function judgeFields(form: Form, blind: boolean): FormField[] {
  const fields = form.fields;
  const flagged = fields.some((f) => f.public !== undefined);
  const titleField = fields.find((f) => f.type === "text");
  return fields.filter((f) => {
    if (personal(f) || f.type === "consent") return false;
    if (!blind) return true;
    if (f === titleField || /name$/i.test(f.key) || f.type === "orgUnit") return false;
    return flagged ? f.public === true : true;
  });
}

export interface SheetLine {
  entryId: string;
  number: string;
  /** not in a blind round */
  title?: string;
  orgUnit?: string;
  answers: Record<string, unknown>;
  mine: Omit<ScoreRecord, "roundId" | "judgeId" | "entryId"> | null;
}

/** Her score sheet: the round's entries as she may see them, with what she saved. */
export async function scoreSheet(db: Db, round: Round, judgeId: string, form: Form): Promise<SheetLine[]> {
  const [entries, mine] = await Promise.all([members(db, round), recordsOf(db, round.id, judgeId)]);
  const shown = judgeFields(form, round.rubric.blind);
  return entries.map((e, i) => {
    const record = mine.get(e.id);
    const answers: Record<string, unknown> = {};
    for (const f of shown) if (Object.hasOwn(e.answers, f.key)) answers[f.key] = e.answers[f.key];
    return {
      entryId: e.id,
      number: entryNumber(i),
      ...(round.rubric.blind ? {} : { title: e.title, orgUnit: e.orgUnit }),
      answers,
      mine: record ? (({ roundId, judgeId: _j, entryId, ...rest }) => rest)(record) : null,
    };
  });
}

/** How far she is: entries of the round she has scored or recused from, of how many. */
export async function judgeProgress(db: Db, round: Round, judge: RoundJudge) {
  const waiting = await waitingFor(db, round);
  if (waiting.length) return { ready: false, total: 0, scored: 0, recused: 0, submitted: !!judge.submittedAt };
  const [entries, mine] = await Promise.all([members(db, round), recordsOf(db, round.id, judge.userId)]);
  let scored = 0;
  let recused = 0;
  for (const e of entries) {
    const r = mine.get(e.id);
    if (r?.kind === "score") scored++;
    else if (r?.kind === "recusal") recused++;
  }
  return { ready: true, total: entries.length, scored, recused, submitted: !!judge.submittedAt, ...(judge.submittedAt ? { submittedAt: judge.submittedAt } : {}) };
}

/** The organiser's view of a round under way: per judge what she has done, per entry how many scores. */
export async function roundProgress(db: Db, round: Round) {
  const waiting = await waitingFor(db, round);
  const judges = await listJudges(db, round.id);
  if (waiting.length) {
    return { ready: false, waitingFor: waiting, entries: 0, judges: judges.map((j) => ({ judge: j, scored: 0, recused: 0 })), items: [] };
  }
  const [entries, records] = await Promise.all([members(db, round), roundRecords(db, round.id)]);
  const inRound = new Set(entries.map((e) => e.id));
  const judging = new Set(judges.map((j) => j.userId));
  const perJudge = new Map(judges.map((j) => [j.userId, { scored: 0, recused: 0 }]));
  const perEntry = new Map(entries.map((e) => [e.id, { scores: 0, recused: 0 }]));
  for (const r of records) {
    if (!inRound.has(r.entryId) || !judging.has(r.judgeId)) continue;
    const field = r.kind === "score" ? "scored" : "recused";
    perJudge.get(r.judgeId)![field]++;
    perEntry.get(r.entryId)![r.kind === "score" ? "scores" : "recused"]++;
  }
  return {
    ready: true,
    waitingFor: [],
    entries: entries.length,
    judges: judges.map((j) => ({ judge: j, ...perJudge.get(j.userId)! })),
    items: entries.map((e, i) => ({ entryId: e.id, number: entryNumber(i), title: e.title, orgUnit: e.orgUnit, ...perEntry.get(e.id)! })),
  };
}

/** One record, by its key (tests and tools). */
export async function recordOf(db: Db, roundId: string, judgeId: string, entryId: string): Promise<ScoreRecord | undefined> {
  const item = await getItem<Stored<ScoreRecord>>(db, guards.scoreKey(roundId, judgeId, entryId));
  return item ? strip<ScoreRecord>(item) : undefined;
}
