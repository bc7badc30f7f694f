import { getItem, query, transact, countRange, type Db, type TxOp } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { arrivalStamp, newTicketCode } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import type { Session } from "../campaigns/model.ts";
import type { Answers } from "../forms/validate.ts";
import { registrationId, type Registration } from "./model.ts";

/**
 * The conditions that hold the invariants. They are exported (and writable) only so that the
 * invariant tests can switch one off and show that the test then catches the bug (their
 * negative controls); nothing else touches them.
 */
export const guards = {
  /** no overselling, and nobody jumps the waitlist */
  seat: "#taken < #capacity AND #waiting = :zero",
  /** one live registration per woman per session; a cancelled one may be replaced */
  oneRegistration: "attribute_not_exists(pk) OR #status = :cancelled",
  /** the waitlist is served in order of arrival */
  firstComeFirstServed: true,
};
/** What the tests swap in to switch a guard off (the same names and values, always true). */
export const guardsOff = {
  seat: "attribute_exists(#capacity) AND #taken >= :zero AND #waiting >= :zero",
  oneRegistration: "attribute_not_exists(pk) OR #status <> :cancelled OR #status = :cancelled",
  firstComeFirstServed: false,
};

const MAX_ATTEMPTS = 12;
const sessionNames = { "#taken": "taken", "#capacity": "capacity", "#waiting": "waiting" };
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
}

/** A woman moved from the waitlist onto a seat: she is told by SMS (see notices.ts). */
export interface Promotion {
  campaignId: string;
  sessionId: string;
  userId: string;
}

export type TakeSeatResult = { registration: Registration; position?: number; promoted: Promotion[] };

/**
 * Registers her for the session: a confirmed seat when one is free, else a waitlist place
 * when the session has a waitlist, else SEATS_FULL. Each outcome is one TransactWriteItems
 * whose conditions hold the invariants; a lost race only means another look and another try.
 */
export async function takeSeat(db: Db, clock: Clock, input: TakeSeatInput): Promise<TakeSeatResult> {
  let session = input.session;
  const promoted: Promotion[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) {
      await backoff(attempt);
      session = (await getSession(db, input.campaignId, session.id)) ?? fail("SESSION_NOT_FOUND");
    }
    const free = session.taken < session.capacity;
    if (free && session.waiting > 0) {
      // Seats came free while people wait (capacity raised): they go first.
      promoted.push(...(await promoteWaitlist(db, clock, input.campaignId, session.id)));
      continue;
    }
    if (!free && !session.waitlist) {
      // Tell her she already has a place rather than that none is left.
      const existing = await getRegistration(db, session.id, input.userId);
      fail(existing && existing.status !== "cancelled" ? "ALREADY_REGISTERED" : "SEATS_FULL");
    }

    const now = clock.now().toISOString();
    const waitKey = free ? undefined : arrivalStamp();
    const registration: Registration = {
      id: registrationId(session.id, input.userId),
      campaignId: input.campaignId,
      sessionId: session.id,
      userId: input.userId,
      orgUnit: input.orgUnit,
      status: free ? "confirmed" : "waitlisted",
      ticketCode: newTicketCode(),
      answers: input.answers,
      createdAt: now,
      updatedAt: now,
      ...(free ? { confirmedAt: now } : { waitKey }),
    };
    const regItem = {
      ...keys.registration(session.id, input.userId),
      ...keys.registrationByOwner(input.userId, now),
      ...keys.ticket(registration.ticketCode),
      ...registration,
    };
    const ops: TxOp[] = free
      ? [
          {
            update: {
              key: keys.session(input.campaignId, session.id),
              update: "SET #taken = #taken + :one",
              condition: guards.seat,
              names: sessionNames,
              values: { ":one": 1, ":zero": 0 },
            },
          },
          { put: regItem, condition: noLiveRegistration() },
        ]
      : [
          {
            update: {
              key: keys.session(input.campaignId, session.id),
              update: "SET #waiting = #waiting + :one",
              condition: "#taken >= #capacity AND #waitlist = :yes",
              names: { ...sessionNames, "#waitlist": "waitlist" },
              values: { ":one": 1, ":yes": true },
            },
          },
          { put: regItem, condition: noLiveRegistration() },
          {
            put: { ...keys.waitlistPlace(session.id, waitKey!), registrationId: registration.id, userId: input.userId },
            condition: { expression: "attribute_not_exists(pk)" },
          },
        ];
    const result = await transact(db, ops);
    if (result.ok) {
      return free
        ? { registration, promoted }
        : { registration, position: await waitlistPosition(db, session.id, waitKey!), promoted };
    }
    if (result.failed.includes(1)) fail("ALREADY_REGISTERED");
    // The session changed under us (someone took the last seat, or a seat came free): look again.
  }
  return fail("IN_PROGRESS");
}

