import { getItem, query, queryAll, transact, updateItem, isConditionFailed, type Db, type TxOp } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import { getCampaign, hasCapability, intake, type Campaign } from "../campaigns/index.ts";
import { validateAnswers, type Answers } from "../forms/validate.ts";
import { maskAnswers } from "../forms/mask.ts";
import { isPersonal } from "../forms/model.ts";
import { covers, orgUnitIds } from "../org-units/index.ts";
import { canManage, organiserScopes, type Actor } from "../identity/access.ts";
import { assertOwnUploads, publicUploadOps } from "../uploads/index.ts";
import * as Audit from "../audit/index.ts";
import { guards } from "./guards.ts";
import type { Entry, EntryStatus } from "./model.ts";

export * from "./model.ts";

/**
 * Entries: a team (contest), a nominee (selection), a story (collection), one engine for every
 * kind with the "entries" capability. Each entry is its own item (ENTRY#id), listed per campaign
 * and status (gsi2, moved by every status change) and per submitter (gsi1); never read with the
 * campaign page.
 */

/** Lost races before a writer gives up and she is told to try again in a moment (BUSY). */
const MAX_ATTEMPTS = 12;

type Stored = Entry & Record<string, unknown>;

function strip(item: Record<string, unknown>): Entry {
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, ...rest } = item;
  return rest as unknown as Entry;
}

const entryItem = (e: Entry) => ({
  ...keys.entry(e.id),
  ...keys.entryByStatus(e.campaignId, e.status, e.createdAt, e.id),
  ...keys.entryByOwner(e.userId, e.createdAt, e.id),
  ...e,
});

/** The SET clause and values that move an entry into another status's listing. */
function statusMove(e: Entry, status: EntryStatus) {
  const k = keys.entryByStatus(e.campaignId, status, e.createdAt, e.id);
  return { set: "#status = :to, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk", values: { ":to": status, ":gsi2pk": k.gsi2pk, ":gsi2sk": k.gsi2sk } };
}

/** Only on the entry as it was read: a review and an edit never overwrite each other. */
const unchanged = (e: Entry) => ({
  condition: "#status = :was AND #version = :seen",
  names: { "#status": "status", "#version": "version" },
  values: { ":was": e.status, ":seen": e.version, ":one": 1 },
});

export async function getEntry(db: Db, id: string): Promise<Entry | undefined> {
  const item = await getItem<Stored>(db, keys.entry(id));
  return item ? strip(item) : undefined;
}

/** The campaign an entry goes into: published, and its kind takes entries (else NO_ENTRIES). */
async function campaignWithEntries(db: Db, campaignId: string): Promise<Campaign> {
  const campaign = await getCampaign(db, campaignId);
  if (!campaign || campaign.status !== "published") return fail("CAMPAIGN_NOT_FOUND");
  if (!hasCapability(campaign, "entries")) fail("NO_ENTRIES");
  return campaign;
}

const imageIds = (campaign: Campaign, answers: Answers) =>
  campaign.form.fields.filter((f) => f.type === "image").flatMap((f) => (Array.isArray(answers[f.key]) ? (answers[f.key] as string[]) : []));

/**
 * Her answers checked against the form (uploads must be hers), and what the entry takes from
 * them: its unit, the first `orgUnit` answer (else the campaign's), which must be the campaign's
 * unit or below it — a 长沙 campaign's entry cannot go to 株洲's organisers; and its title, the
 * first text answer that is not personal (lists and the public pages show it).
 */
async function readAnswers(db: Db, campaign: Campaign, userId: string, given: Answers) {
  const answers = validateAnswers(campaign.form, given, await orgUnitIds(db));
  for (const f of campaign.form.fields) {
    if (f.type === "image" && Array.isArray(answers[f.key])) await assertOwnUploads(db, userId, answers[f.key] as string[], f.key);
  }
  const unitField = campaign.form.fields.find((f) => f.type === "orgUnit");
  const unit = unitField ? answers[unitField.key] : undefined;
  if (typeof unit === "string" && !covers(campaign.orgUnit, unit)) fail("VALIDATION", { fields: { [unitField!.key]: "FIELD_ORG_UNIT" } });
  const titleField = campaign.form.fields.find((f) => f.type === "text" && !isPersonal(f) && typeof answers[f.key] === "string");
  return {
    answers,
    orgUnit: typeof unit === "string" ? unit : campaign.orgUnit,
    title: titleField ? (answers[titleField.key] as string) : "",
  };
}

