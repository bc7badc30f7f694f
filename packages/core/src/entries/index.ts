import { getItem, query, queryAll, transact, type Db, type TxOp } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import { getCampaign, hasCapability, intake, type Campaign } from "../campaigns/index.ts";
import { validateAnswers, type Answers } from "../forms/validate.ts";
import { maskAnswers, maskIdNumber } from "../forms/mask.ts";
import { isPersonal } from "../forms/personal.ts";
import { covers, listOrgUnits, orgUnitIds } from "../org-units/index.ts";
import { canManage, isOrganiser, organiserScopes, type Actor } from "../identity/access.ts";
import { getUser } from "../identity/users.ts";
import { idNumberHash, openIdNumber, sealIdNumber } from "../privacy/index.ts";
import { screenAnswers } from "../screening/index.ts";
import { assertOwnUploads, publicUploadOps } from "../uploads/index.ts";
import * as Audit from "../audit/index.ts";
import { guards } from "./guards.ts";
import type { Entry, EntryStatus, Nomination } from "./model.ts";

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

/**
 * What is stored of checked answers. A resident ID is sealed (privacy) and kept in the answers
 * only masked, so no view, list or export built from the answers can show it; a nomination's
 * nominee is the keyed hash of the form's first ID answer. And the screening marks of the
 * answers (with the campaign's own words), for the organisers who review it.
 */
function protect(secret: string, campaign: Campaign, answers: Answers) {
  const stored: Answers = Object.assign(Object.create(null), answers);
  const sealed: Record<string, string> = {};
  for (const f of campaign.form.fields) {
    const v = stored[f.key];
    if (f.type !== "idNumber" || typeof v !== "string") continue;
    sealed[f.key] = sealIdNumber(secret, v);
    stored[f.key] = maskIdNumber(v);
  }
  const idField = campaign.form.fields.find((f) => f.type === "idNumber");
  const id = idField ? answers[idField.key] : undefined;
  return {
    answers: stored,
    sealed,
    nominee: hasCapability(campaign, "nominations") && typeof id === "string" ? idNumberHash(secret, id) : undefined,
    idField: idField?.key,
    screening: screenAnswers(campaign.form, answers, campaign.sensitiveWords ?? []),
  };
}

/** A unit's nomination quota (推荐名额): its own, else the campaign's per unit; none is unlimited. */
export function quotaOf(campaign: Pick<Campaign, "quota">, unit: string): number | undefined {
  const q = campaign.quota;
  if (!q) return undefined;
  return q.units && Object.hasOwn(q.units, unit) ? q.units[unit] : q.perUnit;
}

/**
 * The transaction's operations that hold an entry's places, each taken under its guard: her
 * entrant place (below the campaign's limit), a unit's nomination place (below its quota — the
 * counter counts even where there is no quota, so one set later counts what is already there),
 * a nominee's place (nobody else's yet). Their releases, on withdrawal, each give one back.
 */
const places = {
  entrant: (campaignId: string, userId: string, max: number): TxOp => ({
    update: {
      key: keys.entrantCount(campaignId, userId),
      update: "ADD #count :one",
      condition: guards.entryLimit,
      names: { "#count": "count" },
      values: { ":one": 1, ":max": max },
    },
  }),
  quota: (campaignId: string, unit: string, max: number | undefined): TxOp => ({
    update: {
      key: keys.nominationQuota(campaignId, unit),
      update: "ADD #count :one",
      names: { "#count": "count" },
      ...(max !== undefined ? { condition: guards.quota, values: { ":one": 1, ":max": max } } : { values: { ":one": 1 } }),
    },
  }),
  nominee: (campaignId: string, nominee: string, entryId: string, at: string): TxOp => ({
    put: { ...keys.nominee(campaignId, nominee), campaignId, entryId, createdAt: at },
    condition: { expression: guards.nominee },
  }),
};

