import { getItem, query, transact, countBetween, updateItem, isConditionFailed, isTransactionConflict, type Db, type TxOp } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import type { Session } from "../campaigns/model.ts";
import type { Answers } from "../forms/validate.ts";
import { noticeOp } from "../outbox/index.ts";
import { guards, ticketCodes } from "./guards.ts";
import { registrationId, type Registration } from "./model.ts";

/** Lost races before a writer gives up and the person is told to try again in a moment (BUSY). */
export const MAX_ATTEMPTS = 12;

/** Epoch seconds: what conditions compare a session's start with. */
export const epochSeconds = (d: Date | string) => Math.floor((typeof d === "string" ? Date.parse(d) : d.getTime()) / 1000);

const noLiveRegistration = () => ({
  expression: guards.oneRegistration,
  names: { "#status": "status" },
  values: { ":cancelled": "cancelled" },
});

export interface TakeSeatInput {
  campaignId: string;
  orgUnit: string;
  session: Session;
  userId: string;
  answers: Answers;
  /** the request's Idempotency-Key: a retry of the same request finds its registration */
  requestKey?: string;
}

/** A woman moved from the waitlist onto a seat (she is told through the outbox). */
export interface Promotion {
  campaignId: string;
  sessionId: string;
  userId: string;
}

export type TakeSeatResult = { registration: Registration; position?: number };

/**
 * Registers her for the session: a confirmed seat when one is free, else a waitlist place
 * when the session has a waitlist, else SEATS_FULL. Each outcome is one TransactWriteItems
 * whose conditions hold the invariants; a lost race only means another look and another try,
 * and when the races never stop she hears BUSY (try again in a moment), not a false answer.
 */
export async function takeSeat(db: Db, clock: Clock, input: TakeSeatInput): Promise<TakeSeatResult> {
  let session = input.session;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) {
      await backoff(attempt);
      session = (await getSession(db, input.campaignId, session.id)) ?? fail("SESSION_NOT_FOUND");
    }
    const now = clock.now();
    if (hasStarted(session, now)) fail("PHASE_CLOSED");
    const free = session.taken < session.capacity;
    if (free && session.waiting > 0) {
      // Seats came free while people wait (capacity raised): they go first.
      await promoteWaitlist(db, clock, input.campaignId, session.id);
      continue;
    }
    if (!free && !session.waitlist) {
      // Tell her she already has a place rather than that none is left.
      return (await ownEarlierRegistration(db, session.id, input)) ?? fail("SEATS_FULL");
    }
    const outcome = free ? await trySeat(db, input, session, now) : await tryWaitlist(db, input, session, now);
    if (outcome === "registered") return (await ownEarlierRegistration(db, session.id, input)) ?? fail("ALREADY_REGISTERED");
    if (outcome !== "changed") return outcome;
    // The session changed under us (someone took the last seat, or a seat came free): look again.
  }
  return fail("BUSY");
}

/** Her live registration of this session: returned as the answer when it is this very request's (a retry), else ALREADY_REGISTERED. */
async function ownEarlierRegistration(db: Db, sessionId: string, input: TakeSeatInput): Promise<TakeSeatResult | undefined> {
  const existing = await getRegistration(db, sessionId, input.userId);
  if (!existing || existing.status === "cancelled") return undefined;
  if (!input.requestKey || existing.requestKey !== input.requestKey) return fail("ALREADY_REGISTERED");
  const position = existing.waitKey ? await waitlistPosition(db, sessionId, existing.waitKey) : undefined;
  return { registration: existing, ...(position ? { position } : {}) };
}

function newRegistration(input: TakeSeatInput, session: Session, now: Date, waitKey?: string): Registration {
  const at = now.toISOString();
  return {
    id: registrationId(session.id, input.userId),
    campaignId: input.campaignId,
    sessionId: session.id,
    userId: input.userId,
    orgUnit: input.orgUnit,
    status: waitKey ? "waitlisted" : "confirmed",
    ticketCode: ticketCodes.draw(),
    answers: input.answers,
    createdAt: at,
    updatedAt: at,
    ...(input.requestKey ? { requestKey: input.requestKey } : {}),
    ...(waitKey ? { waitKey } : { confirmedAt: at }),
  };
}

