/**
 * The conditions that hold the entries' invariants under any concurrency: "one live entry per
 * person per campaign" (or as many as the campaign allows), "no unit beyond its nomination
 * quota" and "one nomination per nominee per campaign". They live in this file, which the entries
 * module does not export, and are writable only so that the invariant tests (importing this file
 * by path) can switch one off and show that the test then catches the bug — its negative
 * control. Nothing else touches them.
 */
export const guards = {
  /** her entrant counter is below the campaign's limit (a first entry has no counter yet) */
  entryLimit: "attribute_not_exists(#count) OR #count < :max",
  /** the unit's nomination counter is below its quota (a first nomination has no counter yet) */
  quota: "attribute_not_exists(#count) OR #count < :max",
  /** nobody holds this nominee's place in the campaign yet */
  nominee: "attribute_not_exists(pk)",
};

/** What the test swaps in to switch a guard off (the same names and values, always true). */
export const guardsOff: typeof guards = {
  entryLimit: "attribute_not_exists(#count) OR #count < :max OR #count >= :max",
  quota: "attribute_not_exists(#count) OR #count < :max OR #count >= :max",
  nominee: "attribute_not_exists(pk) OR attribute_exists(pk)",
};