const releases = {
  counter: (key: { pk: string; sk: string }): TxOp => ({
    update: { key, update: "ADD #count :minusOne", condition: "#count > :zero", names: { "#count": "count" }, values: { ":minusOne": -1, ":zero": 0 } },
  }),
  // Only the entry's own hold: another entry's place is never freed by this one.
  nominee: (campaignId: string, nominee: string, entryId: string): TxOp => ({
    delete: keys.nominee(campaignId, nominee),
    condition: { expression: "entryId = :id", values: { ":id": entryId } },
  }),
};

/** Every place a live entry holds, by name, released (withdrawal). */
function releasesOf(e: Entry): { name: string; op: TxOp }[] {
  const quotaUnit = e.nomination?.quotaUnit;
  const nominee = e.nomination?.nominee;
  return [
    quotaUnit !== undefined
      ? { name: "quota", op: releases.counter(keys.nominationQuota(e.campaignId, quotaUnit)) }
      : { name: "entrant", op: releases.counter(keys.entrantCount(e.campaignId, e.userId)) },
    ...(nominee ? [{ name: "nominee", op: releases.nominee(e.campaignId, nominee, e.id) }] : []),
  ];
}

/**
 * Who puts a nominee forward, in a campaign with nominations: an organiser who manages the
 * entry's unit (her own or one below it) nominates for it, within its quota; anyone else only
 * where the campaign takes self-nominations (she puts herself forward, one live entry as any
 * entry). Otherwise NOT_NOMINATOR — a 株洲 organiser cannot nominate for 长沙.
 */
function nominatingUnit(campaign: Campaign, actor: Actor | undefined, orgUnit: string): string | undefined {
  if (actor && canManage(actor, orgUnit)) return orgUnit;
  if (!campaign.selfNomination) fail("NOT_NOMINATOR", { orgUnit });
  return undefined;
}

export interface SubmitInput {
  campaignId: string;
  userId: string;
  answers: Answers;
  /** the stage's secret: resident IDs are sealed and hashed under keys derived from it */
  secret: string;
  /** the request's Idempotency-Key: a retry of the same request finds its entry */
  requestKey?: string;
}

/**
 * A new entry, while the campaign's intake phase is open. Each place it takes is taken in the
 * same transaction as the entry is put, under its guard, never by counting first — so no number
 * of taps at once gets past a limit: one live entry per person per campaign (or
 * `entriesPerPerson`); a unit's nominations within its quota (QUOTA_FULL); a nominee once per
 * campaign (DUPLICATE_NOMINEE, by the keyed hash of her resident ID).
 */