/** Her place in line, from 1: how many are waiting up to and including her. */
export async function waitlistPosition(db: Db, sessionId: string, waitKey: string): Promise<number> {
  const prefix = keys.waitlistPrefix();
  return countRange(db, keys.registrationPartition(sessionId), prefix, keys.waitlistPlace(sessionId, waitKey).sk);
}

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

/** The ops that move the first in line onto a seat (her registration + her place in line). */
function promotionOps(
  sessionId: string,
  first: { sk: string; userId: string },
  now: string,
): TxOp[] {
  return [
    {
      update: {
        key: keys.registration(sessionId, first.userId),
        update: "SET #status = :confirmed, confirmedAt = :now, promotedAt = :now, updatedAt = :now REMOVE waitKey",
        condition: "#status = :waitlisted",
        names: { "#status": "status" },
        values: { ":confirmed": "confirmed", ":waitlisted": "waitlisted", ":now": now },
      },
    },
    { delete: { pk: keys.registrationPartition(sessionId), sk: first.sk }, condition: { expression: "attribute_exists(pk)" } },
  ];
}

/**
 * Fills free seats from the waitlist, first come first served, one transaction per person.
 * Returns who was promoted.
 */
export async function promoteWaitlist(db: Db, clock: Clock, campaignId: string, sessionId: string): Promise<Promotion[]> {
  const promoted: Promotion[] = [];
  // Runs until the seats or the line run out; only lost races count against the limit.
  for (let lost = 0; lost < MAX_ATTEMPTS; ) {
    const first = await firstInLine(db, sessionId);
    if (!first) break;
    const result = await transact(db, [
      {
        update: {
          key: keys.session(campaignId, sessionId),
          update: "SET #taken = #taken + :one, #waiting = #waiting - :one",
          condition: "#taken < #capacity",
          names: { "#taken": "taken", "#capacity": "capacity", "#waiting": "waiting" },
          values: { ":one": 1 },
        },
      },
      ...promotionOps(sessionId, first, clock.now().toISOString()),
    ]);
    if (result.ok) promoted.push({ campaignId, sessionId, userId: first.userId });
    else if (result.failed.includes(0)) break; // no free seat any more
    else await backoff(++lost);
  }
  return promoted;
}

/**
 * Cancels a registration. A confirmed seat goes to the first in line in the same transaction
 * (so the seat is never free for a newcomer to jump the queue); with nobody waiting, the
 * seat is freed.
 */
export async function cancelRegistration(
  db: Db,
  clock: Clock,
  reg: Registration,
): Promise<{ registration: Registration; promoted: Promotion[] }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const current = attempt === 0 ? reg : await getRegistration(db, reg.sessionId, reg.userId);
    if (!current) return fail("REGISTRATION_NOT_FOUND");
    if (current.status === "cancelled") return { registration: current, promoted: [] };
    if (current.checkedInAt) fail("NOT_CANCELLABLE");
    const now = clock.now().toISOString();
    const cancel: TxOp = {
      update: {
        key: keys.registration(current.sessionId, current.userId),
        update: "SET #status = :cancelled, cancelledAt = :now, updatedAt = :now REMOVE waitKey",
        condition: "#status = :was AND attribute_not_exists(checkedInAt)",
        names: { "#status": "status" },
        values: { ":cancelled": "cancelled", ":was": current.status, ":now": now },
      },
    };
    const sessionKey = keys.session(current.campaignId, current.sessionId);
    let ops: TxOp[];
    let next: Promotion | undefined;
    if (current.status === "waitlisted") {
      ops = [
        cancel,
        { delete: keys.waitlistPlace(current.sessionId, current.waitKey!) },
        { update: { key: sessionKey, update: "SET #waiting = #waiting - :one", names: { "#waiting": "waiting" }, values: { ":one": 1 } } },
      ];
    } else {
      const first = await firstInLine(db, current.sessionId);
      next = first && { campaignId: current.campaignId, sessionId: current.sessionId, userId: first.userId };
      ops = first
        ? [
            cancel,
            ...promotionOps(current.sessionId, first, now),
            {
              update: {
                key: sessionKey,
                update: "SET #waiting = #waiting - :one",
                condition: "#waiting > :zero",
                names: { "#waiting": "waiting" },
                values: { ":one": 1, ":zero": 0 },
              },
            },
          ]
        : [
            cancel,
            {
              update: {
                key: sessionKey,
                update: "SET #taken = #taken - :one",
                // Someone may have joined the line since we looked: then she gets the seat (retry).
                condition: "#waiting = :zero",
                names: { "#taken": "taken", "#waiting": "waiting" },
                values: { ":one": 1, ":zero": 0 },
              },
            },
          ];
    }
    const result = await transact(db, ops);
    if (result.ok) {
      const registration: Registration = { ...current, status: "cancelled", cancelledAt: now, updatedAt: now, waitKey: undefined };
      return { registration, promoted: next ? [next] : [] };
    }
  }
  return fail("IN_PROGRESS");
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
const backoff = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
