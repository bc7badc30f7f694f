import { getItem, query, transact, updateItem, isConditionFailed, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { isLetterTicketCode, isTicketCode, normaliseTicketCode } from "../ids/index.ts";
import { DomainError, fail, type ErrorCode } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import { getCampaignWithSessions, hasCapability, listCampaigns, publicSession, type Campaign, type Session } from "../campaigns/index.ts";
import type { Form } from "../forms/model.ts";
import { isPersonal } from "../forms/personal.ts";
import type { Answers } from "../forms/validate.ts";
import { maskName, maskPhone } from "../forms/mask.ts";
import { covers } from "../org-units/index.ts";
import { canManage, organiserScopes, type Actor } from "../identity/access.ts";
import { backoff, getRegistration, getSession, MAX_ATTEMPTS, stripRegistration, type TicketCodeClaim } from "./seats.ts";
import { parseRegistrationId, type Registration } from "./model.ts";

/**
 * The door of a session: who runs it, who has come, and checking a ticket in. A session's door
 * is run by the organisers of the session's own unit (a city's lecture of a province tour) and
 * those above; the campaign's settings stay its owner's.
 */

/** A session as stored, with the door's counter: check-ins so far, ADDed in each check-in's own transaction. */
export type DoorSession = Session & { arrived?: number };

/** The unit whose organisers (and those above) run a session's door: its own, else its campaign's. */
export const sessionUnit = (campaign: Pick<Campaign, "orgUnit">, session: Pick<Session, "orgUnit">) => session.orgUnit ?? campaign.orgUnit;

export const runsDoor = (actor: Actor, campaign: Pick<Campaign, "orgUnit">, session: Pick<Session, "orgUnit">) =>
  canManage(actor, sessionUnit(campaign, session));

/**
 * `registered`: confirmed seats (the seat counter, which every seat taken or freed moves in its
 * transaction); `arrived`: of those, checked in (the check-in counter; a checked-in ticket can
 * no longer be cancelled, so it never has to come down).
 */
export const doorCounts = (s: DoorSession) => ({ registered: s.taken, arrived: s.arrived ?? 0 });

/** A session as the door shows it: what anyone may read, and the unit that runs it. */
export const doorSession = (campaign: Campaign, session: Session) => ({ ...publicSession(session), orgUnit: sessionUnit(campaign, session) });

const titles = (c: Campaign) => ({ campaignTitle: c.title, ...(c.titleEn ? { campaignTitleEn: c.titleEn } : {}) });

/** Her name and phone as her answers give them: the form's first personal text field, and its phone field. */
export function personalOf(form: Form, answers: Answers): { name?: string; phone?: string } {
  const text = (key: string | undefined) => {
    const v = key !== undefined && Object.hasOwn(answers, key) ? answers[key] : undefined;
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  const name = text(form.fields.find((f) => f.type === "text" && isPersonal(f))?.key);
  const phone = text(form.fields.find((f) => f.type === "phone")?.key);
  return { ...(name ? { name } : {}), ...(phone ? { phone } : {}) };
}

/** 王*梅, or "" when the form asks no name. */
export const maskedName = (campaign: Pick<Campaign, "form">, r: Pick<Registration, "answers">) => {
  const { name } = personalOf(campaign.form, r.answers);
  return name ? maskName(name) : "";
};

/** One session's door, if she runs it: 404 for an unknown campaign or session, 403 for a session outside her units. */
export async function doorOf(db: Db, actor: Actor, campaignId: string, sessionId: string): Promise<{ campaign: Campaign; session: DoorSession }> {
  const found = (await getCampaignWithSessions(db, campaignId)) ?? fail("CAMPAIGN_NOT_FOUND");
  const session = found.sessions.find((s) => s.id === sessionId) ?? fail("SESSION_NOT_FOUND");
  if (!runsDoor(actor, found.campaign, session)) fail("FORBIDDEN");
  return { campaign: found.campaign, session };
}

/** What the desk polls: the session and its running count. */
export const doorView = (campaign: Campaign, session: DoorSession) => ({
  campaign: { id: campaign.id, title: campaign.title, ...(campaign.titleEn ? { titleEn: campaign.titleEn } : {}) },
  session: doorSession(campaign, session),
  ...doorCounts(session),
});

/** A session whose door opened this long ago is still listed (a lecture that ran late, the day's last desk). */
export const DOOR_LOOKBACK_MS = 12 * 60 * 60 * 1000;

/**
 * The sessions whose door she runs, soonest first: of published campaigns with sessions, from
 * those that ended (or, without an end, began) up to 12 hours ago on; `all`: every one.
 */
export async function doorSessions(db: Db, clock: Clock, actor: Actor, opts: { all?: boolean } = {}) {
  const since = clock.now().getTime() - DOOR_LOOKBACK_MS;
  const scopes = organiserScopes(actor);
  // A session's unit is within its campaign's, so only a campaign above or within her units can have one of hers.
  const related = (c: Campaign) => canManage(actor, c.orgUnit) || scopes.some((s) => covers(c.orgUnit, s));
  const campaigns = (await listCampaigns(db, clock)).filter((c) => hasCapability(c, "sessions") && related(c));
  const found = await Promise.all(campaigns.map((c) => getCampaignWithSessions(db, c.id)));
  const items = found.flatMap((f) =>
    !f
      ? []
      : f.sessions
          .filter((s) => runsDoor(actor, f.campaign, s) && (opts.all || Date.parse(s.endsAt ?? s.startsAt) >= since))
          .map((s) => ({ campaignId: f.campaign.id, ...titles(f.campaign), session: doorSession(f.campaign, s), ...doorCounts(s) })),
  );
  items.sort((a, b) => Date.parse(a.session.startsAt) - Date.parse(b.session.startsAt) || a.session.id.localeCompare(b.session.id));
  return items;
}

// ---- look-up by name or phone ----

/** Where a look-up goes on: the pass (0: confirmed, 1: the rest) and the last registration given. */
export interface AttendeeCursor {
  p: 0 | 1;
  k?: Record<string, any>;
}

/** Registrations read per Query while looking: a session's list is a few hundred, so one or two reads. */
const LOOKUP_PAGE = 200;

/**
 * What she typed, as a matcher: 4 or more digits are the end of the phone (the last four, as
 * people say them, or the whole number); anything else is the name, or part of it. Both are
 * matched against the answers as given and never shown: the list is masked.
 */
function matcher(form: Form, q: string | undefined): (r: Registration) => boolean {
  const wanted = (q ?? "").normalize("NFKC").replace(/\s+/g, "").toLowerCase();
  if (!wanted) return () => true;
  const byPhone = /^\d{4,11}$/.test(wanted);
  return (r) => {
    const { name, phone } = personalOf(form, r.answers);
    if (byPhone) return !!phone && phone.endsWith(wanted);
    return !!name && name.replace(/\s+/g, "").toLowerCase().includes(wanted);
  };
}

/**
 * The session's registrations for the desk, masked: confirmed first, then the others (waitlisted,
 * cancelled), `q` matched as `matcher` says. Each pass reads the session's partition in order;
 * the cursor is the key of the last registration given, so a page ends exactly where it should.
 */
export async function attendees(
  db: Db,
  campaign: Campaign,
  session: Session,
  opts: { q?: string; limit: number; cursor?: AttendeeCursor },
) {
  const c: unknown = opts.cursor;
  // The cursor comes back from the client: check it like any input (the key itself, query does).
  if (c != null && (typeof c !== "object" || ![0, 1].includes((c as AttendeeCursor).p) || ((c as AttendeeCursor).k != null && typeof (c as AttendeeCursor).k !== "object"))) {
    fail("VALIDATION", { fields: { cursor: "FIELD_INVALID" } });
  }
  const matches = matcher(campaign.form, opts.q);
  const inPass = (pass: number, r: Registration) => (r.status === "confirmed") === (pass === 0);
  let pass: number = opts.cursor?.p ?? 0;
  let start = opts.cursor?.k ?? undefined;
  const found: Registration[] = [];
  while (pass < 2 && found.length < opts.limit) {
    const page = await query<Record<string, unknown>>(db, {
      partition: keys.registrationPartition(session.id),
      prefix: keys.registrationPrefix(),
      limit: LOOKUP_PAGE,
      cursor: start,
    });
    let full: Record<string, any> | undefined;
    for (const item of page.items) {
      const r = stripRegistration(item);
      if (!inPass(pass, r) || !matches(r)) continue;
      found.push(r);
      if (found.length === opts.limit) {
        full = { pk: item.pk, sk: item.sk };
        break;
      }
    }
    if (full) start = full;
    else if (page.next) start = page.next;
    else (pass++, (start = undefined));
  }
  const items = found.map((r) => {
    const { name, phone } = personalOf(campaign.form, r.answers);
    return {
      registrationId: r.id,
      name: name ? maskName(name) : "",
      phone: phone ? maskPhone(phone) : "",
      status: r.status,
      ...(r.checkedInAt ? { checkedInAt: r.checkedInAt } : {}),
    };
  });
  const next: AttendeeCursor | undefined = pass < 2 ? { p: pass as 0 | 1, ...(start ? { k: start } : {}) } : undefined;
  return { items, next };
}

// ---- check-in ----

export interface CheckInInput {
  /** as typed or scanned: a 9-digit code, or a letter code of an earlier version */
  ticketCode?: string;
  /** from the desk's look-up by name or phone */
  registrationId?: string;
  /** the desk's session: a ticket of another is refused (WRONG_SESSION) unless `otherSession` */
  sessionId?: string;
  otherSession?: boolean;
  /** when she came in, for a scan an offline desk made (already clamped); now when not given */
  at?: Date;
}

export interface CheckedIn {
  registration: Registration;
  campaign: Campaign;
  /** the ticket's session, as read after the check-in (its counts include it) */
  session: DoorSession;
  checkedInAt: string;
}

type CampaignLoader = (id: string) => Promise<{ campaign: Campaign; sessions: Session[] } | undefined>;

/** Where a ticket is: a new code by its claim (one strongly consistent read), an old one through the ticket index. */
async function ticketRef(db: Db, input: CheckInInput): Promise<{ ref?: { sessionId: string; userId: string }; code?: string }> {
  if (input.registrationId !== undefined) return { ref: parseRegistrationId(input.registrationId) };
  const code = normaliseTicketCode(input.ticketCode ?? "");
  if (isTicketCode(code)) return { ref: await getItem<TicketCodeClaim>(db, keys.ticketCodeClaim(code)), code };
  if (isLetterTicketCode(code)) {
    // The index is eventually consistent; the registration read after it is not.
    const found = await query<Record<string, unknown>>(db, { index: "gsi2", partition: keys.ticket(code).gsi2pk, limit: 1 });
    const hit = found.items[0] ? stripRegistration(found.items[0]) : undefined;
    return { ref: hit, code };
  }
  return { code };
}

/** Her registration as it is now, if it is still the live ticket asked for. */
async function liveTicket(db: Db, ref: { sessionId: string; userId: string } | undefined, code: string | undefined) {
  const reg = ref ? await getRegistration(db, ref.sessionId, ref.userId) : undefined;
  // A code of a cancelled ticket (or of one she cancelled and then replaced) is unknown at the door.
  if (!reg || reg.status === "cancelled" || (code !== undefined && reg.ticketCode !== code)) return undefined;
  return reg;
}

/**
 * Checks a ticket in, once: the registration and the session's `arrived` counter change in one
 * transaction. Refused with TICKET_NOT_FOUND, FORBIDDEN (a session outside her units),
 * WRONG_SESSION (another session than the desk's, unless `otherSession`), ALREADY_CHECKED_IN
 * or NOT_CONFIRMED. A scan from an offline desk that is earlier than the check-in on record
 * moves that check-in back to it: each ticket is checked in at its first scan.
 */
export async function checkIn(db: Db, clock: Clock, actor: Actor, input: CheckInInput, load: CampaignLoader = (id) => getCampaignWithSessions(db, id)): Promise<CheckedIn> {
  const { ref, code } = await ticketRef(db, input);
  let reg = (await liveTicket(db, ref, code)) ?? fail("TICKET_NOT_FOUND");
  const found = await load(reg.campaignId);
  const session = found?.sessions.find((s) => s.id === reg.sessionId);
  if (!found || !session) return fail("TICKET_NOT_FOUND");
  const { campaign } = found;
  if (!runsDoor(actor, campaign, session)) fail("FORBIDDEN");
  const name = maskedName(campaign, reg);
  if (input.sessionId !== undefined && input.sessionId !== reg.sessionId && !input.otherSession) {
    fail("WRONG_SESSION", { session: publicSession(session), campaignId: campaign.id, ...titles(campaign), name, registrationId: reg.id });
  }
  const at = (input.at ?? clock.now()).toISOString();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) {
      await backoff(attempt);
      reg = (await liveTicket(db, reg, reg.ticketCode)) ?? fail("TICKET_NOT_FOUND");
    }
    if (reg.checkedInAt) return fail("ALREADY_CHECKED_IN", { checkedInAt: input.at ? await firstScan(db, reg, at) : reg.checkedInAt, name });
    if (reg.status !== "confirmed") return fail("NOT_CONFIRMED", { status: reg.status, name });
    const now = clock.now().toISOString();
    const result = await transact(db, [
      {
        update: {
          key: keys.registration(reg.sessionId, reg.userId),
          update: "SET checkedInAt = :at, checkedInBy = :by, updatedAt = :now",
          condition: "attribute_not_exists(checkedInAt) AND #status = :confirmed AND ticketCode = :code",
          names: { "#status": "status" },
          values: { ":at": at, ":by": actor.id, ":now": now, ":confirmed": "confirmed", ":code": reg.ticketCode },
        },
      },
      {
        update: {
          key: keys.session(campaign.id, session.id),
          update: "ADD arrived :one",
          condition: "attribute_exists(pk)",
          values: { ":one": 1 },
        },
      },
    ]);
    if (result.ok) {
      const after = (await getSession(db, campaign.id, session.id)) ?? session;
      return { registration: { ...reg, checkedInAt: at, checkedInBy: actor.id, updatedAt: now }, campaign, session: after, checkedInAt: at };
    }
    if (result.failed.includes(1)) return fail("TICKET_NOT_FOUND");
    // Her registration changed under us (checked in at another desk, cancelled), or a conflict: look again.
  }
  return fail("BUSY");
}