export async function submitEntry(db: Db, clock: Clock, input: SubmitInput): Promise<Entry> {
  const campaign = await campaignWithEntries(db, input.campaignId);
  if (!intake(campaign, clock.now()).open) fail("PHASE_CLOSED");
  const nominations = hasCapability(campaign, "nominations");
  const actor = nominations ? await getUser(db, input.userId) : undefined;
  // Where only units nominate, she hears so before she fills anything in.
  if (nominations && !campaign.selfNomination && !(actor && isOrganiser(actor))) fail("NOT_NOMINATOR");
  const { answers: given, orgUnit, title } = await readAnswers(db, campaign, input.userId, input.answers);
  const quotaUnit = nominations ? nominatingUnit(campaign, actor, orgUnit) : undefined;
  const quota = quotaUnit !== undefined ? quotaOf(campaign, quotaUnit) : undefined;
  if (quota === 0) fail("QUOTA_FULL", { orgUnit: quotaUnit, quota });
  const kept = protect(input.secret, campaign, given);
  const nomination: Nomination | undefined = nominations
    ? { ...(quotaUnit !== undefined ? { quotaUnit } : {}), ...(kept.nominee ? { nominee: kept.nominee } : {}) }
    : undefined;
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
      answers: kept.answers,
      ...(Object.keys(kept.sealed).length ? { sealed: kept.sealed } : {}),
      ...(nomination ? { nomination } : {}),
      screening: kept.screening,
      createdAt: at,
      updatedAt: at,
      version: 1,
      ...(input.requestKey ? { requestKey: input.requestKey } : {}),
    };
    // [0] the entrant's or the unit's place, [1] the nominee's (if any), last the entry.
    const ops: TxOp[] = [quotaUnit !== undefined ? places.quota(campaign.id, quotaUnit, quota) : places.entrant(campaign.id, input.userId, max)];
    if (kept.nominee) ops.push(places.nominee(campaign.id, kept.nominee, entry.id, at));
    ops.push({ put: entryItem(entry), condition: { expression: "attribute_not_exists(pk)" } });
    const result = await transact(db, ops);
    if (result.ok) return entry;
    const placeTaken = result.failed.includes(0);
    const nomineeTaken = !!kept.nominee && result.failed.includes(1);
    if (placeTaken || nomineeTaken) {
      const again = await sameRequest(db, campaign.id, input, kept.nominee);
      if (again) return again;
      if (nomineeTaken) fail("DUPLICATE_NOMINEE", { field: kept.idField });
      if (quotaUnit !== undefined) fail("QUOTA_FULL", { orgUnit: quotaUnit, quota });
      fail("ENTRY_LIMIT", { entriesPerPerson: max });
    }
    // A conflict with another request at the same instant (or, once in 2^60, an id taken): again.
  }
  return fail("BUSY");
}

/**
 * Her live entry made by this very request (a retry after the first answer was lost): for a
 * nomination, the entry holding its nominee's place (read at once, consistently); else among
 * her entries.
 */
