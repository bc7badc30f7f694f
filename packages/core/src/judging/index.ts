export * from "./scoring.ts";
export * from "./model.ts";
export { createRound, getRound, listRounds, waitingFor, mustBeReady, type RoundInput } from "./rounds.ts";
export { members, memberOf } from "./membership.ts";
export { inviteJudge, judgeOf, listJudges, judgesWithUsers, removeJudge, assignmentsOf, judgedRound, judgeLabel } from "./judges.ts";
export {
  saveScore,
  recuse,
  submitRound,
  scoreSheet,
  judgeFields,
  judgeProgress,
  roundProgress,
  roundRecords,
  recordOf,
  scoreItem,
  entryNumber,
  type ScoreInput,
  type SheetLine,
} from "./scores.ts";
export { closeRound, computeResults, missingScores, readRoundPartition, readResults, ranking, rankingLine, type CloseOutcome } from "./close.ts";
export { publishResults, publicResults, finalRound, type PublishedResults } from "./results.ts";