/** An earlier scan than the check-in on record becomes the record (the counter is untouched: still one check-in). */
async function firstScan(db: Db, reg: Registration, at: string): Promise<string> {
  if (!reg.checkedInAt || Date.parse(at) >= Date.parse(reg.checkedInAt)) return reg.checkedInAt!;
  try {
    await updateItem(db, {
      key: keys.registration(reg.sessionId, reg.userId),
      update: "SET checkedInAt = :at",
      condition: "checkedInAt = :seen AND ticketCode = :code",
      values: { ":at": at, ":seen": reg.checkedInAt, ":code": reg.ticketCode },
    });
    return at;
  } catch (err) {
    // Another desk moved it meanwhile: what is on record now is the answer.
    if (!isConditionFailed(err)) throw err;
    return (await getRegistration(db, reg.sessionId, reg.userId))?.checkedInAt ?? reg.checkedInAt;
  }
}

// ---- an offline desk's queue ----

export const BATCH_MAX = 200;
/** A scan time further back than this, or in the future, is a wrong clock: it counts as now. */
export const SCAN_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export type BatchReason = Extract<ErrorCode, "TICKET_NOT_FOUND" | "NOT_CONFIRMED" | "WRONG_SESSION" | "FORBIDDEN" | "BUSY">;

export interface BatchItemResult {
  result: "checked_in" | "already" | "unknown";
  checkedInAt?: string;
  reason?: BatchReason;
  /** masked */
  name?: string;
  /** for WRONG_SESSION: the ticket's own session, so the desk can show her where she belongs */
  session?: ReturnType<typeof publicSession>;
  campaignTitle?: string;
  campaignTitleEn?: string;
}

