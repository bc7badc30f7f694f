/**
 * A judge's scores on their way to the server, made for a venue's flaky network: every change
 * is written to this phone first (localStorage, per judge, round and entry) and only then sent;
 * it leaves the phone once the server has it. What did not go is sent again when the network is
 * back (the `online` event), on a timer that waits longer each time, and when she comes back to
 * the page. Saves are debounced (~800 ms) and one at a time per entry: a change made while one
 * is on its way goes after it.
 *
 * Module state, not a page's: she may leave the round's page with a score still unsent and it
 * keeps trying.
 */
import { createStore, produce } from "solid-js/store";
import { ApiError, NETWORK, client, parseResponse } from "./api.ts";

/** Where a score is. `incomplete`: kept here, not sent (every criterion must be scored). */
export type SaveState = "incomplete" | "unsaved" | "saving" | "saved" | "invalid" | "locked";

export type Criteria = Record<string, number | null>;

interface Draft {
  roundId: string;
  entryId: string;
  criteria: Criteria;
  complete: boolean;
  /** goes up with every change: a save of an older draft does not clear a newer one */
  version: number;
}

export interface SavedScore {
  criteria: Record<string, number>;
  total: number;
  savedAt: string;
}

const PREFIX = "jinguo.score.v1:";
const DEBOUNCE_MS = 800;
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;

const keyOf = (roundId: string, entryId: string) => `${roundId}:${entryId}`;

const [state, setState] = createStore<{
  saves: Record<string, SaveState>;
  /** the server's answer to her last save in this visit */
  saved: Record<string, SavedScore>;
  /** a 422's reasons per criterion */
  errors: Record<string, Record<string, string>>;
  /** the last try of some save found no network (or no server) */
  offline: boolean;
}>({ saves: {}, saved: {}, errors: {}, offline: false });

export { state as scoreSync };

let userId: string | undefined;
const drafts = new Map<string, Draft>();
const timers = new Map<string, number>();
const inFlight = new Map<string, Promise<void>>();
const again = new Set<string>();
const lockedListeners = new Set<(roundId: string) => void>();
let retryTimer: number | undefined;
let retryDelay = RETRY_FIRST_MS;
let versions = 0;
let listening = false;

function storageKey(roundId: string, entryId: string): string {
  return `${PREFIX}${userId}:${roundId}:${entryId}`;
}

function store(draft: Draft): void {
  try {
    localStorage.setItem(storageKey(draft.roundId, draft.entryId), JSON.stringify(draft));
  } catch {
    // Storage off (some in-app browsers' private mode) or full: the draft is kept in memory.
  }
}

function unstore(roundId: string, entryId: string): void {
  try {
    localStorage.removeItem(storageKey(roundId, entryId));
  } catch {
    // nothing was stored
  }
}

function isDraft(v: unknown): v is Draft {
  const d = v as Draft;
  return !!d && typeof d.roundId === "string" && typeof d.entryId === "string" && typeof d.criteria === "object" && d.criteria !== null;
}

/**
 * Starts syncing for the judge signed in on this phone: picks up what she left unsent (another
 * judge's drafts on a shared phone stay apart, under her own id).
 */
export function bindJudge(id: string): void {
  if (userId !== id) {
    userId = id;
    drafts.clear();
    setState({ saves: {}, saved: {}, errors: {} });
    try {
      const mine = `${PREFIX}${id}:`;
      for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        if (!k?.startsWith(mine)) continue;
        const parsed: unknown = JSON.parse(localStorage.getItem(k) ?? "null");
        if (!isDraft(parsed)) continue;
        const draft = { ...parsed, version: ++versions };
        const key = keyOf(draft.roundId, draft.entryId);
        drafts.set(key, draft);
        setState("saves", key, draft.complete ? "unsaved" : "incomplete");
      }
    } catch {
      // unreadable storage: nothing to pick up
    }
  }
  if (!listening) {
    listening = true;
    window.addEventListener("online", () => {
      retryDelay = RETRY_FIRST_MS;
      flushAll();
    });
    // Back to the page (the phone was locked, WeChat was in the background): try at once.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") flushAll();
    });
  }
  flushAll();
}

/** Her unsent score of an entry, if any. */
export function draftOf(roundId: string, entryId: string): Criteria | undefined {
  return drafts.get(keyOf(roundId, entryId))?.criteria;
}

/** Entries of a round with a score on this phone that the server does not have yet (reactive). */
export function unsentIn(roundId: string): string[] {
  const prefix = `${roundId}:`;
  return Object.entries(state.saves)
    .filter(([key, s]) => key.startsWith(prefix) && s !== "saved" && s !== "locked")
    .map(([key]) => key.slice(prefix.length));
}

/** A change: kept on the phone at once, sent after a pause (when every criterion is scored). */
export function changeScore(roundId: string, entryId: string, criteria: Criteria, complete: boolean): void {
  const key = keyOf(roundId, entryId);
  const draft: Draft = { roundId, entryId, criteria: { ...criteria }, complete, version: ++versions };
  drafts.set(key, draft);
  store(draft);
  setState("errors", key, {});
  if (state.saves[key] !== "saving") setState("saves", key, complete ? "unsaved" : "incomplete");
  window.clearTimeout(timers.get(key));
  timers.delete(key);
  if (complete) timers.set(key, window.setTimeout(() => void save(key), DEBOUNCE_MS));
}

