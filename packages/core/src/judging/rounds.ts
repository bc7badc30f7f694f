import { getItem, putItem, queryAll, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import { covers } from "../org-units/index.ts";
import { hasCapability, type Campaign } from "../campaigns/index.ts";
import type { Clock } from "../clock/index.ts";
import type { Rubric } from "./scoring.ts";
import type { Round } from "./model.ts";

type Stored<T> = T & { pk: string; sk: string };
export const strip = <T extends object>({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, ...rest }: any): T => rest as T;

export interface RoundInput {
  name: string;
  nameEn?: string;
  /** default: the campaign's */
  orgUnit?: string;
  rubric: Rubric;
  advance?: number;
  from?: string[];
}

/**
 * A new round of a campaign that has rounds. Its unit is the campaign's or one below it; the
 * rounds it follows must be this campaign's, already exist, send someone on (`advance`) and
 * be of its unit or below (a city round follows its own counties, the final the cities).
 * Whether the organiser may run that unit is the caller's check.
 */
export async function createRound(db: Db, clock: Clock, campaign: Campaign, input: RoundInput, actorId: string, id = newId("r")): Promise<Round> {
  if (!hasCapability(campaign, "rounds")) fail("NO_ROUNDS");
  const orgUnit = input.orgUnit ?? campaign.orgUnit;
  if (!covers(campaign.orgUnit, orgUnit)) fail("VALIDATION", { fields: { orgUnit: "FIELD_ORG_UNIT" } });
  const from = input.from ? [...new Set(input.from)] : undefined;
  if (from) {
    const previous = await Promise.all(from.map((r) => getRound(db, r)));
    const fields: Record<string, string> = {};
    previous.forEach((p, i) => {
      if (!p || p.campaignId !== campaign.id || p.advance === undefined || !covers(orgUnit, p.orgUnit)) fields[`from.${i}`] = "FIELD_INVALID";
    });
    if (Object.keys(fields).length) fail("VALIDATION", { fields });
  }
  const now = clock.now().toISOString();
  const round: Round = {
    id,
    campaignId: campaign.id,
    name: input.name,
    ...(input.nameEn ? { nameEn: input.nameEn } : {}),
    orgUnit,
    rubric: input.rubric,
    ...(input.advance !== undefined ? { advance: input.advance } : {}),
    ...(from?.length ? { from } : {}),
    status: "open",
    createdAt: now,
    createdBy: actorId,
  };
  await putItem(
    db,
    { ...keys.round(id), ...keys.roundByCampaign(campaign.id, now, id), ...round },
    { expression: "attribute_not_exists(pk)" },
  );
  return round;
}

export async function getRound(db: Db, id: string): Promise<Round | undefined> {
  const item = await getItem<Stored<Round>>(db, keys.round(id));
  return item ? strip<Round>(item) : undefined;
}

/** A campaign's rounds in the order they were made (a few per county at most: one small listing). */
export async function listRounds(db: Db, campaignId: string): Promise<Round[]> {
  const items = await queryAll<Stored<Round>>(db, { index: "gsi1", partition: keys.campaignRoundsPartition(campaignId) });
  return items.map((i) => strip<Round>(i));
}

/** The rounds it follows that have not closed yet: until they have, it holds nobody. */
export async function waitingFor(db: Db, round: Round): Promise<string[]> {
  if (!round.from?.length) return [];
  const previous = await Promise.all(round.from.map((id) => getRound(db, id)));
  return round.from.filter((_, i) => previous[i]?.status !== "closed");
}

/** ROUND_NOT_READY (naming the rounds it waits for) unless the rounds it follows are all closed. */
export async function mustBeReady(db: Db, round: Round): Promise<void> {
  const waiting = await waitingFor(db, round);
  if (waiting.length) fail("ROUND_NOT_READY", { waitingFor: waiting });
}