// No gsi2 ticket entry: a new code is found through its claim. (Codes of earlier versions are
// in gsi2 and stay there until the ticket is cancelled.)
const registrationItem = (r: Registration) => ({
  ...keys.registration(r.sessionId, r.userId),
  ...keys.registrationByOwner(r.userId, r.createdAt),
  ...r,
});

/** What a check-in code's claim item holds: where its registration is. */
export interface TicketCodeClaim {
  sessionId: string;
  userId: string;
  campaignId: string;
}

/**
 * The claim of her code, in her registration's own transaction: if another ticket holds the
 * code already the whole registration fails on this op alone, and is tried again with a new code.
 */
const claimOp = (r: Registration): TxOp => ({
  put: { ...keys.ticketCodeClaim(r.ticketCode), ...({ sessionId: r.sessionId, userId: r.userId, campaignId: r.campaignId } satisfies TicketCodeClaim), claimedAt: r.createdAt },
  condition: { expression: guards.uniqueTicketCode },
});

/** The same registration under a new code (its code was someone else's). */
const withNewCode = (r: Registration): Registration => ({ ...r, ticketCode: ticketCodes.draw() });

type Attempt = TakeSeatResult | "registered" | "changed";

async function trySeat(db: Db, input: TakeSeatInput, session: Session, now: Date): Promise<Attempt> {
  let registration = newRegistration(input, session, now);
  for (let codes = 0; codes < MAX_ATTEMPTS; codes++) {
    const result = await transact(db, [
      {
        update: {
          key: keys.session(input.campaignId, session.id),
          update: "SET #taken = #taken + :one",
          condition: `${guards.seat} AND ${guards.notStarted}`,
          names: { "#taken": "taken", "#capacity": "capacity", "#waiting": "waiting", "#startsAtEpoch": "startsAtEpoch" },
          values: { ":one": 1, ":zero": 0, ":nowEpoch": epochSeconds(now) },
        },
      },
      { put: registrationItem(registration), condition: noLiveRegistration() },
      claimOp(registration),
    ]);
    if (result.ok) return { registration };
    if (result.failed.includes(1)) return "registered";
    // Only the code was taken: the seat is still hers to take, under another code.
    if (result.failed.length === 1 && result.failed[0] === 2) {
      registration = withNewCode(registration);
      continue;
    }
    return "changed";
  }
  return fail("BUSY");
}

/**
 * A waitlist place. Her arrival number is taken first, with one atomic counter on the session,
 * so people joining at the same moment get distinct places in the order they arrived; the
 * place she is told is her number less those who have left the line (promoted, cancelled, or
 * numbers given up) — counted on the same item at the same instant. A number given up (the
 * session changed, or she was already in) counts as having left, so later places stay right.
 */
async function tryWaitlist(db: Db, input: TakeSeatInput, session: Session, now: Date): Promise<Attempt> {
  const number = await takeArrivalNumber(db, input.campaignId, session.id);
  let registration = newRegistration(input, session, now, number.waitKey);
  const ops = (): TxOp[] => [
    {
      update: {
        key: keys.session(input.campaignId, session.id),
        update: "SET #waiting = #waiting + :one",
        condition: `#taken >= #capacity AND #waitlist = :yes AND ${guards.notStarted}`,
        names: { "#taken": "taken", "#capacity": "capacity", "#waiting": "waiting", "#waitlist": "waitlist", "#startsAtEpoch": "startsAtEpoch" },
        values: { ":one": 1, ":yes": true, ":nowEpoch": epochSeconds(now) },
      },
    },
    { put: registrationItem(registration), condition: noLiveRegistration() },
    {
      put: { ...keys.waitlistPlace(session.id, number.waitKey), registrationId: registration.id, userId: input.userId },
      condition: { expression: "attribute_not_exists(pk)" },
    },
    claimOp(registration),
  ];
  // A conflict with another writer, or a code already taken, is retried with the same number: her place is kept.
  for (let conflicts = 0; conflicts < MAX_ATTEMPTS; conflicts++) {
    const result = await transact(db, ops());
    if (result.ok) return { registration, position: number.position };
    if (result.failed.length === 1 && result.failed[0] === 3) {
      registration = withNewCode(registration);
      continue;
    }
    if (result.failed.length > 0) {
      await counterUpdate(db, keys.session(input.campaignId, session.id), "ADD departures :one");
      return result.failed.includes(1) ? "registered" : "changed";
    }
    await backoff(conflicts + 1);
  }
  await counterUpdate(db, keys.session(input.campaignId, session.id), "ADD departures :one");
  return fail("BUSY");
}

