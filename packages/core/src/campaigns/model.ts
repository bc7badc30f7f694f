import { z } from "zod";
import { formSchema } from "../forms/model.ts";

export const kinds = ["event", "contest", "selection", "collection"] as const;
export type Kind = (typeof kinds)[number];

export const phaseNames = ["registration", "submission", "review", "judging", "voting", "publicity", "closed"] as const;
export type PhaseName = (typeof phaseNames)[number];
/** What a campaign's `phase` says when no window is open: before the first, or after the last. */
export type CurrentPhase = PhaseName | "upcoming";

const isoTime = z.iso.datetime({ offset: true });

export const phaseSchema = z.object({ name: z.enum(phaseNames), opensAt: isoTime, closesAt: isoTime });
export type Phase = z.infer<typeof phaseSchema>;

export const votingSchema = z.object({
  votesPerDay: z.number().int().min(1).max(100),
  perEntryPerDay: z.number().int().min(1).max(100),
  showCounts: z.boolean(),
});
export const weightsSchema = z.object({ judges: z.number().min(0).max(1), public: z.number().min(0).max(1) });
export const quotaSchema = z.object({ perUnit: z.number().int().min(1).max(1000) });

export interface Campaign {
  id: string;
  kind: Kind;
  title: string;
  titleEn?: string;
  description: string;
  descriptionEn?: string;
  /** The org unit that owns it: its organisers (and those above) manage it. */
  orgUnit: string;
  status: "draft" | "published";
  phases: Phase[];
  form: z.infer<typeof formSchema>;
  voting?: z.infer<typeof votingSchema>;
  weights?: z.infer<typeof weightsSchema>;
  quota?: z.infer<typeof quotaSchema>;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
}

export interface Session {
  id: string;
  campaignId: string;
  title: string;
  titleEn?: string;
  startsAt: string;
  endsAt?: string;
  venue: string;
  /** The unit where it takes place (a city for the lecture tour). */
  orgUnit?: string;
  capacity: number;
  /** Seats confirmed; never above capacity (the condition on every seat taken). */
  taken: number;
  /** People in the waitlist now. */
  waiting: number;
  waitlist: boolean;
}
