import type { Answers } from "../forms/validate.ts";

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
  answers: Answers;
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
