import type { Answers } from "../forms/validate.ts";

export type RegistrationStatus = "confirmed" | "waitlisted" | "cancelled";

export interface Registration {
  /** `<sessionId>.<userId>`: the key itself, so one woman has one registration per session. */
  id: string;
  campaignId: string;
  sessionId: string;
  userId: string;
  /** the campaign's owner, for access checks without another read */
  orgUnit: string;
  status: RegistrationStatus;
  ticketCode: string;
  answers: Answers;
  /** her arrival number while waitlisted (zero-padded, so the line sorts by it) */
  waitKey?: string;
  /** the Idempotency-Key of the request that made it: a retry of that request gets it back */
  requestKey?: string;
  createdAt: string;
  updatedAt: string;
  confirmedAt?: string;
  cancelledAt?: string;
  checkedInAt?: string;
  checkedInBy?: string;
  promotedAt?: string;
}

export const registrationId = (sessionId: string, userId: string) => `${sessionId}.${userId}`;

export function parseRegistrationId(id: string): { sessionId: string; userId: string } | undefined {
  const m = /^([a-z0-9-]{1,64})\.(u[0-9a-z]{12})$/.exec(id);
  return m ? { sessionId: m[1]!, userId: m[2]! } : undefined;
}
