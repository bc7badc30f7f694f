import { isConditionFailed, putItem, query, queryAll, updateItem, deleteItem, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import type { Clock } from "../clock/index.ts";
import { hasCapability, intake, getCampaignRecent, getCampaignWithSessions, publicSession, type Campaign, type Session } from "../campaigns/index.ts";
import { validateAnswers, type Answers } from "../forms/validate.ts";
import { maskAnswers } from "../forms/mask.ts";
import { orgUnitIds } from "../org-units/index.ts";
import { cancelRegistration, epochSeconds, getRegistration, getSession, promoteWaitlist, stripRegistration, takeSeat, waitlistPosition, type Promotion } from "./seats.ts";
import { parseRegistrationId, type Registration } from "./model.ts";
import { maskedName } from "./door.ts";

export * from "./model.ts";
export { promoteWaitlist, getSession, waitlistPosition, hasStarted, type Promotion } from "./seats.ts";
export {
  attendees,
  checkIn,
  checkInBatch,
  doorCounts,
  doorOf,
  doorSession,
  doorSessions,
  doorView,
  maskedName,
  personalOf,
  runsDoor,
  scanTime,
  sessionUnit,
  BATCH_MAX,
  DOOR_LOOKBACK_MS,
  SCAN_MAX_AGE_MS,
  type AttendeeCursor,
  type BatchItemResult,
  type CheckedIn,
  type CheckInInput,
  type DoorSession,
} from "./door.ts";

/** A woman registers for a session of an event campaign. */
export async function register(
  db: Db,
  clock: Clock,
  input: { campaignId: string; sessionId?: string; userId: string; answers: Answers; requestKey?: string },
) {
  const campaign = await getCampaignRecent(db, input.campaignId);
  if (!campaign || campaign.status !== "published") return fail("CAMPAIGN_NOT_FOUND");
  if (!hasCapability(campaign, "sessions")) fail("NOT_EVENT");
  if (!input.sessionId) return fail("SESSION_REQUIRED");
  // The session's counters are read fresh (one small item): they decide seat or waitlist.
  const session = (await getSession(db, campaign.id, input.sessionId)) ?? fail("SESSION_NOT_FOUND");
  if (!intake(campaign, clock.now()).open) fail("PHASE_CLOSED");
  if (Date.parse(session.startsAt) <= clock.now().getTime()) fail("PHASE_CLOSED");
  const answers = validateAnswers(campaign.form, input.answers, await orgUnitIds(db));
  return takeSeat(db, clock, {
    campaignId: campaign.id,
    orgUnit: campaign.orgUnit,
    session,
    userId: input.userId,
    answers,
    ...(input.requestKey ? { requestKey: input.requestKey } : {}),
  });
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

/** The QR of a ticket, as SVG. The QR library loads on the first ticket shown, not when a process starts. */
export async function ticketQr(checkInUrl: string, ticketCode: string) {
  const { default: QRCode } = await import("qrcode");
  return QRCode.toString(`${checkInUrl}?code=${encodeURIComponent(ticketCode)}`, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/**
 * Her ticket: the code to read out at the door, and a QR of `checkInUrl?code=…` (the check-in
 * desk with the code filled in; a scanner that reads only the code takes the `code` parameter),
 * with her masked name and the session, so the ticket alone says whose it is and where to go.
 */
export async function ticket(db: Db, id: string, userId: string, checkInUrl: string) {
  const reg = await findOwnRegistration(db, id, userId);
  if (reg.status === "cancelled") fail("REGISTRATION_NOT_FOUND");
  const [qr, found] = await Promise.all([ticketQr(checkInUrl, reg.ticketCode), getCampaignWithSessions(db, reg.campaignId)]);
  const session = found?.sessions.find((s) => s.id === reg.sessionId);
  return {
    registrationId: reg.id,
    ticketCode: reg.ticketCode,
    qr,
    status: reg.status,
    name: found ? maskedName(found.campaign, reg) : "",
    campaignId: reg.campaignId,
    campaignTitle: found?.campaign.title ?? "",
    ...(found?.campaign.titleEn ? { campaignTitleEn: found.campaign.titleEn } : {}),
    ...(session ? { session: publicSession(session) } : {}),
    ...(reg.checkedInAt ? { checkedInAt: reg.checkedInAt } : {}),
  };
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

/** Where a list of a campaign's registrations goes on: which session (by id and start, not by place in a list that changes) and where in it. */
export interface CampaignListCursor {
  s: string;
  t: string;
  k?: Record<string, any>;
}

const sessionOrder = (a: { startsAt: string; id: string }, b: { startsAt: string; id: string }) =>
  a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id);

/**
 * The registrations of a campaign's sessions, session by session in order of start. The cursor
 * names the session it stopped in, so sessions added or deleted between pages shift nothing:
 * the next page goes on from that session (or, if it was deleted, from the one after it).
 */
export async function listForCampaign(
  db: Db,
  sessions: Session[],
  opts: { limit: number; cursor?: CampaignListCursor; sessionId?: string },
) {
  const wanted = (opts.sessionId ? sessions.filter((s) => s.id === opts.sessionId) : sessions).slice().sort(sessionOrder);
  const c: unknown = opts.cursor;
  // The cursor comes back from the client: check it like any input.
  if (
    c != null &&
    (typeof c !== "object" ||
      typeof (c as CampaignListCursor).s !== "string" ||
      typeof (c as CampaignListCursor).t !== "string" ||
      ((c as CampaignListCursor).k !== undefined && typeof (c as CampaignListCursor).k !== "object"))
  ) {
    fail("VALIDATION", { fields: { cursor: "FIELD_INVALID" } });
  }
  const from = opts.cursor ? { id: opts.cursor.s, startsAt: opts.cursor.t } : undefined;
  let index = from ? wanted.findIndex((s) => sessionOrder(s, from) >= 0) : 0;
  if (index < 0) index = wanted.length;
  let start = from && wanted[index]?.id === from.id ? opts.cursor!.k : undefined;
  const items: Registration[] = [];
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
  const at = wanted[index];
  const next: CampaignListCursor | undefined = at ? { s: at.id, t: at.startsAt, ...(start ? { k: start } : {}) } : undefined;
  return { items, next };
}

// ---- Sessions (the organiser's side of seats) ----

/** What an organiser sets on a session; the counters are the seats' own. */
export type SessionInput = Omit<Session, "id" | "campaignId" | "taken" | "waiting" | "startsAtEpoch" | "arrivals" | "departures">;

export async function addSession(db: Db, campaignId: string, input: SessionInput, id = newId("s")): Promise<Session> {
  const session: Session = { ...input, id, campaignId, taken: 0, waiting: 0, startsAtEpoch: epochSeconds(input.startsAt) };
  // `arrived` (check-ins so far) starts at 0 here; its absence marks a session of an earlier version (backfillSessionEpochs).
  await putItem(db, { ...keys.session(campaignId, id), ...session, arrived: 0 }, { expression: "attribute_not_exists(pk)" });
  return session;
}

/**
 * Changes a session. Capacity never goes below the seats taken (a condition, not a read), and
 * when it goes up, the waitlist moves onto the new seats at once.
 */
export async function updateSession(db: Db, clock: Clock, campaignId: string, sessionId: string, change: Partial<SessionInput>) {
  const entries: [string, unknown][] = Object.entries(change).filter(([, v]) => v !== undefined);
  if (change.startsAt !== undefined) entries.push(["startsAtEpoch", epochSeconds(change.startsAt)]);
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

/**
 * Sessions stored by an earlier version get what this one keeps on them (a data dir from an
 * earlier version), at start-up, before the door opens: start times as epoch seconds (without
 * them the "not started" condition would refuse every cancellation), and the count of check-ins
 * (`arrived`, counted once from the registrations; every check-in after adds to it).
 */
export async function backfillSessionEpochs(db: Db, campaignIds: string[]): Promise<number> {
  let fixed = 0;
  for (const id of campaignIds) {
    const found = await getCampaignWithSessions(db, id);
    for (const s of (found?.sessions ?? []) as (Session & { arrived?: number })[]) {
      if (s.startsAtEpoch === undefined) {
        await updateItem(db, {
          key: keys.session(id, s.id),
          update: "SET startsAtEpoch = if_not_exists(startsAtEpoch, :epoch)",
          condition: "attribute_exists(pk)",
          values: { ":epoch": epochSeconds(s.startsAt) },
        });
        fixed++;
      }
      if (s.arrived === undefined) {
        const regs = await queryAll<{ checkedInAt?: string }>(db, { partition: keys.registrationPartition(s.id), prefix: keys.registrationPrefix() });
        try {
          await updateItem(db, {
            key: keys.session(id, s.id),
            update: "SET arrived = :n",
            condition: "attribute_exists(pk) AND attribute_not_exists(arrived)",
            values: { ":n": regs.filter((r) => r.checkedInAt).length },
          });
          fixed++;
        } catch (err) {
          if (!isConditionFailed(err)) throw err;
        }
      }
    }
  }
  return fixed;
}