export interface SubmitInput {
  campaignId: string;
  userId: string;
  answers: Answers;
  /** the request's Idempotency-Key: a retry of the same request finds its entry */
  requestKey?: string;
}

/**
 * A new entry, while the campaign's intake phase is open. One live entry per person per
 * campaign (or `entriesPerPerson`): her entrant counter goes up under the limit in the same
 * transaction as the entry is put, so no number of taps at once makes a second one.
 */
export async function submitEntry(db: Db, clock: Clock, input: SubmitInput): Promise<Entry> {
  const campaign = await campaignWithEntries(db, input.campaignId);
  if (!intake(campaign, clock.now()).open) fail("PHASE_CLOSED");
  const { answers, orgUnit, title } = await readAnswers(db, campaign, input.userId, input.answers);
  const max = campaign.entriesPerPerson ?? 1;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const at = clock.now().toISOString();
    const entry: Entry = {
      id: newId("e"),
      campaignId: campaign.id,
      userId: input.userId,
      orgUnit,
      status: "submitted",
      title,
      answers,
      createdAt: at,
      updatedAt: at,
      version: 1,
      ...(input.requestKey ? { requestKey: input.requestKey } : {}),
    };
    const result = await transact(db, [
      {
        update: {
          key: keys.entrantCount(campaign.id, input.userId),
          update: "ADD #count :one",
          condition: guards.entryLimit,
          names: { "#count": "count" },
          values: { ":one": 1, ":max": max },
        },
      },
      { put: entryItem(entry), condition: { expression: "attribute_not_exists(pk)" } },
    ]);
    if (result.ok) return entry;
    if (result.failed.includes(0)) return (await sameRequest(db, campaign.id, input)) ?? fail("ENTRY_LIMIT", { entriesPerPerson: max });
    // A conflict with another of her requests at the same instant (or, once in 2^60, an id taken): again.
  }
  return fail("BUSY");
}

/** Her live entry made by this very request (a retry after the first answer was lost). */
async function sameRequest(db: Db, campaignId: string, input: SubmitInput): Promise<Entry | undefined> {
  if (!input.requestKey) return undefined;
  const mine = await queryAll<Stored>(db, { index: "gsi1", partition: keys.ownerEntriesPartition(input.userId) });
  return mine.map(strip).find((e) => e.campaignId === campaignId && e.requestKey === input.requestKey && e.status !== "withdrawn");
}

/** Her own entry; anyone else's is, to her, not there. */
async function ownEntry(db: Db, id: string, userId: string): Promise<Entry> {
  const entry = await getEntry(db, id);
  if (!entry || entry.userId !== userId) return fail("ENTRY_NOT_FOUND");
  return entry;
}

const editable: readonly EntryStatus[] = ["submitted", "changes_requested"];

/**
 * She changes her entry while intake is open and it is submitted or sent back to her; it is
 * submitted (for review) again. `answers` are merged over what she gave before (null clears an
 * optional answer); the whole is checked against the form again.
 */
export async function updateEntry(db: Db, clock: Clock, input: { entryId: string; userId: string; answers: Answers }): Promise<Entry> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const current = await ownEntry(db, input.entryId, input.userId);
    if (!editable.includes(current.status)) fail("NOT_EDITABLE", { status: current.status });
    const campaign = await campaignWithEntries(db, current.campaignId);
    if (!intake(campaign, clock.now()).open) fail("PHASE_CLOSED");
    const merged: Answers = Object.assign(Object.create(null), current.answers, input.answers);
    const { answers, orgUnit, title } = await readAnswers(db, campaign, input.userId, merged);
    const move = statusMove(current, "submitted");
    const guard = unchanged(current);
    try {
      const item = await updateItem<Stored>(db, {
        key: keys.entry(current.id),
        update: `SET ${move.set}, #answers = :answers, #orgUnit = :orgUnit, #title = :title, #updatedAt = :now, #version = #version + :one REMOVE reviewReason, reviewedBy, reviewedAt`,
        condition: guard.condition,
        names: { ...guard.names, "#answers": "answers", "#orgUnit": "orgUnit", "#title": "title", "#updatedAt": "updatedAt" },
        values: { ...guard.values, ...move.values, ":answers": answers, ":orgUnit": orgUnit, ":title": title, ":now": clock.now().toISOString() },
      });
      return strip(item);
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      // Reviewed or edited elsewhere since we read it: look again.
    }
  }
  return fail("BUSY");
}

