import { keys } from "../table/index.ts";

/**
 * The key and the condition that hold the scoring invariants. They live in this module, which
 * judging/index.ts does not export, and are writable only so that the invariant tests (importing
 * this file by path) can switch one off and show that the test then catches the bug — their
 * negative controls. Nothing else touches them.
 */
export const guards = {
  /** one item per judge × entry × round: judges saving at once never write the same item */
  scoreKey: (roundId: string, judgeId: string, entryId: string) => keys.score(roundId, judgeId, entryId),
  /** her scores are locked once she submitted (her roundJudge item, ConditionChecked with every save) */
  notSubmitted: "attribute_exists(pk) AND attribute_not_exists(submittedAt)",
};

/** What the tests swap in: one item per entry shared by every judge, and no lock. */
export const guardsOff: typeof guards = {
  scoreKey: (roundId: string, _judgeId: string, entryId: string) => keys.score(roundId, "shared", entryId),
  notSubmitted: "attribute_exists(pk)",
};
