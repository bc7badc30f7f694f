import { deleteItem, getItem, query, queryAll, transact, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { fail } from "../errors/index.ts";
import { getUser, setRoles, userForPhone, type User } from "../identity/index.ts";
import { maskPhone } from "../forms/mask.ts";
import type { Clock } from "../clock/index.ts";
import { getRound, strip } from "./rounds.ts";
import type { Round, RoundJudge } from "./model.ts";

type Stored<T> = T & { pk: string; sk: string };

/** How a judge is named to organisers: her name, else her number masked. */
export const judgeLabel = (user: Pick<User, "name" | "phone"> | undefined) => user?.name ?? (user ? maskPhone(user.phone) : "—");

/**
 * Invites a judge by number: her account is made if she has none, she gets the judge role, and
 * she is added to the round (with her assignment, in the same item). Inviting her again changes
 * nothing. Only while the round is open.
 */
export async function inviteJudge(db: Db, clock: Clock, round: Round, phone: string, actorId: string): Promise<{ judge: RoundJudge; user: User; created: boolean }> {
  let user = await userForPhone(db, clock, phone);
  if (!user.roles.some((r) => r.role === "judge")) {
    const roles = [...user.roles, { role: "judge" as const }];
    await setRoles(db, user.id, roles);
    user = { ...user, roles };
  }
  const judge: RoundJudge = { roundId: round.id, campaignId: round.campaignId, userId: user.id, invitedAt: clock.now().toISOString(), invitedBy: actorId };
  const result = await transact(db, [
    { put: { ...keys.roundJudge(round.id, user.id), ...keys.judgeAssignment(user.id, round.id), ...judge }, condition: { expression: "attribute_not_exists(pk)" } },
    { check: keys.round(round.id), condition: { expression: "#status = :open", names: { "#status": "status" }, values: { ":open": "open" } } },
  ]);
  if (result.ok) return { judge, user, created: true };
  const existing = await judgeOf(db, round.id, user.id);
  if (existing) return { judge: existing, user, created: false };
  // Closing is a moment; closed is for good.
  if (result.failed.includes(1) && (await getRound(db, round.id))?.status !== "closing") fail("ROUND_LOCKED");
  return fail("BUSY");
}

export async function judgeOf(db: Db, roundId: string, userId: string): Promise<RoundJudge | undefined> {
  const item = await getItem<Stored<RoundJudge>>(db, keys.roundJudge(roundId, userId));
  return item ? strip<RoundJudge>(item) : undefined;
}

/** The round's judges, in the round's own partition. */
export async function listJudges(db: Db, roundId: string): Promise<RoundJudge[]> {
  const items = await queryAll<Stored<RoundJudge>>(db, { partition: keys.roundPartition(roundId), prefix: keys.roundJudgePrefix() });
  return items.map((i) => strip<RoundJudge>(i));
}

/** The judges with their accounts (a round has a handful). */
export async function judgesWithUsers(db: Db, judges: RoundJudge[]): Promise<Map<string, User | undefined>> {
  const users = await Promise.all(judges.map((j) => getUser(db, j.userId)));
  return new Map(judges.map((j, i) => [j.userId, users[i]]));
}

/**
 * Takes a judge off a round, only while she has given nothing (no score, no recusal): what she
 * gave stays hers. Her judge role stays (she may judge other rounds).
 */
export async function removeJudge(db: Db, round: Round, userId: string): Promise<void> {
  if (!(await judgeOf(db, round.id, userId))) fail("NOT_FOUND");
  // Her records carry her id; a look at the first one is enough.
  const given = await query(db, { partition: keys.roundPartition(round.id), prefix: keys.scorePrefix(userId), limit: 1 });
  if (given.items.length) fail("JUDGE_HAS_SCORES");
  await deleteItem(db, keys.roundJudge(round.id, userId), { expression: "attribute_exists(pk) AND attribute_not_exists(submittedAt)" }).catch((err) => {
    if ((err as { name?: string }).name === "ConditionalCheckFailedException") fail("ROUND_LOCKED");
    throw err;
  });
}

/** The rounds she judges (her assignments, gsi1), newest invitation last. */
export async function assignmentsOf(db: Db, userId: string): Promise<RoundJudge[]> {
  const items = await queryAll<Stored<RoundJudge>>(db, { index: "gsi1", partition: keys.judgeAssignmentsPartition(userId) });
  return items.map((i) => strip<RoundJudge>(i));
}

/**
 * The round, if she judges it: a judge sees only her rounds, and anything else — another
 * round, another campaign's, a round that does not exist — is the same ROUND_NOT_FOUND.
 */
export async function judgedRound(db: Db, roundId: string, userId: string): Promise<{ round: Round; judge: RoundJudge }> {
  const [judge, round] = await Promise.all([judgeOf(db, roundId, userId), getRound(db, roundId)]);
  if (!judge || !round) return fail("ROUND_NOT_FOUND");
  return { round, judge };
}
