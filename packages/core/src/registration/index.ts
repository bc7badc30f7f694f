import QRCode from "qrcode";
import { isConditionFailed, putItem, query, updateItem, deleteItem, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId, normaliseTicketCode } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import { currentPhase, getCampaignRecent, getCampaignWithSessions, publicSession, type Campaign, type Session } from "../campaigns/index.ts";
import { validateAnswers, type Answers } from "../forms/validate.ts";
import { maskAnswers } from "../forms/mask.ts";
import { orgUnitIds } from "../org-units/index.ts";
import { canManage, type Actor } from "../identity/access.ts";
import { cancelRegistration, getRegistration, getSession, promoteWaitlist, stripRegistration, takeSeat, waitlistPosition, type Promotion } from "./seats.ts";
import { parseRegistrationId, type Registration } from "./model.ts";

export * from "./model.ts";
export { guards, guardsOff, promoteWaitlist, getSession, waitlistPosition, type Promotion } from "./seats.ts";
export { tellPromoted } from "./notices.ts";

/** A woman registers for a session of an event campaign. */
export async function register(
  db: Db,
  clock: Clock,
  input: { campaignId: string; sessionId?: string; userId: string; answers: Answers },
) {
  const campaign = await getCampaignRecent(db, input.campaignId);
  if (!campaign || campaign.status !== "published") return fail("CAMPAIGN_NOT_FOUND");
  if (campaign.kind !== "event") fail("NOT_EVENT");
  if (!input.sessionId) return fail("SESSION_REQUIRED");
  // The session's counters are read fresh (one small item): they decide seat or waitlist.
  const session = (await getSession(db, campaign.id, input.sessionId)) ?? fail("SESSION_NOT_FOUND");
  if (currentPhase(campaign.phases, clock.now()) !== "registration") fail("PHASE_CLOSED");
  if (Date.parse(session.startsAt) <= clock.now().getTime()) fail("PHASE_CLOSED");
  const answers = validateAnswers(campaign.form, input.answers, await orgUnitIds(db));
  return takeSeat(db, clock, { campaignId: campaign.id, orgUnit: campaign.orgUnit, session, userId: input.userId, answers });
}

/** A registration by id, only for its owner (anyone else is told it does not exist). */
export async function findOwnRegistration(db: Db, id: string, userId: string): Promise<Registration> {
  const ref = parseRegistrationId(id);
  if (!ref || ref.userId !== userId) return fail("REGISTRATION_NOT_FOUND");
  return (await getRegistration(db, ref.sessionId, ref.userId)) ?? fail("REGISTRATION_NOT_FOUND");
}

export async function cancel(db: Db, clock: Clock, id: string, userId: string) {
  return cancelRegistration(db, clock, await findOwnRegistration(db, id, userId));
}

export const ticketQr = (checkInUrl: string, ticketCode: string) =>
  QRCode.toString(`${checkInUrl}?code=${encodeURIComponent(ticketCode)}`, { type: "svg", errorCorrectionLevel: "M", margin: 2 });

/**
 * Her ticket: the code to read out at the door, and a QR of `checkInUrl?code=…` (the check-in
 * desk with the code filled in; a scanner that reads only the code takes the `code` parameter).
 */
export async function ticket(db: Db, id: string, userId: string, checkInUrl: string) {
  const reg = await findOwnRegistration(db, id, userId);
  if (reg.status === "cancelled") fail("REGISTRATION_NOT_FOUND");
  const qr = await ticketQr(checkInUrl, reg.ticketCode);
  return { ticketCode: reg.ticketCode, status: reg.status, qr };
}