/** Has judging begun? An approved entry may be in a round from then on. */
const judgingBegun = (campaign: Campaign, now: Date) => campaign.phases.some((p) => p.name === "judging" && Date.parse(p.opensAt) <= now.getTime());

/**
 * She withdraws her entry: its place goes back to her in the same transaction (she may enter
 * again). Withdrawing a withdrawn entry changes nothing. Once judging has begun an approved
 * entry stays (NOT_EDITABLE): the judges may be scoring it.
 */
export async function withdrawEntry(db: Db, clock: Clock, entryId: string, userId: string): Promise<Entry> {
  // Her counter holds at least this entry; were it ever not so, she still withdraws (nothing to give back).
  let counted = true;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const current = await ownEntry(db, entryId, userId);
    if (current.status === "withdrawn") return current;
    const now = clock.now();
    const campaign = await getCampaign(db, current.campaignId);
    if (current.status === "approved" && campaign && judgingBegun(campaign, now)) fail("NOT_EDITABLE", { status: current.status });
    const at = now.toISOString();
    const move = statusMove(current, "withdrawn");
    const guard = unchanged(current);
    const result = await transact(db, [
      {
        update: {
          key: keys.entry(current.id),
          update: `SET ${move.set}, withdrawnAt = :now, #updatedAt = :now, #version = #version + :one`,
          condition: guard.condition,
          names: { ...guard.names, "#updatedAt": "updatedAt" },
          values: { ...guard.values, ...move.values, ":now": at },
        },
      },
      ...(counted
        ? [
            {
              update: {
                key: keys.entrantCount(current.campaignId, userId),
                update: "ADD #count :minusOne",
                condition: "#count > :zero",
                names: { "#count": "count" },
                values: { ":minusOne": -1, ":zero": 0 },
              },
            },
          ]
        : []),
    ]);
    if (result.ok) return { ...current, status: "withdrawn", withdrawnAt: at, updatedAt: at, version: current.version + 1 };
    if (result.failed.length === 1 && result.failed[0] === 1) counted = false;
    // Else the entry changed since we read it (reviewed, or withdrawn by her other request): look again.
  }
  return fail("BUSY");
}

// ---- listings ----

export interface ListOptions {
  limit: number;
  cursor?: Record<string, any>;
}

/** How many pages a filtered listing reads at most for one answer; it may come back short, with a cursor. */
const MAX_PAGES = 10;

/**
 * A campaign's entries in one status, newest first. With `where`, only those it keeps, reading
 * on until `limit` are found (or MAX_PAGES were read); the cursor then points after the last
 * entry returned, so nothing is skipped or repeated.
 */
export async function listByStatus(
  db: Db,
  campaignId: string,
  status: EntryStatus,
  opts: ListOptions & { where?: (e: Entry) => boolean },
): Promise<{ items: Entry[]; next?: Record<string, any> }> {
  const items: Entry[] = [];
  let cursor = opts.cursor;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await query<Stored>(db, {
      index: "gsi2",
      partition: keys.entriesByStatusPartition(campaignId, status),
      newestFirst: true,
      // Filtered, most of a page may be another unit's: read in larger pages.
      limit: opts.where ? Math.max(opts.limit, 50) : opts.limit - items.length,
      cursor,
    });
    for (const [i, raw] of page.items.entries()) {
      const entry = strip(raw);
      if (opts.where && !opts.where(entry)) continue;
      items.push(entry);
      if (items.length === opts.limit) {
        const last = i === page.items.length - 1 && !page.next;
        return { items, next: last ? undefined : { pk: raw.pk, sk: raw.sk, gsi2pk: raw.gsi2pk, gsi2sk: raw.gsi2sk } };
      }
    }
    if (!page.next) return { items };
    cursor = page.next;
  }
  return { items, next: cursor };
}

/** Every approved entry of a campaign (what rounds are made of), newest first. */
export async function listAllApproved(db: Db, campaignId: string): Promise<Entry[]> {
  const items = await queryAll<Stored>(db, { index: "gsi2", partition: keys.entriesByStatusPartition(campaignId, "approved"), newestFirst: true });
  return items.map(strip);
}

/** Her entries in every campaign, newest first. */
export async function listMine(db: Db, userId: string, opts: ListOptions): Promise<{ items: Entry[]; next?: Record<string, any> }> {
  const page = await query<Stored>(db, { index: "gsi1", partition: keys.ownerEntriesPartition(userId), newestFirst: true, limit: opts.limit, cursor: opts.cursor });
  return { items: page.items.map(strip), next: page.next };
}