async function takeArrivalNumber(db: Db, campaignId: string, sessionId: string) {
  const s = await counterUpdate<{ arrivals: number; departures?: number }>(db, keys.session(campaignId, sessionId), "ADD arrivals :one");
  return { waitKey: String(s.arrivals).padStart(12, "0"), position: s.arrivals - (s.departures ?? 0) };
}

/** One atomic ADD on an existing item; a clash with a running transaction is retried. */
async function counterUpdate<T>(db: Db, key: { pk: string; sk: string }, update: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await updateItem<T>(db, { key, update, condition: "attribute_exists(pk)", values: { ":one": 1 } });
    } catch (err) {
      if (isConditionFailed(err)) return fail("SESSION_NOT_FOUND");
      if (!isTransactionConflict(err)) throw err;
      if (attempt >= MAX_ATTEMPTS) return fail("BUSY");
      await backoff(attempt + 1);
    }
  }
}

/** Her place in line, from 1: how many are waiting up to and including her (exact once all have committed). */
export async function waitlistPosition(db: Db, sessionId: string, waitKey: string): Promise<number> {
  return countBetween(db, keys.registrationPartition(sessionId), keys.waitlistPrefix(), keys.waitlistPlace(sessionId, waitKey).sk);
}

export const hasStarted = (session: Session, now: Date) => epochSeconds(session.startsAt) <= epochSeconds(now);

export async function getSession(db: Db, campaignId: string, sessionId: string): Promise<Session | undefined> {
  const item = await getItem<Session & { pk: string; sk: string }>(db, keys.session(campaignId, sessionId));
  if (!item) return undefined;
  const { pk, sk, ...session } = item;
  return session;
}

async function firstInLine(db: Db, sessionId: string) {
  const page = await query<{ pk: string; sk: string; registrationId: string; userId: string }>(db, {
    partition: keys.registrationPartition(sessionId),
    prefix: keys.waitlistPrefix(),
    limit: 1,
    newestFirst: !guards.firstComeFirstServed,
  });
  return page.items[0];
}

/**
 * The ops that move the first in line onto a seat: her registration, her place in line, and
 * the message that tells her — in the same transaction, so nobody is promoted untold.
 */
function promotionOps(campaignId: string, sessionId: string, first: { sk: string; userId: string }, now: Date): TxOp[] {
  const at = now.toISOString();
  return [
    {
      update: {
        key: keys.registration(sessionId, first.userId),
        update: "SET #status = :confirmed, confirmedAt = :now, promotedAt = :now, updatedAt = :now REMOVE waitKey",
        condition: "#status = :waitlisted",
        names: { "#status": "status" },
        values: { ":confirmed": "confirmed", ":waitlisted": "waitlisted", ":now": at },
      },
    },
    { delete: { pk: keys.registrationPartition(sessionId), sk: first.sk }, condition: { expression: "attribute_exists(pk)" } },
    noticeOp({
      userId: first.userId,
      kind: "waitlist_promoted",
      refs: { campaignId, sessionId, registrationId: registrationId(sessionId, first.userId) },
      at,
    }),
  ];
}

/**
 * Fills free seats from the waitlist, first come first served, one transaction per person,
 * until the seats or the line run out — never once the session has begun. Returns who was promoted.
 */
export async function promoteWaitlist(db: Db, clock: Clock, campaignId: string, sessionId: string): Promise<Promotion[]> {
  const promoted: Promotion[] = [];
  // Only lost races count against the limit.
  for (let lost = 0; lost < MAX_ATTEMPTS; ) {
    const first = await firstInLine(db, sessionId);
    if (!first) break;
    const now = clock.now();
    const result = await transact(db, [
      {
        update: {
          key: keys.session(campaignId, sessionId),
          update: "SET #taken = #taken + :one, #waiting = #waiting - :one ADD departures :one",
          condition: `#taken < #capacity AND ${guards.notStarted}`,
          names: { "#taken": "taken", "#capacity": "capacity", "#waiting": "waiting", "#startsAtEpoch": "startsAtEpoch" },
          values: { ":one": 1, ":nowEpoch": epochSeconds(now) },
        },
      },
      ...promotionOps(campaignId, sessionId, first, now),
    ]);
    if (result.ok) promoted.push({ campaignId, sessionId, userId: first.userId });
    else if (result.failed.includes(0)) break; // no free seat any more, or the session has begun
    else await backoff(++lost);
  }
  return promoted;
}