/** Her registrations, newest first, each with its session and campaign as they are now. */
export async function listMine(db: Db, userId: string, limit = 50, cursor?: Record<string, any>) {
  const page = await query<Record<string, unknown>>(db, {
    index: "gsi1",
    partition: keys.ownerRegistrationsPartition(userId),
    newestFirst: true,
    limit,
    cursor,
  });
  const regs = page.items.map(stripRegistration);
  const campaigns = new Map<string, { campaign: Campaign; sessions: Session[] } | undefined>();
  for (const id of new Set(regs.map((r) => r.campaignId))) campaigns.set(id, await getCampaignWithSessions(db, id));
  const items = await Promise.all(
    regs.map(async (r) => {
      const c = campaigns.get(r.campaignId);
      const s = c?.sessions.find((x) => x.id === r.sessionId);
      return {
        ...ownView(r),
        campaignTitle: c?.campaign.title ?? "",
        ...(c?.campaign.titleEn ? { campaignTitleEn: c.campaign.titleEn } : {}),
        session: s ? publicSession(s) : undefined,
        ...(r.status === "waitlisted" && r.waitKey ? { position: await waitlistPosition(db, r.sessionId, r.waitKey) } : {}),
      };
    }),
  );
  return { items, next: page.next };
}

/** What the owner sees of her registration. */
export const ownView = (r: Registration) => ({
  id: r.id,
  campaignId: r.campaignId,
  sessionId: r.sessionId,
  status: r.status,
  ticketCode: r.status === "cancelled" ? undefined : r.ticketCode,
  answers: r.answers,
  createdAt: r.createdAt,
  ...(r.confirmedAt ? { confirmedAt: r.confirmedAt } : {}),
  ...(r.cancelledAt ? { cancelledAt: r.cancelledAt } : {}),
  ...(r.checkedInAt ? { checkedInAt: r.checkedInAt } : {}),
});

/** What an organiser sees in lists: personal answers masked, no ticket code. */
export const organiserView = (campaign: Campaign, r: Registration) => ({
  id: r.id,
  sessionId: r.sessionId,
  status: r.status,
  answers: maskAnswers(campaign.form, r.answers),
  createdAt: r.createdAt,
  ...(r.checkedInAt ? { checkedInAt: r.checkedInAt } : {}),
  ...(r.cancelledAt ? { cancelledAt: r.cancelledAt } : {}),
});

/**
 * The registrations of a campaign's sessions, session by session. The cursor says which session and where
 * in it to go on, so a long list pages without a Scan.
 */
export async function listForCampaign(
  db: Db,
  sessions: Session[],
  opts: { limit: number; cursor?: { s: number; k?: Record<string, any> }; sessionId?: string },
) {
  const wanted = opts.sessionId ? sessions.filter((s) => s.id === opts.sessionId) : sessions;
  // The cursor comes back from the client: `s` must be a session index (past the end is the end).
  const at: unknown = opts.cursor?.s;
  if (opts.cursor != null && (typeof opts.cursor !== "object" || !Number.isSafeInteger(at) || (at as number) < 0)) {
    fail("VALIDATION", { fields: { cursor: "FIELD_INVALID" } });
  }
  const items: Registration[] = [];
  let index = opts.cursor?.s ?? 0;
  let start = opts.cursor?.k;
  while (index < wanted.length && items.length < opts.limit) {
    const page = await query<Record<string, unknown>>(db, {
      partition: keys.registrationPartition(wanted[index]!.id),
      prefix: keys.registrationPrefix(),
      limit: opts.limit - items.length,
      cursor: start,
    });
    items.push(...page.items.map(stripRegistration));
    if (page.next) start = page.next;
    else (index++, (start = undefined));
  }
  const next = index < wanted.length ? { s: index, ...(start ? { k: start } : {}) } : undefined;
  return { items, next };
}

