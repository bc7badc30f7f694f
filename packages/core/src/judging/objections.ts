import { getItem, putItem, query, queryAll, updateItem, isConditionFailed, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import { hit } from "../rate-limit/index.ts";
import { maskPhone } from "../forms/mask.ts";
import { getCampaignRecent } from "../campaigns/index.ts";
import { getRound } from "./rounds.ts";
import { publicLines, publicityEnd, publicStatus, publishedRound, type PublishedRound } from "./publication.ts";

/**
 * 公示 objections: anyone signed in may object to an entry of the published list while 公示 is
 * on; the organisers who manage the campaign read them and write down how each was dealt with,
 * and the results are finalised only once every one has been.
 */

export interface Objection {
  id: string;
  campaignId: string;
  entryId: string;
  /** who lodged it */
  userId: string;
  text: string;
  /** how she would like to be reached, as she wrote it */
  contact?: string;
  createdAt: string;
  status: "received" | "resolved";
  resolution?: string;
  resolvedAt?: string;
  resolvedBy?: string;
}

type Stored = Objection & { pk: string; sk: string };
const strip = ({ pk, sk, ...o }: Stored): Objection => o;

/** At most this many per person per campaign in a day (a fixed 24-hour window): enough to object, not to flood. */
export const OBJECTION_LIMIT = { scope: "objection", windowSeconds: 86_400, max: 5 } as const;

/**
 * An objection's id carries the time it was made (base 36 milliseconds, then 12 random
 * characters), so its key is rebuilt from the campaign and the id alone: resolving it is one
 * read by key, not a search of the campaign's objections.
 */
const ID = /^o([0-9a-z]{9})[0-9a-z]{12}$/;
const objectionId = (at: Date) => newId(`o${at.getTime().toString(36).padStart(9, "0")}`);
function keyOf(campaignId: string, id: string) {
  const m = ID.exec(id);
  if (!m) return undefined;
  const at = new Date(parseInt(m[1]!, 36));
  return Number.isNaN(at.getTime()) ? undefined : keys.objection(campaignId, at.toISOString(), id);
}

/** The published round, if the results are public and 公示 is on (PUBLICITY_CLOSED else). */
async function duringPublicity(db: Db, clock: Clock, campaignId: string) {
  const campaign = await getCampaignRecent(db, campaignId);
  if (!campaign || campaign.status !== "published") return fail("CAMPAIGN_NOT_FOUND");
  const published = (await publishedRound(db, campaignId)) ?? fail("RESULTS_NOT_PUBLISHED");
  const status = publicStatus(campaign, published.round, clock.now());
  if (!status.objectionsOpen) fail("PUBLICITY_CLOSED", { publicityEndsAt: publicityEnd(campaign, published.round) ?? null });
  return published;
}

export interface ObjectionInput {
  entryId: string;
  text: string;
  contact?: string;
}

/**
 * Lodges an objection to an entry of the published list, during 公示 only. The rules are checked
 * before the limit is counted, so a mistake never uses up her day's objections.
 */
export async function lodgeObjection(db: Db, clock: Clock, campaignId: string, userId: string, input: ObjectionInput): Promise<Objection> {
  const { round, results } = await duringPublicity(db, clock, campaignId);
  if (!publicLines(round, results).some((l) => l.entryId === input.entryId)) fail("VALIDATION", { fields: { entryId: "FIELD_INVALID" } });
  if (!(await hit(db, clock, OBJECTION_LIMIT, `${campaignId}#${userId}`))) fail("RATE_LIMITED");
  const now = clock.now();
  const objection: Objection = {
    id: objectionId(now),
    campaignId,
    entryId: input.entryId,
    userId,
    text: input.text,
    ...(input.contact ? { contact: input.contact } : {}),
    createdAt: now.toISOString(),
    status: "received",
  };
  await putItem(db, { ...keys.objection(campaignId, objection.createdAt, objection.id), ...objection }, { expression: "attribute_not_exists(pk)" });
  return objection;
}

/** The campaign's objections, newest first, a page at a time. */
export async function listObjections(db: Db, campaignId: string, limit = 50, cursor?: Record<string, any>) {
  const page = await query<Stored>(db, { partition: keys.objectionsPartition(campaignId), newestFirst: true, limit, cursor });
  return { items: page.items.map(strip), next: page.next };
}

/** How many objections have not been dealt with yet. */
export async function unresolvedObjections(db: Db, campaignId: string): Promise<number> {
  const items = await queryAll<Stored>(db, { partition: keys.objectionsPartition(campaignId) });
  return items.filter((o) => o.status !== "resolved").length;
}

/**
 * Writes down how an objection was dealt with. Writing it again replaces what was written (each
 * time audit-logged by the caller), until the results are final: then it stands (ALREADY_FINAL).
 */
export async function resolveObjection(db: Db, clock: Clock, campaignId: string, id: string, resolution: string, actorId: string): Promise<Objection> {
  const key = keyOf(campaignId, id) ?? fail("OBJECTION_NOT_FOUND");
  if (!(await getItem<Stored>(db, key))) fail("OBJECTION_NOT_FOUND");
  const published = await publishedRound(db, campaignId);
  const round = published && ((await getRound(db, published.round.id)) as PublishedRound | undefined);
  if (round?.finalisedAt) fail("ALREADY_FINAL");
  try {
    const item = await updateItem<Stored>(db, {
      key,
      update: "SET #status = :resolved, resolution = :resolution, resolvedAt = :at, resolvedBy = :by",
      condition: "attribute_exists(pk)",
      names: { "#status": "status" },
      values: { ":resolved": "resolved", ":resolution": resolution, ":at": clock.now().toISOString(), ":by": actorId },
    });
    return strip(item);
  } catch (err) {
    if (isConditionFailed(err)) fail("OBJECTION_NOT_FOUND");
    throw err;
  }
}

/** A contact as an organiser of a unit above the owner sees it: a number keeps its ends, anything else its first character. */
export function maskContact(contact: string): string {
  const digits = contact.replace(/[\s-]/g, "");
  if (/^\+?\d{7,}$/.test(digits)) return maskPhone(digits);
  const first = [...contact][0] ?? "";
  return `${first}****`;
}