async function sameRequest(db: Db, campaignId: string, input: SubmitInput, nominee: string | undefined): Promise<Entry | undefined> {
  if (!input.requestKey) return undefined;
  const mineFromThis = (e: Entry | undefined) =>
    !!e && e.campaignId === campaignId && e.userId === input.userId && e.requestKey === input.requestKey && e.status !== "withdrawn";
  if (nominee) {
    const held = await getItem<{ entryId: string }>(db, keys.nominee(campaignId, nominee));
    const entry = held ? await getEntry(db, held.entryId) : undefined;
    if (mineFromThis(entry)) return entry;
  }
  const mine = await queryAll<Stored>(db, { index: "gsi1", partition: keys.ownerEntriesPartition(input.userId) });
  return mine.map(strip).find(mineFromThis);
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
 * submitted (for review) again, and screened again. `answers` are merged over what she gave
 * before (null clears an optional answer); the whole is checked against the form again. A
 * resident ID she leaves as it was (absent, or sent back as the mask she was shown) is the sealed
 * one. A nomination whose unit or nominee changes moves its places in the same transaction:
 * the new unit's quota and the new nominee's place are taken under their guards, the old given back.
 */
export async function updateEntry(
  db: Db,
  clock: Clock,
  input: { entryId: string; userId: string; answers: Answers; secret: string },
): Promise<Entry> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const current = await ownEntry(db, input.entryId, input.userId);
    if (!editable.includes(current.status)) fail("NOT_EDITABLE", { status: current.status });
    const campaign = await campaignWithEntries(db, current.campaignId);
    if (!intake(campaign, clock.now()).open) fail("PHASE_CLOSED");
    const merged: Answers = Object.assign(Object.create(null), current.answers, input.answers);
    for (const [key, sealed] of Object.entries(current.sealed ?? {})) {
      const kept = !Object.hasOwn(input.answers, key) || input.answers[key] === current.answers[key];
      if (kept) merged[key] = openIdNumber(input.secret, sealed);
    }
    const { answers: given, orgUnit, title } = await readAnswers(db, campaign, input.userId, merged);
    const was = current.nomination;
    // Put forward by a unit: whoever changes it must manage the unit it is now for.
    let quotaUnit = was?.quotaUnit;
    if (quotaUnit !== undefined) {
      const actor = await getUser(db, input.userId);
      if (!actor || !canManage(actor, orgUnit)) fail("NOT_NOMINATOR", { orgUnit });
      quotaUnit = orgUnit;
    }
    const kept = protect(input.secret, campaign, given);
    const nomination: Nomination | undefined = was
      ? { ...(quotaUnit !== undefined ? { quotaUnit } : {}), ...(kept.nominee ? { nominee: kept.nominee } : {}) }
      : undefined;
    const now = clock.now().toISOString();

    const move = statusMove(current, "submitted");
    const guard = unchanged(current);
    const sets = [move.set, "#answers = :answers", "#orgUnit = :orgUnit", "#title = :title", "#updatedAt = :now", "#version = #version + :one", "#screening = :screening"];
    const removes = ["reviewReason", "reviewedBy", "reviewedAt"];
    const values: Record<string, unknown> = {
      ...guard.values,
      ...move.values,
      ":answers": kept.answers,
      ":orgUnit": orgUnit,
      ":title": title,
      ":now": now,
      ":screening": kept.screening,
    };
    if (Object.keys(kept.sealed).length) (sets.push("#sealed = :sealed"), (values[":sealed"] = kept.sealed));
    else removes.push("#sealed");
    if (nomination) (sets.push("#nomination = :nomination"), (values[":nomination"] = nomination));
    const ops: TxOp[] = [
      {
        update: {
          key: keys.entry(current.id),
          update: `SET ${sets.join(", ")} REMOVE ${removes.join(", ")}`,
          condition: guard.condition,
          names: {
            ...guard.names,
            "#answers": "answers",
            "#orgUnit": "orgUnit",
            "#title": "title",
            "#updatedAt": "updatedAt",
            "#screening": "screening",
            "#sealed": "sealed",
            ...(nomination ? { "#nomination": "nomination" } : {}),
          },
          values,
        },
      },
    ];
    // What each further operation is, so a failed guard names its rule.
    const taking: ("quota" | "nominee" | "release")[] = [];
    if (quotaUnit !== undefined && quotaUnit !== was?.quotaUnit) {
      const quota = quotaOf(campaign, quotaUnit);
      if (quota === 0) fail("QUOTA_FULL", { orgUnit: quotaUnit, quota });
      ops.push(places.quota(campaign.id, quotaUnit, quota), releases.counter(keys.nominationQuota(campaign.id, was!.quotaUnit!)));
      taking.push("quota", "release");
    }
    if (kept.nominee !== was?.nominee) {
      if (kept.nominee) (ops.push(places.nominee(campaign.id, kept.nominee, current.id, now)), taking.push("nominee"));
      if (was?.nominee) (ops.push(releases.nominee(campaign.id, was.nominee, current.id)), taking.push("release"));
    }
    const result = await transact(db, ops);
    if (result.ok) {
      const { reviewReason: _r, reviewedBy: _b, reviewedAt: _a, sealed: _s, nomination: _n, ...rest } = current;
      return {
        ...rest,
        status: "submitted",
        answers: kept.answers,
        orgUnit,
        title,
        ...(Object.keys(kept.sealed).length ? { sealed: kept.sealed } : {}),
        ...(nomination ? { nomination } : {}),
        screening: kept.screening,
        updatedAt: now,
        version: current.version + 1,
      };
    }
    if (result.failed.includes(0)) continue; // reviewed or edited elsewhere since we read it: look again
    const failedRule = (rule: string) => result.failed.some((i) => taking[i - 1] === rule);
    if (failedRule("nominee")) fail("DUPLICATE_NOMINEE", { field: kept.idField });
    if (failedRule("quota")) fail("QUOTA_FULL", { orgUnit: quotaUnit, quota: quotaOf(campaign, quotaUnit!) });
    // A release that found nothing to give back, or a conflict: again (a lost race, or data to look into).
  }
  return fail("BUSY");
}