/**
 * Cancels a registration. A confirmed seat goes to the first in line in the same transaction
 * (so the seat is never free for a newcomer to jump the queue); with nobody waiting, the seat
 * is freed. Once the session has begun nothing moves: SESSION_STARTED.
 */
export async function cancelRegistration(db: Db, clock: Clock, reg: Registration): Promise<{ registration: Registration; promoted: Promotion[] }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const current = attempt === 0 ? reg : await getRegistration(db, reg.sessionId, reg.userId);
    if (!current) return fail("REGISTRATION_NOT_FOUND");
    if (current.status === "cancelled") return { registration: current, promoted: [] };
    if (current.checkedInAt) fail("NOT_CANCELLABLE");
    const now = clock.now();
    const at = now.toISOString();
    const cancel: TxOp = {
      update: {
        key: keys.registration(current.sessionId, current.userId),
        // Her ticket code leaves the index with the seat: a cancelled ticket scans as unknown.
        update: "SET #status = :cancelled, cancelledAt = :now, updatedAt = :now REMOVE waitKey, gsi2pk, gsi2sk",
        condition: "#status = :was AND attribute_not_exists(checkedInAt)",
        names: { "#status": "status" },
        values: { ":cancelled": "cancelled", ":was": current.status, ":now": at },
      },
    };
    const sessionUpdate = (update: string, condition: string, values: Record<string, unknown>): TxOp => ({
      update: {
        key: keys.session(current.campaignId, current.sessionId),
        update,
        condition: `${condition} AND ${guards.notStarted}`,
        names: { "#waiting": "waiting", "#startsAtEpoch": "startsAtEpoch", ...(update.includes("#taken") ? { "#taken": "taken" } : {}) },
        values: { ":one": 1, ":zero": 0, ":nowEpoch": epochSeconds(now), ...values },
      },
    });
    let ops: TxOp[];
    let next: Promotion | undefined;
    if (current.status === "waitlisted") {
      ops = [
        cancel,
        { delete: keys.waitlistPlace(current.sessionId, current.waitKey!) },
        sessionUpdate("SET #waiting = #waiting - :one ADD departures :one", "#waiting > :zero", {}),
      ];
    } else {
      const first = await firstInLine(db, current.sessionId);
      next = first && { campaignId: current.campaignId, sessionId: current.sessionId, userId: first.userId };
      ops = first
        ? [
            cancel,
            ...promotionOps(current.campaignId, current.sessionId, first, now),
            sessionUpdate("SET #waiting = #waiting - :one ADD departures :one", "#waiting > :zero", {}),
          ]
        : [
            cancel,
            // Someone may have joined the line since we looked: then she gets the seat (retry).
            sessionUpdate("SET #taken = #taken - :one", "#waiting = :zero", {}),
          ];
    }
    const result = await transact(db, ops);
    if (result.ok) {
      const registration: Registration = { ...current, status: "cancelled", cancelledAt: at, updatedAt: at, waitKey: undefined };
      return { registration, promoted: next ? [next] : [] };
    }
    if (result.failed.includes(ops.length - 1)) {
      const session = await getSession(db, current.campaignId, current.sessionId);
      if (!session) return fail("SESSION_NOT_FOUND");
      if (hasStarted(session, now)) return fail("SESSION_STARTED");
    }
  }
  return fail("BUSY");
}

export async function getRegistration(db: Db, sessionId: string, userId: string): Promise<Registration | undefined> {
  const item = await getItem<Registration & Record<string, unknown>>(db, keys.registration(sessionId, userId));
  return item ? stripRegistration(item) : undefined;
}

export function stripRegistration(item: Record<string, unknown>): Registration {
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, ...rest } = item;
  return rest as unknown as Registration;
}

// Jittered, growing pauses: racing writers spread out instead of colliding again.
export const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
