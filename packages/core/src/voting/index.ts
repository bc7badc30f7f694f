/**
 * Public voting (投票): a signed-in voter's daily allowance, one transaction per vote, counters
 * sharded over VOTE_SHARDS partitions, a cached leaderboard, a recount from the records, and
 * fraud review (anomalies, voiding). The guards that hold the rules are not exported: only the
 * invariant tests reach them, by path.
 */
export * from "./model.ts";
export { castVote, myDay, ownView, votingCampaign, type CastInput, type CastResult, type CastVote } from "./cast.ts";
export { totals, recount, leaderboard, leaderboardLines, forgetLeaderboard, BOARD_CACHE_MS, type Recount, type BoardLine } from "./board.ts";
export { anomalies, votesBetween, reviewRules, MAX_WINDOW_MS, MAX_REVIEW_VOTES, type Anomaly, type AnomalyKind, type Review, type ReviewedVote } from "./review.ts";
export { voidVotes, type VoidTarget, type VoidOutcome } from "./void.ts";
export { networkOf, keyedHash, voteEvidence, clientSubject, type VoteEvidence } from "./evidence.ts";
