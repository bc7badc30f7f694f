/**
 * The condition that holds "one live entry per person per campaign" (or as many as the campaign
 * allows). It lives in this file, which the entries module does not export, and is writable only
 * so that the invariant test (importing this file by path) can switch it off and show that the
 * test then catches the bug — its negative control. Nothing else touches it.
 */
export const guards = {
  /** her entrant counter is below the campaign's limit (a first entry has no counter yet) */
  entryLimit: "attribute_not_exists(#count) OR #count < :max",
};

/** What the test swaps in to switch the guard off (the same names and values, always true). */
export const guardsOff: typeof guards = {
  entryLimit: "attribute_not_exists(#count) OR #count < :max OR #count >= :max",
};