/** Sends an entry's score now (on next/previous), without waiting for the pause. */
export function flush(roundId: string, entryId: string): Promise<void> {
  return save(keyOf(roundId, entryId));
}

function flushAll(): void {
  for (const key of drafts.keys()) void save(key);
}

/** Sends everything of the round now and waits for the answers; true when nothing is left unsent. */
export async function settle(roundId: string): Promise<boolean> {
  const keys = [...drafts.values()].filter((d) => d.roundId === roundId).map((d) => keyOf(d.roundId, d.entryId));
  await Promise.all(keys.map((k) => save(k)));
  await Promise.all(keys.map((k) => inFlight.get(k)));
  return ![...drafts.values()].some((d) => d.roundId === roundId);
}

/** Forgets an entry's unsent score (she recused: the recusal replaces it), after any save on its way. */
export async function discard(roundId: string, entryId: string): Promise<void> {
  const key = keyOf(roundId, entryId);
  window.clearTimeout(timers.get(key));
  timers.delete(key);
  drafts.delete(key);
  unstore(roundId, entryId);
  again.delete(key);
  await inFlight.get(key);
  setState(
    produce((s) => {
      delete s.saves[key];
      delete s.saved[key];
      delete s.errors[key];
    }),
  );
}

/** Forgets the round's unsent scores: she submitted, or the round is locked. */
export function forgetRound(roundId: string): void {
  for (const d of [...drafts.values()]) {
    if (d.roundId !== roundId) continue;
    const key = keyOf(d.roundId, d.entryId);
    window.clearTimeout(timers.get(key));
    timers.delete(key);
    drafts.delete(key);
    unstore(d.roundId, d.entryId);
    setState(
      produce((s) => {
        delete s.saves[key];
        delete s.errors[key];
      }),
    );
  }
}

/** Told when a save finds the round locked (submitted elsewhere, or closed). */
export function onLocked(listener: (roundId: string) => void): () => void {
  lockedListeners.add(listener);
  return () => lockedListeners.delete(listener);
}

function scheduleRetry(): void {
  if (retryTimer !== undefined) return;
  retryTimer = window.setTimeout(() => {
    retryTimer = undefined;
    retryDelay = Math.min(RETRY_MAX_MS, retryDelay * 2);
    flushAll();
  }, retryDelay);
}

/** Worth another try later: no answer, the server busy or failing, a limit, or signed out meanwhile. */
const transient = (error: unknown) =>
  !(error instanceof ApiError) || error.code === NETWORK || error.status >= 500 || error.status === 429 || error.status === 401 || error.code === "IN_PROGRESS";

function save(key: string): Promise<void> {
  window.clearTimeout(timers.get(key));
  timers.delete(key);
  const running = inFlight.get(key);
  if (running) {
    again.add(key);
    return running;
  }
  const draft = drafts.get(key);
  if (!draft || !draft.complete) return Promise.resolve();
  const criteria = Object.fromEntries(Object.entries(draft.criteria).filter((e): e is [string, number] => typeof e[1] === "number"));
  setState("saves", key, "saving");
  const attempt = (async () => {
    try {
      const { score } = await parseResponse(
        client.api.judge.rounds[":roundId"].entries[":entryId"].score.$put({
          param: { roundId: encodeURIComponent(draft.roundId), entryId: encodeURIComponent(draft.entryId) },
          json: { criteria },
        }),
      );
      retryDelay = RETRY_FIRST_MS;
      setState("offline", false);
      if (score.kind === "score") setState("saved", key, { criteria: score.criteria, total: score.total, savedAt: score.savedAt });
      const now = drafts.get(key);
      if (now?.version === draft.version) {
        drafts.delete(key);
        unstore(draft.roundId, draft.entryId);
        setState("saves", key, "saved");
      } else if (now) {
        // She changed it while it was on its way: that change goes next.
        setState("saves", key, now.complete ? "unsaved" : "incomplete");
        if (now.complete) again.add(key);
      }
    } catch (error) {
      if (!drafts.has(key)) return;
      if (transient(error)) {
        setState("saves", key, "unsaved");
        if (error instanceof ApiError && error.code === NETWORK) setState("offline", true);
        scheduleRetry();
      } else if (error instanceof ApiError && error.status === 422) {
        const fields = (error.details as { fields?: Record<string, string> } | undefined)?.fields ?? {};
        setState("errors", key, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.replace(/^criteria\./, ""), v])));
        setState("saves", key, "invalid");
      } else {
        // Locked (she submitted on another phone, or the round closed) or no longer hers to score:
        // it can never be saved, so it is not kept.
        drafts.delete(key);
        unstore(draft.roundId, draft.entryId);
        setState("saves", key, "locked");
        for (const listener of lockedListeners) listener(draft.roundId);
      }
    }
  })().finally(() => {
    inFlight.delete(key);
    if (again.delete(key)) void save(key);
  });
  inFlight.set(key, attempt);
  return attempt;
}
