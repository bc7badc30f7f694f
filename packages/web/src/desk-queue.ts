/**
 * Check-ins the door desk made without a signal. A hall's basement or a village's meeting room
 * often has none, and the queue at the door must not wait for it: the scan is written to this
 * phone (localStorage, one list per session, with the time it was scanned) and sent later with
 * `POST /api/admin/checkins/batch`, which checks each code in once at its first scan time.
 *
 * A scan leaves the phone only once the server has answered for it (checked in, already, or
 * unknown with its reason): a batch that got no answer, or a refusal of the whole batch, keeps
 * every scan of it for the next try. The same code scanned twice offline is kept once, at the
 * earlier time.
 *
 * Pure functions over a storage (`QueueStore`), so they are tested without a browser; the page
 * gives them localStorage.
 */

export interface QueuedScan {
  /** normalised: digits and letters only, upper-cased */
  ticketCode: string;
  /** ISO time of the first scan of this code on this phone */
  scannedAt: string;
}

/** One scan's answer from the batch (API: `POST /api/admin/checkins/batch`). */
export interface BatchAnswer {
  ticketCode: string;
  result: "checked_in" | "already" | "unknown";
  checkedInAt?: string;
  reason?: string;
  name?: string;
  /** for WRONG_SESSION: the ticket's own session */
  session?: { title: string; titleEn?: string; startsAt: string; endsAt?: string };
  campaignTitle?: string;
  campaignTitleEn?: string;
}

/** The server was too busy to settle this one (BUSY): no verdict, so it is sent again. */
export const answered = (a: BatchAnswer) => !(a.result === "unknown" && a.reason === "BUSY");

export type QueueStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** The most a batch takes (the API refuses more). */
export const BATCH_LIMIT = 200;

/** The server takes codes of up to 32 characters; anything longer is not a ticket. */
const MAX_CODE = 32;

const PREFIX = "jinguo.desk.queue.v1:";

export const queueKey = (sessionId: string) => `${PREFIX}${sessionId}`;

/**
 * What is typed or scanned, as the server compares codes: digits and letters only, spaces and
 * dashes dropped, upper-cased. NFKC first, so full-width digits from a Chinese keyboard
 * (４８２ ９１３) count as digits.
 */
export function normaliseCode(text: string): string {
  return text.normalize("NFKC").toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/** A code worth sending: not empty, and no longer than any ticket's. */
export function plausibleCode(code: string): boolean {
  return code.length > 0 && code.length <= MAX_CODE;
}

/** "482913075" → "482 913 075", as the ticket prints it; old letter codes stay as they are. */
export function groupCode(code: string): string {
  return /^\d{9}$/.test(code) ? `${code.slice(0, 3)} ${code.slice(3, 6)} ${code.slice(6)}` : code;
}

/**
 * The code in what the camera read. A ticket's QR holds a link to the desk,
 * `<origin>/organiser/checkin?code=…` (so WeChat's own 扫一扫 opens it), whatever address the desk
 * itself was opened at (a LAN address at the hall, the public one on the ticket); older tickets
 * hold the bare code. Any other link is someone else's QR: undefined, keep looking.
 */
export function codeFromScan(raw: string): string | undefined {
  const text = raw.trim();
  if (/^https?:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      if (!/\/organiser\/checkin\/?$/.test(url.pathname)) return undefined;
      const code = normaliseCode(url.searchParams.get("code") ?? "");
      return plausibleCode(code) ? code : undefined;
    } catch {
      return undefined;
    }
  }
  const code = normaliseCode(text);
  return plausibleCode(code) ? code : undefined;
}

function isScan(v: unknown): v is QueuedScan {
  const s = v as QueuedScan;
  return !!s && typeof s.ticketCode === "string" && plausibleCode(s.ticketCode) && typeof s.scannedAt === "string" && !Number.isNaN(Date.parse(s.scannedAt));
}

/** The session's queued scans, oldest first. Unreadable storage reads as empty. */
export function readQueue(store: Pick<QueueStore, "getItem">, sessionId: string): QueuedScan[] {
  try {
    const parsed: unknown = JSON.parse(store.getItem(queueKey(sessionId)) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter(isScan) : [];
  } catch {
    return [];
  }
}

function writeQueue(store: QueueStore, sessionId: string, queue: QueuedScan[]): void {
  if (queue.length === 0) store.removeItem(queueKey(sessionId));
  else store.setItem(queueKey(sessionId), JSON.stringify(queue));
}

const earlier = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);