/** Has judging begun? An approved entry may be in a round from then on. */
const judgingBegun = (campaign: Campaign, now: Date) => campaign.phases.some((p) => p.name === "judging" && Date.parse(p.opensAt) <= now.getTime());

/**
 * She withdraws her entry: the places it held go back in the same transaction — hers (she may
 * enter again), or for a unit's nomination the unit's quota place — and its nominee's, so she
 * can be put forward again. Withdrawing a withdrawn entry changes nothing. Once judging has
 * begun an approved entry stays (NOT_EDITABLE): the judges may be scoring it.
 *
 * A rejection does not give places back: it can still be reconsidered (approved, or sent back
 * for changes), so the entry keeps them until it is withdrawn — a unit whose nomination was
 * rejected withdraws it to use its place for someone else.
 */
export async function withdrawEntry(db: Db, clock: Clock, entryId: string, userId: string): Promise<Entry> {
  // A place it should hold but that holds nothing (were it ever so) is not given back; she still withdraws.
  const nothingHeld = new Set<string>();
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
    const held = releasesOf(current).filter((r) => !nothingHeld.has(r.name));
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
      ...held.map((r) => r.op),
    ]);
    if (result.ok) return { ...current, status: "withdrawn", withdrawnAt: at, updatedAt: at, version: current.version + 1 };
    if (!result.failed.includes(0)) for (const i of result.failed) nothingHeld.add(held[i - 1]!.name);
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

// ---- nomination quotas ----

/**
 * How much of each unit's quota (推荐名额) is used, as an organiser looks before nominating: the
 * unit asked for (default: the campaign's, or her own unit within it) and the units directly
 * below it. Only units she manages; `quota` null is unlimited. The counters are what the
 * guards hold, read consistently.
 */
export async function quotaUsage(db: Db, actor: Actor, campaignId: string, unit?: string) {
  const campaign = (await getCampaign(db, campaignId)) ?? fail("CAMPAIGN_NOT_FOUND");
  if (!hasCapability(campaign, "nominations")) fail("NO_NOMINATIONS");
  const root = unit ?? (canManage(actor, campaign.orgUnit) ? campaign.orgUnit : organiserScopes(actor).find((s) => covers(campaign.orgUnit, s)));
  if (root === undefined || !canManage(actor, root)) return fail("FORBIDDEN");
  const tree = await listOrgUnits(db);
  if (!covers(campaign.orgUnit, root) || !tree.some((u) => u.id === root)) fail("VALIDATION", { fields: { unit: "FIELD_ORG_UNIT" } });
  const units = [root, ...tree.filter((u) => u.parent === root).map((u) => u.id)];
  const items = await Promise.all(
    units.map(async (orgUnit) => {
      const used = (await getItem<{ count: number }>(db, keys.nominationQuota(campaign.id, orgUnit)))?.count ?? 0;
      const quota = quotaOf(campaign, orgUnit) ?? null;
      return { orgUnit, used, quota, left: quota === null ? null : Math.max(0, quota - used) };
    }),
  );
  return { items };
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

/**
 * What a reviewing organiser sees: personal answers masked (a resident ID as 430***********123X),
 * the screening marks to read before approving, and for a nomination whether a unit put it
 * forward or she put herself forward. An entry made before screening existed is screened now.
 */
export const organiserView = (campaign: Campaign, e: Entry) => ({
  id: e.id,
  campaignId: e.campaignId,
  status: e.status,
  title: e.title,
  orgUnit: e.orgUnit,
  answers: maskAnswers(campaign.form, e.answers),
  screening: e.screening ?? screenAnswers(campaign.form, e.answers, campaign.sensitiveWords ?? []),
  ...(e.nomination ? { nominatedBy: e.nomination.quotaUnit !== undefined ? ("unit" as const) : ("self" as const) } : {}),
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