/** Her entries as she sees them (status, the reviewer's reason), each with its campaign's title. */
export async function myEntries(db: Db, userId: string, opts: ListOptions) {
  const page = await listMine(db, userId, opts);
  const campaigns = new Map<string, Campaign | undefined>();
  for (const id of new Set(page.items.map((e) => e.campaignId))) campaigns.set(id, await getCampaign(db, id));
  const items = page.items.map((e) => {
    const c = campaigns.get(e.campaignId);
    return { ...ownerView(e), campaignTitle: c?.title ?? "", ...(c?.titleEn ? { campaignTitleEn: c.titleEn } : {}), ...(c ? { campaignKind: c.kind } : {}) };
  });
  return { items, next: page.next };
}

/** Approved entries of a published campaign, public fields only. */
export async function listPublic(db: Db, campaignId: string, opts: ListOptions) {
  const campaign = await campaignWithEntries(db, campaignId);
  const page = await listByStatus(db, campaign.id, "approved", opts);
  return { items: page.items.map((e) => publicView(campaign, e)), next: page.next };
}

/** One approved entry of a published campaign, public fields only; any other is not found — even by its owner (she has /me/entries). */
export async function getPublic(db: Db, entryId: string) {
  const entry = await getEntry(db, entryId);
  if (!entry || entry.status !== "approved") return fail("ENTRY_NOT_FOUND");
  const campaign = await getCampaign(db, entry.campaignId);
  if (!campaign || campaign.status !== "published") return fail("ENTRY_NOT_FOUND");
  return publicView(campaign, entry);
}

// ---- review ----

/** May she review this entry? She manages its unit, or the campaign's. */
export const canReview = (actor: Actor, campaign: Campaign, entry: Entry) => canManage(actor, entry.orgUnit) || canManage(actor, campaign.orgUnit);

/**
 * Which of a campaign's entries she reviews: all of them when she manages the campaign's unit,
 * else those of the units she manages below it (a county's organiser, a province-wide contest).
 * Undefined when none can be hers.
 */
export function reviewScope(actor: Actor, campaign: Campaign): ((e: Entry) => boolean) | undefined {
  if (canManage(actor, campaign.orgUnit)) return () => true;
  const below = organiserScopes(actor).filter((s) => covers(campaign.orgUnit, s));
  return below.length ? (e) => below.some((s) => covers(s, e.orgUnit)) : undefined;
}

/** The review queue (or any status) of a campaign, as far as she reviews it: FORBIDDEN when none of it is hers. */
export async function listForReview(db: Db, actor: Actor, campaignId: string, status: EntryStatus, opts: ListOptions) {
  const campaign = (await getCampaign(db, campaignId)) ?? fail("CAMPAIGN_NOT_FOUND");
  const scope = reviewScope(actor, campaign) ?? fail("FORBIDDEN");
  if (!hasCapability(campaign, "entries")) fail("NO_ENTRIES");
  const all = canManage(actor, campaign.orgUnit);
  const page = await listByStatus(db, campaign.id, status, { ...opts, ...(all ? {} : { where: scope }) });
  return { items: page.items.map((e) => organiserView(campaign, e)), next: page.next };
}

type Review = "approve" | "reject" | "requestChanges";

/**
 * What each review does, and from which statuses. An approval is final (the entry goes on to
 * judging); a rejection or a request for changes can be given again with another reason, and a
 * rejected entry can still be approved or sent back.
 */
const reviewRules: Record<Review, { to: EntryStatus; from: readonly EntryStatus[]; action: string }> = {
  approve: { to: "approved", from: ["submitted", "changes_requested", "rejected"], action: "entry.approve" },
  reject: { to: "rejected", from: ["submitted", "changes_requested", "rejected"], action: "entry.reject" },
  requestChanges: { to: "changes_requested", from: ["submitted", "rejected", "changes_requested"], action: "entry.request_changes" },
};