/**
 * Keeps a scan. `added` is false when the code was queued already (it stays once, at the
 * earlier of the two times). Throws when the storage does (full, or switched off): the page
 * must then tell her the scan was not kept.
 */
export function addScan(store: QueueStore, sessionId: string, scan: QueuedScan): { queue: QueuedScan[]; added: boolean } {
  const ticketCode = normaliseCode(scan.ticketCode);
  if (!plausibleCode(ticketCode)) throw new RangeError(`not a ticket code: ${scan.ticketCode}`);
  const queue = readQueue(store, sessionId);
  const i = queue.findIndex((s) => s.ticketCode === ticketCode);
  if (i >= 0) {
    const kept = queue[i]!;
    const at = earlier(kept.scannedAt, scan.scannedAt);
    if (at !== kept.scannedAt) {
      queue[i] = { ticketCode, scannedAt: at };
      writeQueue(store, sessionId, queue);
    }
    return { queue, added: false };
  }
  queue.push({ ticketCode, scannedAt: scan.scannedAt });
  writeQueue(store, sessionId, queue);
  return { queue, added: true };
}

/** Drops the scans the server answered for; anything queued meanwhile stays. */
export function removeAnswered(store: QueueStore, sessionId: string, answered: Iterable<string>): QueuedScan[] {
  const done = new Set(answered);
  const queue = readQueue(store, sessionId).filter((s) => !done.has(s.ticketCode));
  writeQueue(store, sessionId, queue);
  return queue;
}

export function chunks<T>(items: readonly T[], size = BATCH_LIMIT): T[][] {
  if (size < 1) throw new RangeError("chunk size must be at least 1");
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface SyncOutcome {
  /** the server's answers, in the order the scans were queued */
  answers: BatchAnswer[];
  /** what stopped the sync before the queue was empty (no network, a refusal); the rest stays */
  error?: unknown;
  /** scans still queued */
  left: QueuedScan[];
}

/**
 * Sends the session's queue in batches of at most BATCH_LIMIT, one after another, removing each
 * batch's scans as its answer comes. A batch without an answer (or refused as a whole) stops
 * the sync; its scans and those after it stay for the next try. An answer that leaves out a
 * scan, or has no verdict for it (BUSY), leaves that scan queued.
 */
export async function syncQueue(
  store: QueueStore,
  sessionId: string,
  send: (items: QueuedScan[]) => Promise<BatchAnswer[]>,
): Promise<SyncOutcome> {
  const answers: BatchAnswer[] = [];
  for (const batch of chunks(readQueue(store, sessionId))) {
    let got: BatchAnswer[];
    try {
      got = await send(batch);
    } catch (error) {
      return { answers, error, left: readQueue(store, sessionId) };
    }
    const sent = new Set(batch.map((s) => s.ticketCode));
    const mine = got
      .map((a) => ({ ...a, ticketCode: normaliseCode(a.ticketCode) }))
      .filter((a) => sent.has(a.ticketCode) && answered(a));
    answers.push(...mine);
    removeAnswered(store, sessionId, mine.map((a) => a.ticketCode));
  }
  return { answers, left: readQueue(store, sessionId) };
}

/** How many scans wait in each session's queue on this phone (for the list of doors). */
export function queuedCounts(store: Pick<Storage, "getItem" | "key" | "length">): Map<string, number> {
  const counts = new Map<string, number>();
  try {
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i);
      if (!k?.startsWith(PREFIX)) continue;
      const sessionId = k.slice(PREFIX.length);
      const n = readQueue(store, sessionId).length;
      if (n > 0) counts.set(sessionId, n);
    }
  } catch {
    // unreadable storage: nothing queued that we can see
  }
  return counts;
}

/**
 * localStorage when it works; otherwise (switched off in some in-app browsers' private mode)
 * a store in memory, which keeps scans for as long as the page is open. `persistent` says which.
 */
let fallback: (QueueStore & Pick<Storage, "key" | "length">) | undefined;

export function deskStore(): { store: QueueStore & Pick<Storage, "key" | "length">; persistent: boolean } {
  try {
    const probe = "jinguo.desk.probe";
    localStorage.setItem(probe, "1");
    localStorage.removeItem(probe);
    return { store: localStorage, persistent: true };
  } catch {
    fallback ??= memoryStore();
    return { store: fallback, persistent: false };
  }
}

export function memoryStore(): QueueStore & Pick<Storage, "key" | "length"> {
  const items = new Map<string, string>();
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, String(v)),
    removeItem: (k) => void items.delete(k),
    key: (i) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
}
