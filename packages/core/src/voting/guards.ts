/**
 * The conditions that hold the voting invariants. They live in this file, which the voting module
 * does not export, and are writable only so that the invariant tests (importing this file by path)
 * can switch one off and show that the test then catches the bug — their negative controls.
 * Nothing else touches them.
 */
export const guards = {
  /** one record per voter × entry × day (× ordinal): the vote record's own key */
  oneVote: "attribute_not_exists(pk)",
  /** her votes for this entry today: the number this vote follows (its ordinal − 1), and below perEntryPerDay */
  perEntry: "attribute_not_exists(#entryCount) OR (#entryCount = :seenEntry AND #entryCount < :perEntryMax)",
  /** her votes today: the number this vote follows, and below votesPerDay */
  daily: "attribute_not_exists(#count) OR (#count = :seen AND #count < :max)",
};

/** What the tests swap in to switch a guard off (the same names and values, always true). */
export const guardsOff: typeof guards = {
  oneVote: "attribute_not_exists(pk) OR attribute_exists(pk)",
  perEntry: "attribute_not_exists(#entryCount) OR #entryCount <> :seenEntry OR #entryCount = :seenEntry OR #entryCount < :perEntryMax",
  daily: "attribute_not_exists(#count) OR #count <> :seen OR #count = :seen OR #count < :max",
};