async function review(db: Db, clock: Clock, actor: Actor, entryId: string, kind: Review, reason?: string): Promise<{ entry: Entry; campaign: Campaign }> {
  const rule = reviewRules[kind];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const current = (await getEntry(db, entryId)) ?? fail("ENTRY_NOT_FOUND");
    const campaign = (await getCampaign(db, current.campaignId)) ?? fail("ENTRY_NOT_FOUND");
    if (!canReview(actor, campaign, current)) fail("FORBIDDEN");
    // A second tap on "approve" is the same approval.
    if (kind === "approve" && current.status === "approved") return { entry: current, campaign };
    if (!rule.from.includes(current.status)) fail("NOT_EDITABLE", { status: current.status });
    const at = clock.now().toISOString();
    const move = statusMove(current, rule.to);
    const guard = unchanged(current);
    const ops: TxOp[] = [
      {
        update: {
          key: keys.entry(current.id),
          update: `SET ${move.set}, reviewedBy = :by, reviewedAt = :now, #updatedAt = :now, #version = #version + :one${
            reason !== undefined ? ", reviewReason = :reason" : " REMOVE reviewReason"
          }`,
          condition: guard.condition,
          names: { ...guard.names, "#updatedAt": "updatedAt" },
          values: { ...guard.values, ...move.values, ":by": actor.id, ":now": at, ...(reason !== undefined ? { ":reason": reason } : {}) },
        },
      },
      // An approved entry's photos are shown with it: public in the same step, never before.
      ...(kind === "approve" ? publicUploadOps(imageIds(campaign, current.answers)) : []),
    ];
    const result = await transact(db, ops);
    if (result.ok) {
      // The reason stays on the entry; the log keeps ids only (it may quote personal details).
      await Audit.record(db, clock, { campaignId: campaign.id, actorId: actor.id, action: rule.action, target: current.id, details: { from: current.status } });
      const { reviewReason: _old, ...rest } = current;
      const entry: Entry = { ...rest, status: rule.to, reviewedBy: actor.id, reviewedAt: at, updatedAt: at, version: current.version + 1, ...(reason !== undefined ? { reviewReason: reason } : {}) };
      return { entry, campaign };
    }
    if (result.failed.length > 0 && !result.failed.includes(0)) fail("UPLOAD_NOT_FOUND");
    // Edited, withdrawn or reviewed by someone else since we read it: look again.
  }
  return fail("BUSY");
}

/** An organiser who reviews the entry approves it (its uploads become public). */
export const approve = (db: Db, clock: Clock, actor: Actor, entryId: string) => review(db, clock, actor, entryId, "approve");
/** …rejects it, saying why (she reads the reason in her entries). */
export const reject = (db: Db, clock: Clock, actor: Actor, entryId: string, reason: string) => review(db, clock, actor, entryId, "reject", reason);
/** …sends it back to her to change, saying what. */
export const requestChanges = (db: Db, clock: Clock, actor: Actor, entryId: string, reason: string) =>
  review(db, clock, actor, entryId, "requestChanges", reason);

// ---- views ----

/** What anyone may read of an approved entry: the fields the form declares public, never a personal one. */
export function publicView(campaign: Campaign, entry: Entry) {
  const answers: Answers = Object.create(null);
  for (const f of campaign.form.fields) {
    if (f.public && !isPersonal(f) && Object.hasOwn(entry.answers, f.key)) answers[f.key] = entry.answers[f.key];
  }
  return { id: entry.id, campaignId: entry.campaignId, title: entry.title, orgUnit: entry.orgUnit, status: entry.status, answers };
}

/** What she sees of her own entry: everything she gave, its status and the reviewer's reason. */
export const ownerView = (e: Entry) => ({
  id: e.id,
  campaignId: e.campaignId,
  status: e.status,
  title: e.title,
  orgUnit: e.orgUnit,
  answers: e.answers,
  ...(e.reviewReason !== undefined ? { reviewReason: e.reviewReason } : {}),
  ...(e.reviewedAt ? { reviewedAt: e.reviewedAt } : {}),
  ...(e.withdrawnAt ? { withdrawnAt: e.withdrawnAt } : {}),
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
  version: e.version,
});

/** What a reviewing organiser sees: personal answers masked. */
export const organiserView = (campaign: Campaign, e: Entry) => ({
  id: e.id,
  campaignId: e.campaignId,
  status: e.status,
  title: e.title,
  orgUnit: e.orgUnit,
  answers: maskAnswers(campaign.form, e.answers),
  ...(e.reviewReason !== undefined ? { reviewReason: e.reviewReason } : {}),
  ...(e.reviewedBy ? { reviewedBy: e.reviewedBy } : {}),
  ...(e.reviewedAt ? { reviewedAt: e.reviewedAt } : {}),
  ...(e.withdrawnAt ? { withdrawnAt: e.withdrawnAt } : {}),
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
  version: e.version,
});

// Jittered, growing pauses: racing writers spread out instead of colliding again.
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
