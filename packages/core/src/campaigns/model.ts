import * as z from "zod/mini";
import { formSchema } from "../forms/model.ts";
import { oneLineText } from "../forms/text.ts";

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
  votesPerDay: z.number().check(z.int(), z.gte(1), z.lte(100)),
  perEntryPerDay: z.number().check(z.int(), z.gte(1), z.lte(100)),
  showCounts: z.boolean(),
});
/** How judges' scores and public votes combine into a result (API.md, results): they sum to 1. */
export const weightsSchema = z
  .object({ judges: z.number().check(z.gte(0), z.lte(1)), public: z.number().check(z.gte(0), z.lte(1)) })
  .check(z.refine((w) => Math.abs(w.judges + w.public - 1) < 1e-9, { message: "weights sum to 1", path: ["public"] }));
/** Nominations per unit (推荐名额): the same for every unit, or set unit by unit. */
export const quotaSchema = z.object({
  perUnit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))),
  units: z.optional(z.record(z.string().check(z.maxLength(40)), z.number().check(z.int(), z.gte(0), z.lte(1000)))),
});

/** A campaign's own sensitive words, screened for beside the default list (core/screening). */
export const sensitiveWordsSchema = z.array(oneLineText(40, { required: true })).check(z.maxLength(200));

/**
 * What a campaign has. Each kind's preset declares its capabilities, and code asks for a
 * capability — never for a kind — so a new kind is a new preset, not new branches.
 */
export const capabilities = ["sessions", "entries", "nominations", "rounds", "voting", "results"] as const;
export type Capability = (typeof capabilities)[number];

/**
 * The settings each kind may carry, one schema per kind: a campaign is validated by the
 * discriminated union of these over `kind` (what does not belong to its kind is refused).
 */
export const settingsByKind = {
  event: {},
  contest: { entriesPerPerson: z.optional(z.number().check(z.int(), z.gte(1), z.lte(20))), sensitiveWords: z.optional(sensitiveWordsSchema) },
  selection: {
    voting: z.optional(votingSchema),
    weights: z.optional(weightsSchema),
    quota: z.optional(quotaSchema),
    /** may a woman put herself forward? (else only units nominate, within their quota) */
    selfNomination: z.optional(z.boolean()),
    sensitiveWords: z.optional(sensitiveWordsSchema),
  },
  collection: {
    entriesPerPerson: z.optional(z.number().check(z.int(), z.gte(1), z.lte(20))),
    voting: z.optional(votingSchema),
    weights: z.optional(weightsSchema),
    sensitiveWords: z.optional(sensitiveWordsSchema),
  },
} as const satisfies Record<Kind, z.core.$ZodShape>;

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
  selfNomination?: boolean;
  /** live entries one person may have in it (default 1) */
  entriesPerPerson?: number;
  /** words its entries are screened for, beside the default list */
  sensitiveWords?: string[];
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
  /** Goes up with every change: a change made on what someone read earlier is refused (CAMPAIGN_CHANGED). */
  version?: number;
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
  /** `startsAt` in epoch seconds, for conditions: nothing moves once it has begun. */
  startsAtEpoch?: number;
  /** Waitlist arrival numbers taken so far, and how many of them have left the line. */
  arrivals?: number;
  departures?: number;
}