export function scanTime(scannedAt: string, now: Date): Date {
  const ms = Date.parse(scannedAt);
  return Number.isNaN(ms) || ms > now.getTime() || ms < now.getTime() - SCAN_MAX_AGE_MS ? now : new Date(ms);
}

const reasons = new Set<ErrorCode>(["TICKET_NOT_FOUND", "NOT_CONFIRMED", "WRONG_SESSION", "FORBIDDEN", "BUSY"]);

/**
 * Scans an offline desk queued, synced: each code is checked in once, at its first scan time
 * (the same code twice: the earliest scan is the check-in, the other is `already`), answered in
 * the order given. A ticket of another session than the desk's is not checked in (the desk
 * could not warn her): it comes back `unknown`, WRONG_SESSION, for the organiser to decide.
 */
export async function checkInBatch(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { sessionId?: string; items: { ticketCode: string; scannedAt: string }[] },
): Promise<(BatchItemResult & { ticketCode: string })[]> {
  const now = clock.now();
  const codes = input.items.map((i) => normaliseTicketCode(i.ticketCode));
  const times = input.items.map((i) => scanTime(i.scannedAt, now).getTime());
  const first = new Map<string, number>();
  codes.forEach((code, i) => {
    const j = first.get(code);
    if (j === undefined || times[i]! < times[j]!) first.set(code, i);
  });
  // One batch is one desk, usually one campaign: read it once.
  const campaigns = new Map<string, ReturnType<CampaignLoader>>();
  const load: CampaignLoader = (id) => {
    if (!campaigns.has(id)) campaigns.set(id, getCampaignWithSessions(db, id));
    return campaigns.get(id)!;
  };
  const outcomes = new Map<string, BatchItemResult>();
  // One after another: they count on the same session's counter, and would only collide.
  for (const [code, i] of first) {
    outcomes.set(code, await batchItem(db, clock, actor, { ticketCode: code, sessionId: input.sessionId, at: new Date(times[i]!) }, load));
  }
  return input.items.map((item, i) => {
    const outcome = outcomes.get(codes[i]!)!;
    const later = first.get(codes[i]!) !== i && outcome.result === "checked_in";
    return { ticketCode: item.ticketCode, ...outcome, ...(later ? { result: "already" as const } : {}) };
  });
}

async function batchItem(db: Db, clock: Clock, actor: Actor, input: CheckInInput, load: CampaignLoader): Promise<BatchItemResult> {
  try {
    const done = await checkIn(db, clock, actor, input, load);
    return { result: "checked_in", checkedInAt: done.checkedInAt, name: maskedName(done.campaign, done.registration) };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const d = (err.details ?? {}) as Partial<BatchItemResult>;
    const name = typeof d.name === "string" ? { name: d.name } : {};
    if (err.code === "ALREADY_CHECKED_IN") return { result: "already", checkedInAt: d.checkedInAt, ...name };
    if (err.code === "WRONG_SESSION") {
      return { result: "unknown", reason: "WRONG_SESSION", ...name, session: d.session, campaignTitle: d.campaignTitle, ...(d.campaignTitleEn ? { campaignTitleEn: d.campaignTitleEn } : {}) };
    }
    if (reasons.has(err.code)) return { result: "unknown", reason: err.code as BatchReason, ...name };
    throw err;
  }
}
