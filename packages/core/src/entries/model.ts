import type { Answers } from "../forms/validate.ts";
import type { AnswerMark } from "../screening/index.ts";

/**
 * What an entry goes through: submitted → approved | rejected | changes_requested (back to her,
 * she edits and it is submitted again); withdrawn by her at any time before judging.
 */
export type EntryStatus = "submitted" | "approved" | "rejected" | "changes_requested" | "withdrawn";
export const entryStatuses = ["submitted", "approved", "rejected", "changes_requested", "withdrawn"] as const satisfies readonly EntryStatus[];

/** A team (contest), a nominee (selection) or a story (collection): one engine, by kind. */
export interface Entry {
  id: string;
  campaignId: string;
  /** who submitted it (the team leader, the nominating organiser, the author) */
  userId: string;
  /** the unit named by the form's first `orgUnit` field, else the campaign's: its organisers review it */
  orgUnit: string;
  status: EntryStatus;
  /** what lists show: the form's first text answer (team name, nominee, story title) */
  title: string;
  /**
   * What she gave, cleaned. A resident ID answer is kept only masked here (430***********123X);
   * the number itself is in `sealed`, so no view of the answers can show it.
   */
  answers: Answers;
  /** each resident ID answer, sealed (privacy's sealIdNumber), by field key */
  sealed?: Record<string, string>;
  /** a nomination (a campaign with the "nominations" capability): the places it holds */
  nomination?: Nomination;
  /** what screening found in its answers at its last submit or edit, for the organisers (empty: nothing) */
  screening?: AnswerMark[];
  /** why it was rejected or sent back, shown to her */
  reviewReason?: string;
  reviewedBy?: string;
  reviewedAt?: string;
  withdrawnAt?: string;
  /** the Idempotency-Key of the request that made it: a retry of that request finds it */
  requestKey?: string;
  createdAt: string;
  updatedAt: string;
  /** goes up with every change (edits and reviews never overwrite each other) */
  version: number;
}

/**
 * The places a nomination holds while it is live, each given back when it is withdrawn. Put
 * forward by an organiser of the unit, it holds one of that unit's places (`quotaUnit`); put
 * forward by herself (where the campaign takes self-nominations), her entrant place instead, as
 * any entry. Either way its nominee's place in the campaign (`nominee`, the keyed hash of her
 * resident ID), when the form asks for one.
 */
export interface Nomination {
  quotaUnit?: string;
  nominee?: string;
}