/** Checks a ticket in at the door: once. The organiser must manage the campaign's unit. */
export async function checkIn(db: Db, clock: Clock, actor: Actor, rawCode: string) {
  const code = normaliseTicketCode(rawCode);
  if (!/^[2-9A-Z]{8}$/.test(code)) return fail("TICKET_NOT_FOUND");
  const found = await query<Record<string, unknown>>(db, { index: "gsi2", ...{ partition: keys.ticket(code).gsi2pk }, limit: 1 });
  const hit = found.items[0] ? stripRegistration(found.items[0]) : undefined;
  if (!hit) return fail("TICKET_NOT_FOUND");
  if (!canManage(actor, hit.orgUnit)) fail("FORBIDDEN");
  const now = clock.now().toISOString();
  try {
    // The index is eventually consistent; the condition on the item itself is not.
    const updated = await updateItem<Record<string, unknown>>(db, {
      key: keys.registration(hit.sessionId, hit.userId),
      update: "SET checkedInAt = :now, checkedInBy = :by, updatedAt = :now",
      condition: "attribute_not_exists(checkedInAt) AND #status = :confirmed AND ticketCode = :code",
      names: { "#status": "status" },
      values: { ":now": now, ":by": actor.id, ":confirmed": "confirmed", ":code": code },
    });
    return stripRegistration(updated);
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    const current = await getRegistration(db, hit.sessionId, hit.userId);
    if (!current || current.ticketCode !== code) return fail("TICKET_NOT_FOUND");
    if (current.checkedInAt) return fail("ALREADY_CHECKED_IN", { checkedInAt: current.checkedInAt });
    return fail("NOT_CONFIRMED", { status: current.status });
  }
}

// ---- Sessions (the organiser's side of seats) ----

/** What an organiser sets on a session; the counters are the seats' own. */
export type SessionInput = Omit<Session, "id" | "campaignId" | "taken" | "waiting">;

export async function addSession(db: Db, campaignId: string, input: SessionInput, id = newId("s")): Promise<Session> {
  const session: Session = { ...input, id, campaignId, taken: 0, waiting: 0 };
  await putItem(db, { ...keys.session(campaignId, id), ...session }, { expression: "attribute_not_exists(pk)" });
  return session;
}

/**
 * Changes a session. Capacity never goes below the seats taken (a condition, not a read), and
 * when it goes up, the waitlist moves onto the new seats at once.
 */
export async function updateSession(db: Db, clock: Clock, campaignId: string, sessionId: string, change: Partial<SessionInput>) {
  const entries = Object.entries(change).filter(([, v]) => v !== undefined);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [k, v] of entries) {
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  if (sets.length === 0) return { session: (await getSession(db, campaignId, sessionId)) ?? fail("SESSION_NOT_FOUND"), promoted: [] as Promotion[] };
  const conditions = ["attribute_exists(pk)"];
  if (change.capacity !== undefined) (conditions.push("#taken <= :capacity"), (names["#taken"] = "taken"));
  let updated: Session;
  try {
    const item = await updateItem<Session & { pk: string; sk: string }>(db, {
      key: keys.session(campaignId, sessionId),
      update: `SET ${sets.join(", ")}`,
      condition: conditions.join(" AND "),
      names,
      values,
    });
    const { pk, sk, ...rest } = item;
    updated = rest;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    const current = await getSession(db, campaignId, sessionId);
    return fail(current ? "CAPACITY_BELOW_TAKEN" : "SESSION_NOT_FOUND", current ? { taken: current.taken } : undefined);
  }
  if (updated.waiting > 0 && updated.taken < updated.capacity) {
    const promoted = await promoteWaitlist(db, clock, campaignId, sessionId);
    return { session: (await getSession(db, campaignId, sessionId))!, promoted };
  }
  return { session: updated, promoted: [] as Promotion[] };
}

/** Only a session nobody has registered for can go; otherwise organisers change or cancel it. */
export async function deleteSession(db: Db, campaignId: string, sessionId: string): Promise<void> {
  const any = await query(db, { partition: keys.registrationPartition(sessionId), limit: 1 });
  if (any.items.length > 0) fail("SESSION_HAS_REGISTRATIONS");
  try {
    await deleteItem(db, keys.session(campaignId, sessionId), {
      expression: "attribute_exists(pk) AND #taken = :zero AND #waiting = :zero",
      names: { "#taken": "taken", "#waiting": "waiting" },
      values: { ":zero": 0 },
    });
  } catch (err) {
    if (isConditionFailed(err)) fail("SESSION_HAS_REGISTRATIONS");
    throw err;
  }
}
