import { getItem, putItem, queryAll, updateItem, isConditionFailed, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import type { Form } from "../forms/model.ts";
import { currentPhase, openPhaseNow } from "./phases.ts";
import { presets, presetPhases, hasCapability, intake } from "./presets.ts";
import type { Campaign, Kind, Phase, PhaseName, Session } from "./model.ts";

export * from "./model.ts";
export * from "./phases.ts";
export { presets, presetPhases, hasCapability, intake, type Preset } from "./presets.ts";

type Stored<T> = T & { pk: string; sk: string };
const strip = <T extends object>({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, ...rest }: any): T => rest as T;

export interface CampaignInput {
  kind: Kind;
  title: string;
  titleEn?: string;
  orgUnit: string;
  description?: string;
  descriptionEn?: string;
  phases?: Phase[];
  form?: Form;
  voting?: Campaign["voting"];
  weights?: Campaign["weights"];
  quota?: Campaign["quota"];
  selfNomination?: boolean;
  entriesPerPerson?: number;
}

/** A new draft; the kind's preset fills what the organiser left out. */
export async function createCampaign(db: Db, clock: Clock, input: CampaignInput, id = newId("c")): Promise<Campaign> {
  const now = clock.now();
  const preset = presets[input.kind];
  const campaign: Campaign = {
    ...preset.settings,
    ...definedOnly(input),
    id,
    kind: input.kind,
    title: input.title,
    orgUnit: input.orgUnit,
    description: input.description ?? "",
    phases: input.phases ?? presetPhases(input.kind, now),
    form: input.form ?? preset.form,
    status: "draft",
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
  await putItem(
    db,
    { ...keys.campaign(id), ...keys.campaignListing(campaign.createdAt, id), ...campaign },
    { expression: "attribute_not_exists(pk)" },
  );
  forget(db, id);
  return campaign;
}

export async function getCampaign(db: Db, id: string): Promise<Campaign | undefined> {
  const item = await getItem<Stored<Campaign>>(db, keys.campaign(id));
  return item ? strip<Campaign>(item) : undefined;
}

// Registration reads the campaign (form, phases, owner) on every attempt; during a rush that is
// thousands of reads of an item that changes a few times a month. A few seconds' staleness is
// safe: seats are guarded by the transaction, not by this read. Changes made through this
// process drop the entry at once.
const CAMPAIGN_CACHE_MS = 5_000;
const campaignCache = new WeakMap<Db, Map<string, { at: number; campaign: Campaign | undefined }>>();

/** The campaign definition, as read at most a few seconds ago (for the registration path). */
export async function getCampaignRecent(db: Db, id: string): Promise<Campaign | undefined> {
  let byId = campaignCache.get(db);
  if (!byId) campaignCache.set(db, (byId = new Map()));
  const hit = byId.get(id);
  if (hit && Date.now() - hit.at < CAMPAIGN_CACHE_MS) return hit.campaign;
  const campaign = await getCampaign(db, id);
  byId.set(id, { at: Date.now(), campaign });
  return campaign;
}

const forget = (db: Db, id: string) => campaignCache.get(db)?.delete(id);

/** The campaign and its sessions in one Query (they share a partition). */
export async function getCampaignWithSessions(db: Db, id: string): Promise<{ campaign: Campaign; sessions: Session[] } | undefined> {
  const items = await queryAll<Stored<Record<string, unknown>>>(db, { partition: keys.campaignPartition(id) });
  const head = items.find((i) => i.sk === keys.campaign(id).sk);
  if (!head) return undefined;
  const sessions = items
    .filter((i) => i.sk.startsWith(keys.sessionPrefix()))
    .map((i) => strip<Session>(i))
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  return { campaign: strip<Campaign>(head), sessions };
}

export interface CampaignFilter {
  kind?: Kind;
  /** only campaigns owned by this unit or below */
  org?: string;
  phase?: string;
  /** drafts too (organisers) */
  includeDrafts?: boolean;
}

/**
 * Campaigns newest first. A federation runs tens of campaigns a year, so one listing partition
 * read whole and filtered here is cheaper and simpler than an index per filter.
 */
export async function listCampaigns(db: Db, clock: Clock, filter: CampaignFilter = {}): Promise<Campaign[]> {
  const items = await queryAll<Stored<Campaign>>(db, {
    index: "gsi1",
    partition: keys.campaignListingPartition(),
    newestFirst: true,
  });
  const now = clock.now();
  return items
    .map((i) => strip<Campaign>(i))
    .filter((c) => filter.includeDrafts || c.status === "published")
    .filter((c) => !filter.kind || c.kind === filter.kind)
    .filter((c) => !filter.org || c.orgUnit === filter.org || c.orgUnit.startsWith(`${filter.org}.`))
    .filter((c) => !filter.phase || currentPhase(c.phases, now) === filter.phase);
}

export type CampaignChange = Partial<Omit<CampaignInput, "kind" | "orgUnit">>;

/**
 * Changes a campaign. With `seen` (the campaign as the organiser's request read it), the change
 * applies only if nobody changed it since — a phase opened a moment ago is never overwritten by
 * an edit made on the older copy (CAMPAIGN_CHANGED).
 */
export async function updateCampaign(db: Db, clock: Clock, id: string, change: CampaignChange, seen?: Pick<Campaign, "version">): Promise<Campaign> {
  const fields = definedOnly(change);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":now": clock.now().toISOString() };
  const sets = ["updatedAt = :now"];
  for (const [k, v] of Object.entries(fields)) {
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  return mutate(db, id, { update: `SET ${sets.join(", ")}`, names, values }, seen);
}

export async function publishCampaign(db: Db, clock: Clock, id: string): Promise<Campaign> {
  const now = clock.now().toISOString();
  return mutate(db, id, {
    update: "SET #status = :published, publishedAt = if_not_exists(publishedAt, :now), updatedAt = :now",
    names: { "#status": "status" },
    values: { ":published": "published", ":now": now },
  });
}

export async function openPhase(db: Db, clock: Clock, id: string, phase: PhaseName): Promise<Campaign> {
  const campaign = (await getCampaign(db, id)) ?? fail("CAMPAIGN_NOT_FOUND");
  if (!campaign.phases.some((p) => p.name === phase)) fail("VALIDATION", { fields: { phase: "FIELD_CHOICE" } });
  const phases = openPhaseNow(campaign.phases, phase, clock.now());
  // On the version just read: two organisers' phase changes never overwrite each other.
  return mutate(db, id, { update: "SET phases = :phases, updatedAt = :now", values: { ":phases": phases, ":now": clock.now().toISOString() } }, campaign);
}

/**
 * Every change of a campaign goes through here: the version goes up, and with `seen` the change
 * is conditional on the version the caller read.
 */
async function mutate(
  db: Db,
  id: string,
  u: { update: string; names?: Record<string, string>; values?: Record<string, unknown> },
  seen?: Pick<Campaign, "version">,
): Promise<Campaign> {
  forget(db, id);
  const conditions = ["attribute_exists(pk)"];
  const values: Record<string, unknown> = { ...u.values, ":zero": 0, ":one": 1 };
  if (seen) {
    if (seen.version === undefined) conditions.push("attribute_not_exists(version)");
    else (conditions.push("version = :seen"), (values[":seen"] = seen.version));
  }
  try {
    const item = await updateItem<Stored<Campaign>>(db, {
      key: keys.campaign(id),
      update: `${u.update}, version = if_not_exists(version, :zero) + :one`,
      condition: conditions.join(" AND "),
      names: u.names && Object.keys(u.names).length ? u.names : undefined,
      values,
    });
    return strip<Campaign>(item);
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    return fail((await getCampaign(db, id)) ? "CAMPAIGN_CHANGED" : "CAMPAIGN_NOT_FOUND");
  }
}

/** What anyone may read of a campaign. */
export function publicCampaign(campaign: Campaign, sessions: Session[] | undefined, now: Date) {
  // The screening list is the organisers' tool; published, it would only teach how to get round it.
  const { status, createdAt, updatedAt, version, sensitiveWords, ...rest } = campaign;
  return {
    ...rest,
    phase: currentPhase(campaign.phases, now),
    capabilities: presets[campaign.kind].capabilities,
    intake: intake(campaign, now),
    ...(hasCapability(campaign, "sessions") && sessions ? { sessions: sessions.map(publicSession) } : {}),
  };
}

export const publicSession = (s: Session) => ({
  id: s.id,
  title: s.title,
  ...(s.titleEn ? { titleEn: s.titleEn } : {}),
  startsAt: s.startsAt,
  ...(s.endsAt ? { endsAt: s.endsAt } : {}),
  venue: s.venue,
  ...(s.orgUnit ? { orgUnit: s.orgUnit } : {}),
  capacity: s.capacity,
  seatsLeft: Math.max(0, s.capacity - s.taken),
  waitlist: s.waitlist,
  waiting: s.waiting,
});

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

