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
export {
  publishResults,
  refreshResults,
  finaliseResults,
  publicResults,
  finalRound,
  combinedScore,
  rankStandings,
  resultsMode,
  publicStatus,
  type PublishedResults,
  type PublishedRound,
  type PublicLine,
  type ResultsMode,
  type VoteTotals,
  type Weights,
  type Basis,
  type Standing,
} from "./results.ts";
export { lodgeObjection, listObjections, resolveObjection, unresolvedObjections, maskContact, OBJECTION_LIMIT, type Objection, type ObjectionInput } from "./objections.ts";
