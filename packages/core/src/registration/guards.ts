import { newTicketCode } from "../ids/index.ts";

/**
 * The conditions that hold the registration invariants. They live in this module, which the
 * package does not export, and are writable only so that the invariant tests (importing this
 * file by path) can switch one off and show that the test then catches the bug — their
 * negative controls. Nothing else touches them.
 */
export const guards = {
  /** no overselling, and nobody jumps the waitlist */
  seat: "#taken < #capacity AND #waiting = :zero",
  /** one live registration per woman per session; a cancelled one may be replaced */
  oneRegistration: "attribute_not_exists(pk) OR #status = :cancelled",
  /** the waitlist is served in order of arrival */
  firstComeFirstServed: true,
  /** nothing moves once the session has begun: no cancellation, no promotion */
  notStarted: "#startsAtEpoch > :nowEpoch",
  /** no two tickets share a check-in code: the code's claim item is new */
  uniqueTicketCode: "attribute_not_exists(pk)",
};

/** What the tests swap in to switch a guard off (the same names and values, always true). */
export const guardsOff: typeof guards = {
  seat: "attribute_exists(#capacity) AND #taken >= :zero AND #waiting >= :zero",
  oneRegistration: "attribute_not_exists(pk) OR #status <> :cancelled OR #status = :cancelled",
  firstComeFirstServed: false,
  notStarted: "attribute_exists(#startsAtEpoch) AND :nowEpoch = :nowEpoch",
  uniqueTicketCode: "attribute_not_exists(pk) OR attribute_exists(pk)",
};

/**
 * Where new check-in codes come from. Random codes almost never collide, so a test that shows
 * the claim at work swaps in a source that repeats itself; nothing else touches it.
 */
export const ticketCodes = { draw: newTicketCode };
