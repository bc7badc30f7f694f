/**
 * Her tickets and her list of registrations, kept on the phone (localStorage, small JSON with
 * when it was saved) so that in a hall without signal 我的报名 and every ticket she has opened
 * still show. One woman's at a time: saved under her user id, and whatever was saved for anyone
 * else is dropped as soon as another person is seen signed in on this phone, and all of it on
 * sign-out. Her form answers are never kept here (they may hold her ID number): only what a
 * card and a ticket show.
 */

import { isOffline, onSignIn } from "./api.ts";

const PREFIX = "jinguo.tickets.v1:";
/** Who was last signed in on this phone: offline, the server cannot say. */
const HOLDER = "jinguo.tickets.v1.holder";
/** Old tickets give way to new ones; 30 QR codes are ~100 KB, well inside what localStorage holds. */
const MAX_TICKETS = 30;

export type RegistrationStatus = "confirmed" | "waitlisted" | "cancelled";

export interface SavedSession {
  id: string;
  title: string;
  titleEn?: string;
  startsAt: string;
  endsAt?: string;
  venue: string;
}

export interface SavedRegistration {
  id: string;
  campaignId: string;
  sessionId: string;
  status: RegistrationStatus;
  campaignTitle: string;
  campaignTitleEn?: string;
  session?: SavedSession;
  position?: number;
  checkedInAt?: string;
}

export interface SavedTicket {
  registrationId: string;
  ticketCode: string;
  /** The server's SVG of the QR code. */
  qr: string;
  status: RegistrationStatus;
  /** Her name, masked by the server (王*梅). */
  name?: string;
  campaignId?: string;
  campaignTitle?: string;
  campaignTitleEn?: string;
  session?: SavedSession;
  checkedInAt?: string;
}

export interface Saved<T> {
  savedAt: string;
  value: T;
}

interface Shelf {
  userId: string;
  registrations?: Saved<SavedRegistration[]>;
  tickets: Record<string, Saved<SavedTicket>>;
}

/** localStorage, or nothing when the browser has it switched off (some in-app private modes). */
function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

function keysOfOurs(store: Storage): string[] {
  const out: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const k = store.key(i);
    if (k?.startsWith(PREFIX)) out.push(k);
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isStatus = (v: unknown): v is RegistrationStatus => v === "confirmed" || v === "waitlisted" || v === "cancelled";
const optString = (v: unknown): string | undefined => (isString(v) ? v : undefined);

/** Copies the fields a card or a ticket shows, and nothing else. */
function pickSession(s: unknown): SavedSession | undefined {
  if (!isObject(s) || !isString(s.id) || !isString(s.title) || !isString(s.startsAt) || !isString(s.venue)) return undefined;
  return withoutUndefined({ id: s.id, title: s.title, titleEn: optString(s.titleEn), startsAt: s.startsAt, endsAt: optString(s.endsAt), venue: s.venue });
}

function pickRegistration(r: unknown): SavedRegistration | undefined {
  if (!isObject(r) || !isString(r.id) || !isString(r.campaignId) || !isString(r.sessionId) || !isStatus(r.status)) return undefined;
  return withoutUndefined({
    id: r.id,
    campaignId: r.campaignId,
    sessionId: r.sessionId,
    status: r.status,
    campaignTitle: optString(r.campaignTitle) ?? "",
    campaignTitleEn: optString(r.campaignTitleEn),
    session: pickSession(r.session),
    position: typeof r.position === "number" && Number.isFinite(r.position) ? r.position : undefined,
    checkedInAt: optString(r.checkedInAt),
  });
}

/**
 * The QR is put into the page as markup, so only an SVG that looks like the server's own is
 * taken back from storage (anything could have been written there by another page script).
 */
export function isQrSvg(v: unknown): v is string {
  return isString(v) && /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(v) && !/<script|<foreignObject|\son[a-z]+\s*=|javascript:/i.test(v);
}

function pickTicket(t: unknown, registrationId?: string): SavedTicket | undefined {
  if (!isObject(t) || !isString(t.ticketCode) || !isQrSvg(t.qr) || !isStatus(t.status)) return undefined;
  const id = optString(t.registrationId) ?? registrationId;
  if (!id) return undefined;
  return withoutUndefined({
    registrationId: id,
    ticketCode: t.ticketCode,
    qr: t.qr,
    status: t.status,
    name: optString(t.name),
    campaignId: optString(t.campaignId),
    campaignTitle: optString(t.campaignTitle),
    campaignTitleEn: optString(t.campaignTitleEn),
    session: pickSession(t.session),
    checkedInAt: optString(t.checkedInAt),
  });
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function saved<T>(v: unknown, pick: (value: unknown) => T | undefined): Saved<T> | undefined {
  if (!isObject(v) || !isString(v.savedAt)) return undefined;
  const value = pick(v.value);
  return value === undefined ? undefined : { savedAt: v.savedAt, value };
}

function readShelf(userId: string): Shelf {
  const empty: Shelf = { userId, tickets: {} };
  const raw = storage()?.getItem(PREFIX + userId);
  if (!raw) return empty;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return empty;
  }
  if (!isObject(data) || data.userId !== userId) return empty;
  const registrations = saved(data.registrations, (items) =>
    Array.isArray(items) ? items.map(pickRegistration).filter((r): r is SavedRegistration => !!r) : undefined,
  );
  const tickets: Record<string, Saved<SavedTicket>> = {};
  if (isObject(data.tickets)) {
    for (const [id, entry] of Object.entries(data.tickets)) {
      const t = saved(entry, (value) => pickTicket(value, id));
      if (t && t.value.registrationId === id) tickets[id] = t;
    }
  }
  return { userId, ...(registrations ? { registrations } : {}), tickets };
}

function writeShelf(shelf: Shelf): void {
  const store = storage();
  if (!store) return;
  rememberHolder(shelf.userId);
  // The newest tickets first; when the phone's storage is full, fewer of them.
  const newest = Object.values(shelf.tickets).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  for (let keep = Math.min(MAX_TICKETS, newest.length); keep >= 0; keep = keep > 1 ? Math.floor(keep / 2) : keep - 1) {
    const tickets = Object.fromEntries(newest.slice(0, keep).map((t) => [t.value.registrationId, t]));
    try {
      store.setItem(PREFIX + shelf.userId, JSON.stringify({ ...shelf, tickets }));
      return;
    } catch {
      // quota: try again with fewer tickets
    }
  }
}

const now = () => new Date().toISOString();

/** The last person signed in on this phone (offline, the one whose tickets may show). */
export function holderId(): string | undefined {
  try {
    return storage()?.getItem(HOLDER) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * She is the one signed in now. If someone else was before her on this phone, whatever was
 * kept for them goes, so that she never sees another woman's tickets, online or off.
 */
export function rememberHolder(userId: string): void {
  const store = storage();
  if (!store) return;
  try {
    if (store.getItem(HOLDER) !== userId) {
      for (const k of keysOfOurs(store)) if (k !== PREFIX + userId) store.removeItem(k);
      store.setItem(HOLDER, userId);
    }
  } catch {
    // storage refused: nothing kept, nothing to show
  }
}

// Whoever signs in on this phone, her things stay and anyone else's go at once: another woman
// who signs in and goes offline before opening 我的报名 must not find the last one's tickets.
onSignIn(rememberHolder);

/** Everything kept for anyone: on sign-out, or when nobody is signed in any more. */
export function forgetTickets(): void {
  const store = storage();
  if (!store) return;
  try {
    for (const k of keysOfOurs(store)) store.removeItem(k);
    store.removeItem(HOLDER);
  } catch {
    // nothing more to do
  }
}

/**
 * Who is holding the phone: the signed-in user as the server says (and then only her things stay
 * kept), or offline the last one signed in here. `null`: nobody is signed in; whatever was kept
 * goes (a session that ended must not leave her tickets to the next person).
 */
export async function findHolder(me: () => Promise<{ id: string } | null>): Promise<{ userId?: string; online: boolean } | null> {
  let user: { id: string } | null;
  try {
    user = await me();
  } catch (error) {
    if (!isOffline(error)) throw error;
    return { userId: holderId(), online: false };
  }
  if (!user) {
    forgetTickets();
    return null;
  }
  rememberHolder(user.id);
  return { userId: user.id, online: true };
}

/** Her list as the server gave it, without her answers. */
export function saveRegistrations(userId: string, items: readonly unknown[]): void {
  const shelf = readShelf(userId);
  const value = items.map(pickRegistration).filter((r): r is SavedRegistration => !!r);
  // A cancelled registration's ticket no longer gets her in: it is not kept.
  for (const r of value) if (r.status === "cancelled") delete shelf.tickets[r.id];
  writeShelf({ ...shelf, registrations: { savedAt: now(), value } });
}

/**
 * Her list as last saved, with a card for each saved ticket the list did not have yet (a ticket
 * opened from a text message before she ever opened 我的报名).
 */
export function savedRegistrations(userId: string): Saved<SavedRegistration[]> | undefined {
  const shelf = readShelf(userId);
  const list = shelf.registrations?.value ?? [];
  const known = new Set(list.map((r) => r.id));
  const extra: SavedRegistration[] = [];
  for (const { value: t } of Object.values(shelf.tickets)) {
    if (known.has(t.registrationId) || !t.campaignId || !t.session) continue;
    extra.push(
      withoutUndefined({
        id: t.registrationId,
        campaignId: t.campaignId,
        sessionId: t.session.id,
        status: t.status,
        campaignTitle: t.campaignTitle ?? "",
        campaignTitleEn: t.campaignTitleEn,
        session: t.session,
      }),
    );
  }
  if (!shelf.registrations && extra.length === 0) return undefined;
  const times = [shelf.registrations?.savedAt, ...extra.map((r) => shelf.tickets[r.id]?.savedAt)].filter(isString);
  return { savedAt: times.sort().at(-1) ?? now(), value: [...extra, ...list] };
}

/** One ticket as the server gave it (`registrationId` from the URL when the answer lacks it). */
export function saveTicket(userId: string, registrationId: string, ticket: unknown): void {
  const value = pickTicket(ticket, registrationId);
  if (!value || value.registrationId !== registrationId) return;
  const shelf = readShelf(userId);
  shelf.tickets[registrationId] = { savedAt: now(), value };
  writeShelf(shelf);
}

/** The ticket as last saved; the session's details from her list when that was saved later. */
export function savedTicket(userId: string, registrationId: string): Saved<SavedTicket> | undefined {
  const shelf = readShelf(userId);
  const t = shelf.tickets[registrationId];
  if (!t) return undefined;
  const listed = shelf.registrations?.value.find((r) => r.id === registrationId);
  if (!listed || !shelf.registrations || shelf.registrations.savedAt < t.savedAt) return t;
  return {
    savedAt: t.savedAt,
    value: withoutUndefined({
      ...t.value,
      campaignId: t.value.campaignId ?? listed.campaignId,
      campaignTitle: listed.campaignTitle || t.value.campaignTitle,
      campaignTitleEn: listed.campaignTitleEn ?? t.value.campaignTitleEn,
      session: listed.session ?? t.value.session,
    }),
  };
}

/** Her registration in the saved list (for the waitlist place and 已签到 on the ticket). */
export function savedRegistration(userId: string, registrationId: string): SavedRegistration | undefined {
  return readShelf(userId).registrations?.value.find((r) => r.id === registrationId);
}

/** A ticket that no longer gets her in (cancelled, gone). */
export function dropTicket(userId: string, registrationId: string): void {
  const shelf = readShelf(userId);
  if (!shelf.tickets[registrationId]) return;
  delete shelf.tickets[registrationId];
  writeShelf(shelf);
}

/**
 * The code in groups she can read aloud: 9 digits as `482 913 075`, the old 8 letters as
 * `JNXQ S4YX`, anything else in threes.
 */
export function codeGroups(code: string): string[] {
  const size = code.length % 3 === 0 ? 3 : code.length % 4 === 0 ? 4 : 3;
  const out: string[] = [];
  for (let i = 0; i < code.length; i += size) out.push(code.slice(i, i + size));
  return out;
}
