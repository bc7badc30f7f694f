import { For, Match, Show, Switch, createEffect, createSignal, on, onCleanup, onMount, untrack, type JSX } from "solid-js";
import { A, createAsync, useParams, useSearchParams } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { ApiError, client, isOffline, parseResponse, patience } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { formatDateTime, formatTimeRange } from "../format.ts";
import { RequireOrganiser } from "../components/RequireOrganiser.tsx";
import { getMe, isOrganiser } from "../session.ts";
import {
  addScan,
  codeFromScan,
  deskStore,
  groupCode,
  normaliseCode,
  plausibleCode,
  queueKey,
  readQueue,
  syncQueue,
  type BatchAnswer,
  type QueuedScan,
} from "../desk-queue.ts";
import { cameraAvailable, startScanner, type Scanner } from "../scanner.ts";
import { Counts, DoorList, stationHref, type DoorInfo, type DoorPublicSession } from "./Door.tsx";
import "../desk.css";

// ---------------------------------------------------------------------------------------------
// Requests (door-design.md, "HTTP"), with the types of their routes.

type Api = typeof client.api.admin;
type CheckInAnswer = InferResponseType<Api["checkins"]["$post"], 200>;
type Attendee = InferResponseType<Api["campaigns"][":id"]["sessions"][":sessionId"]["attendees"]["$get"]>["items"][number];

/** A woman at the door: by the code on her ticket, or found by name. */
type Target = { ticketCode: string } | { registrationId: string };

/** A check-in waits this long for an answer, then counts as offline and is kept on the phone. */
const ANSWER_MS = 8_000;
/** A batch of up to 200 takes longer to answer. */
const BATCH_MS = 30_000;
const POLL_MS = 10_000;
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;
/** The same QR in front of the camera is read many times a second: once per this long counts. */
const SAME_SCAN_MS = 4_000;

const enc = encodeURIComponent;
const param = (campaignId: string, sessionId: string) => ({ id: enc(campaignId), sessionId: enc(sessionId) });

const postCheckIn = (body: Target & { sessionId: string; otherSession?: true }) =>
  parseResponse(client.api.admin.checkins.$post({ json: body }, patience(ANSWER_MS)));

const postBatch = (sessionId: string, items: QueuedScan[]): Promise<{ items: BatchAnswer[] }> =>
  parseResponse(client.api.admin.checkins.batch.$post({ json: { sessionId, items } }, patience(BATCH_MS)));

const getDoor = (campaignId: string, sessionId: string): Promise<DoorInfo> =>
  parseResponse(client.api.admin.campaigns[":id"].sessions[":sessionId"].door.$get({ param: param(campaignId, sessionId) }, patience(ANSWER_MS)));

const getAttendees = (campaignId: string, sessionId: string, q: string, cursor?: string) =>
  parseResponse(
    client.api.admin.campaigns[":id"].sessions[":sessionId"].attendees.$get(
      { param: param(campaignId, sessionId), query: { q, limit: "20", ...(cursor ? { cursor } : {}) } },
      patience(ANSWER_MS),
    ),
  );

// ---------------------------------------------------------------------------------------------
// Kept on the phone besides the queue: the session's last known header and counts (the desk
// may be opened again where there is no signal), and the station she used last.

const DOOR_CACHE = "jinguo.desk.door.v1:";
const LAST_STATION = "jinguo.desk.last.v1";

interface CachedDoor {
  info: DoorInfo;
  at: string;
}

function readJson<T>(key: string): T | undefined {
  try {
    return (JSON.parse(localStorage.getItem(key) ?? "null") as T | null) ?? undefined;
  } catch {
    return undefined;
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage off or full: only a convenience is lost
  }
}

interface LastStation {
  campaignId: string;
  sessionId: string;
  title: string;
  titleEn?: string;
}

// ---------------------------------------------------------------------------------------------
// Sound and vibration: a short high beep for a success, two low ones for anything to look at.

let audio: AudioContext | undefined;

/** Browsers let a page make sound only after a tap: every tap on the desk wakes the sound up. */
function wakeAudio(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") void audio.resume();
  } catch {
    // no Web Audio: silent
  }
}

function signal(kind: "ok" | "look"): void {
  try {
    if (typeof navigator.vibrate === "function") navigator.vibrate(kind === "ok" ? 120 : [200, 100, 200]);
  } catch {
    // not allowed here
  }
  if (!audio || audio.state !== "running") return;
  const tones: [number, number, number][] = kind === "ok" ? [[1046, 0, 0.14]] : [[330, 0, 0.16], [330, 0.24, 0.16]];
  const t0 = audio.currentTime;
  for (const [frequency, start, length] of tones) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, t0 + start);
    gain.gain.exponentialRampToValueAtTime(0.35, t0 + start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + start + length);
    osc.connect(gain).connect(audio.destination);
    osc.start(t0 + start);
    osc.stop(t0 + start + length + 0.02);
  }
}

// ---------------------------------------------------------------------------------------------

type Outcome =
  | { kind: "success"; name?: string; phone?: string; checkedInAt: string; otherSession?: string }
  | { kind: "already"; name?: string; checkedInAt?: string }
  | { kind: "wrong-session"; name?: string; campaignTitle: string; session?: DoorPublicSession; retry: Target }
  | { kind: "not-found"; code?: string }
  | { kind: "not-confirmed"; name?: string }
  | { kind: "forbidden" }
  | { kind: "queued"; code: string; again: boolean }
  | { kind: "not-kept" }
  | { kind: "error"; text: string };

type Synced = BatchAnswer & { scannedAt?: string; resolved?: boolean };

const masked = (r: CheckInAnswer["registration"], key: "name" | "phone") => {
  const direct = key === "name" ? r.name : undefined;
  const v = direct ?? r.answers?.[key];
  return typeof v === "string" ? v : undefined;
};

const sessionLabel = (s: DoorPublicSession | undefined) => (s ? pick(s.title, s.titleEn) : "");

/** The result of the last check-in, big, in colour, read out. */
function OutcomeBox(props: { outcome: Outcome; queued: number; pending: boolean; onAnyway: (t: Target) => void }): JSX.Element {
  const o = () => props.outcome;
  const box = (state: string, tone: string, icon: string, headline: string, body: JSX.Element) => (
    <div class={`desk-result desk-result-${tone}`} data-testid="checkin-result" data-state={state}>
      <p class="desk-result-headline">
        <span aria-hidden="true">{icon}</span> {headline}
      </p>
      {body}
    </div>
  );
  return (
    <Switch>
      <Match when={o().kind === "success" && (o() as Extract<Outcome, { kind: "success" }>)}>
        {(s) =>
          box(
            "success",
            "ok",
            "✓",
            tr("checkin.success"),
            <>
              <Show when={s().name}>{(name) => <p class="desk-result-name">{name()}</p>}</Show>
              <Show when={s().phone}>{(phone) => <p>{tr("checkin.phone", { phone: phone() })}</p>}</Show>
              <Show when={s().otherSession}>{(other) => <p>{tr("checkin.otherSessionNote", { session: other() })}</p>}</Show>
              <p>{tr("checkin.at", { time: formatDateTime(s().checkedInAt) })}</p>
            </>,
          )
        }
      </Match>
      <Match when={o().kind === "already" && (o() as Extract<Outcome, { kind: "already" }>)}>
        {(a) =>
          box(
            "already",
            "look",
            "!",
            tr("checkin.already"),
            <>
              <Show when={a().name}>{(name) => <p class="desk-result-name">{name()}</p>}</Show>
              <Show when={a().checkedInAt}>{(at) => <p>{tr("checkin.at", { time: formatDateTime(at()) })}</p>}</Show>
            </>,
          )
        }
      </Match>
      <Match when={o().kind === "wrong-session" && (o() as Extract<Outcome, { kind: "wrong-session" }>)}>
        {(w) =>
          box(
            "wrong-session",
            "stop",
            "✕",
            tr("checkin.wrongSession"),
            <>
              <Show when={w().name}>{(name) => <p class="desk-result-name">{name()}</p>}</Show>
              <p class="desk-result-when">{tr("checkin.ticketIsFor", { session: sessionLabel(w().session) })}</p>
              <Show when={w().session}>
                {(s) => <p class="desk-result-when">{tr("checkin.ticketWhen", { time: formatTimeRange(s().startsAt, s().endsAt) })}</p>}
              </Show>
              <Show when={w().campaignTitle}>{(title) => <p>{tr("checkin.ticketCampaign", { campaign: title() })}</p>}</Show>
              <button
                type="button"
                class="button button-danger desk-anyway"
                data-testid="checkin-anyway"
                disabled={props.pending}
                onClick={() => props.onAnyway(w().retry)}
              >
                {tr("checkin.anyway")}
              </button>
            </>,
          )
        }
      </Match>
      <Match when={o().kind === "not-found" && (o() as Extract<Outcome, { kind: "not-found" }>)}>
        {(n) =>
          box(
            "not-found",
            "stop",
            "✕",
            tr("checkin.notFound"),
            <>
              <Show when={n().code}>{(code) => <p class="desk-code">{tr("checkin.codeShown", { code: groupCode(code()) })}</p>}</Show>
              <p>{tr("checkin.notFoundHelp")}</p>
            </>,
          )
        }
      </Match>
      <Match when={o().kind === "not-confirmed" && (o() as Extract<Outcome, { kind: "not-confirmed" }>)}>
        {(n) =>
          box("not-confirmed", "stop", "✕", tr("checkin.notConfirmed"), <Show when={n().name}>{(name) => <p class="desk-result-name">{name()}</p>}</Show>)
        }
      </Match>
      <Match when={o().kind === "forbidden"}>{box("forbidden", "stop", "✕", tr("checkin.forbidden"), <></>)}</Match>
      <Match when={o().kind === "queued" && (o() as Extract<Outcome, { kind: "queued" }>)}>
        {(q) =>
          box(
            "queued",
            "kept",
            "↻",
            q().again ? tr("checkin.queuedAgain") : tr("checkin.queued"),
            <>
              <p class="desk-code">{tr("checkin.codeShown", { code: groupCode(q().code) })}</p>
              <Show when={props.queued > 0}>
                <p>{tr("checkin.queuedCount", { count: props.queued })}</p>
              </Show>
            </>,
          )
        }
      </Match>
      <Match when={o().kind === "not-kept"}>{box("not-kept", "stop", "✕", tr("checkin.failed"), <p>{tr("checkin.notKept")}</p>)}</Match>
      <Match when={o().kind === "error" && (o() as Extract<Outcome, { kind: "error" }>)}>
        {(e) => box("error", "stop", "✕", tr("checkin.failed"), <p>{e().text}</p>)}
      </Match>
    </Switch>
  );
}

/** The back camera, reading QR codes until she turns it off or leaves. */
function Camera(props: { onText: (text: string) => void; onError: () => void; onClose: () => void }): JSX.Element {
  let video: HTMLVideoElement | undefined;
  let scanner: Scanner | undefined;
  let left = false;
  onCleanup(() => {
    left = true;
    scanner?.stop();
  });
  // After the <video> is in the page, still inside the tap on 扫码签到 (browsers want a tap for the camera).
  onMount(() => {
    if (!video) return;
    startScanner(video, (text) => props.onText(text)).then(
      (s) => (left ? s.stop() : (scanner = s)),
      () => {
        if (!left) props.onError();
      },
    );
  });
  return (
    <div class="desk-camera" data-testid="scanner">
      <p>{tr("checkin.scanHelp")}</p>
      <video ref={video} muted playsinline autoplay data-testid="scan-video" aria-label={tr("checkin.scanHelp")} />
      <button type="button" class="button button-secondary" data-testid="scan-stop" onClick={() => props.onClose()}>
        {tr("checkin.scanStop")}
      </button>
    </div>
  );
}

/** One session's door: the count, the camera, the code box, the look-up and the offline queue. */
function Station(props: { campaignId: string; sessionId: string }): JSX.Element {
  const sessionId = props.sessionId;
  const { store, persistent } = deskStore();
  const [search, setSearch] = useSearchParams<{ code?: string }>();

  const cached = readJson<CachedDoor>(`${DOOR_CACHE}${sessionId}`);
  const [door, setDoor] = createSignal<DoorInfo | undefined>(cached?.info);
  const [countsAt, setCountsAt] = createSignal<string | undefined>(cached?.at);
  const [loadError, setLoadError] = createSignal<unknown>();

  const [online, setOnline] = createSignal(navigator.onLine);
  // The phone says it is online but our server did not answer (a hall's weak signal).
  const [unreachable, setUnreachable] = createSignal(false);
  const offline = () => !online() || unreachable();

  const [queue, setQueue] = createSignal<QueuedScan[]>(readQueue(store, sessionId));
  const [syncing, setSyncing] = createSignal(false);
  const [synced, setSynced] = createSignal<Synced[]>([]);
  const [syncNote, setSyncNote] = createSignal<string>();

  const [pending, setPending] = createSignal(false);
  const [outcome, setOutcome] = createSignal<Outcome>();
  const [code, setCode] = createSignal("");
  const [letters, setLetters] = createSignal(false);
  const [codeError, setCodeError] = createSignal<string>();
  const [scanning, setScanning] = createSignal(false);

  const [lookupText, setLookupText] = createSignal("");
  const [lookupError, setLookupError] = createSignal<string>();
  const [found, setFound] = createSignal<Attendee[]>();
  const [foundCursor, setFoundCursor] = createSignal<string | null>(null);
  const [searching, setSearching] = createSignal(false);

  let codeInput: HTMLInputElement | undefined;
  let resultArea: HTMLDivElement | undefined;
  let lastScan: { code: string; at: number } | undefined;

  const title = () => {
    const d = door();
    return d ? pick(d.session.title, d.session.titleEn) : tr("checkin.title");
  };
  usePageTitle(title);

  const countsFrom = (registered: number, arrived: number) => {
    setDoor((d) => (d ? { ...d, registered, arrived } : d));
    const d = untrack(door);
    const at = new Date().toISOString();
    setCountsAt(at);
    if (d) writeJson(`${DOOR_CACHE}${sessionId}`, { info: d, at } satisfies CachedDoor);
  };

  const refreshDoor = async () => {
    try {
      const info = await getDoor(props.campaignId, sessionId);
      const at = new Date().toISOString();
      setDoor(info);
      setCountsAt(at);
      setLoadError(undefined);
      setUnreachable(false);
      writeJson(`${DOOR_CACHE}${sessionId}`, { info, at } satisfies CachedDoor);
      writeJson(LAST_STATION, {
        campaignId: props.campaignId,
        sessionId,
        title: info.session.title,
        ...(info.session.titleEn ? { titleEn: info.session.titleEn } : {}),
      } satisfies LastStation);
    } catch (error) {
      if (isOffline(error)) setUnreachable(true);
      else setLoadError(error);
    }
  };

  // --- the offline queue -----------------------------------------------------------------
  let retryTimer: number | undefined;
  let retryDelay = RETRY_FIRST_MS;
  const scheduleRetry = () => {
    if (retryTimer !== undefined || untrack(queue).length === 0) return;
    retryTimer = window.setTimeout(() => {
      retryTimer = undefined;
      retryDelay = Math.min(RETRY_MAX_MS, retryDelay * 2);
      void sync();
    }, retryDelay);
  };

  const sync = async (byHand = false) => {
    if (untrack(syncing)) return;
    const before = readQueue(store, sessionId);
    setQueue(before);
    if (before.length === 0) return;
    if (!byHand && !navigator.onLine) return scheduleRetry();
    setSyncing(true);
    setSyncNote(undefined);
    const times = new Map(before.map((s) => [s.ticketCode, s.scannedAt]));
    const result = await syncQueue(store, sessionId, async (items) => (await postBatch(sessionId, items)).items);
    setSyncing(false);
    setQueue(result.left);
    if (result.answers.length > 0) {
      setUnreachable(false);
      // "Kept on the phone" is no longer true of the scan on show: its answer is in the list below.
      const shown = untrack(outcome);
      if (shown?.kind === "queued" && result.answers.some((a) => a.ticketCode === shown.code)) setOutcome(undefined);
      setSynced((list) => [...result.answers.map((a) => ({ ...a, scannedAt: times.get(a.ticketCode) })), ...list]);
      setSyncNote(tr("checkin.syncDone", { count: result.answers.length }));
      void refreshDoor();
    }
    if (result.error !== undefined) {
      if (isOffline(result.error)) setUnreachable(true);
      else setSyncNote(tr("checkin.syncFailed", { reason: errorText(result.error) }));
      scheduleRetry();
    } else {
      retryDelay = RETRY_FIRST_MS;
      // Scanned meanwhile, or left without a verdict (the server busy): another round soon.
      if (result.left.length > 0) scheduleRetry();
    }
  };

  const keep = (ticketCode: string, scannedAt: string) => {
    try {
      const { queue: now, added } = addScan(store, sessionId, { ticketCode, scannedAt });
      setQueue(now);
      setOutcome({ kind: "queued", code: ticketCode, again: !added });
      signal("ok");
      scheduleRetry();
    } catch {
      setOutcome({ kind: "not-kept" });
      signal("look");
    }
  };

  // --- checking in --------------------------------------------------------------------------
  const showResult = (next: Outcome) => {
    setOutcome(next);
    signal(next.kind === "success" ? "ok" : "look");
    // The result area is a live region: it is read out; here it only comes into view.
    resultArea?.scrollIntoView({ block: "nearest" });
  };

  const markFound = (registrationId: string, checkedInAt: string) =>
    setFound((list) => list?.map((a) => (a.registrationId === registrationId ? { ...a, checkedInAt } : a)));

  /** Checks one woman in; true when the code box may be cleared for the next one. */
  const check = async (target: Target, otherSession = false): Promise<boolean> => {
    if (untrack(pending)) return false;
    wakeAudio();
    const scannedAt = new Date().toISOString();
    if ("ticketCode" in target) {
      // No signal, the server did not answer the last time (the queue at the door must not wait
      // on a timeout for each woman), or this code waits in the queue already: keep it, once.
      // The poll and the retry timer find out when the server answers again.
      const queued = readQueue(store, sessionId).some((s) => s.ticketCode === target.ticketCode);
      if (!navigator.onLine || untrack(unreachable) || queued) {
        keep(target.ticketCode, scannedAt);
        if (queued && navigator.onLine && !untrack(unreachable)) void sync();
        return true;
      }
    } else if (!navigator.onLine) {
      showResult({ kind: "error", text: tr("checkin.lookupOffline") });
      return false;
    }
    setPending(true);
    try {
      const answer = await postCheckIn({ ...target, sessionId, ...(otherSession ? { otherSession: true as const } : {}) });
      setUnreachable(false);
      const reg = answer.registration;
      const here = reg.sessionId === sessionId;
      showResult({
        kind: "success",
        name: masked(reg, "name"),
        phone: masked(reg, "phone"),
        checkedInAt: answer.checkedInAt,
        ...(here ? {} : { otherSession: `${reg.campaignTitle ?? ""} · ${sessionLabel(reg.session)}` }),
      });
      markFound(reg.id, answer.checkedInAt);
      if (here && typeof answer.registered === "number" && typeof answer.arrived === "number") countsFrom(answer.registered, answer.arrived);
      else void refreshDoor();
      setSynced((list) => list.map((a) => ("ticketCode" in target && a.ticketCode === target.ticketCode ? { ...a, resolved: true } : a)));
      // An answer: the network is back, and whatever waits can go.
      if (untrack(queue).length > 0) void sync();
      return true;
    } catch (error) {
      if (isOffline(error) || (error instanceof ApiError && (error.status === 502 || error.status === 504))) {
        setUnreachable(true);
        if ("ticketCode" in target) {
          keep(target.ticketCode, scannedAt);
          return true;
        }
        showResult({ kind: "error", text: tr("checkin.lookupOffline") });
        return false;
      }
      const details = (error instanceof ApiError ? error.details : undefined) as
        | { checkedInAt?: string; name?: string; session?: DoorPublicSession; campaignTitle?: string; campaignTitleEn?: string }
        | undefined;
      const code = error instanceof ApiError ? error.code : "";
      if (code === "ALREADY_CHECKED_IN") {
        showResult({ kind: "already", name: details?.name, checkedInAt: details?.checkedInAt });
        if (details?.checkedInAt && "registrationId" in target) markFound(target.registrationId, details.checkedInAt);
      } else if (code === "WRONG_SESSION") {
        showResult({
          kind: "wrong-session",
          name: details?.name,
          campaignTitle: pick(details?.campaignTitle ?? "", details?.campaignTitleEn),
          session: details?.session,
          retry: target,
        });
      } else if (code === "TICKET_NOT_FOUND") {
        showResult({ kind: "not-found", ...("ticketCode" in target ? { code: target.ticketCode } : {}) });
      } else if (code === "NOT_CONFIRMED") {
        showResult({ kind: "not-confirmed", name: details?.name });
      } else if (code === "FORBIDDEN") {
        showResult({ kind: "forbidden" });
      } else {
        showResult({ kind: "error", text: errorText(error, { time: "" }) });
      }
      return false;
    } finally {
      setPending(false);
    }
  };

  const submitCode = async () => {
    const ticketCode = normaliseCode(code());
    if (!ticketCode) {
      setCodeError(tr("checkin.codeMissing"));
      codeInput?.focus();
      return;
    }
    if (!plausibleCode(ticketCode)) {
      setCodeError(tr("checkin.codeTooLong"));
      codeInput?.focus();
      return;
    }
    setCodeError(undefined);
    if (await check({ ticketCode })) setCode("");
  };

  const onScan = (text: string) => {
    const scanned = codeFromScan(text);
    if (!scanned || untrack(pending)) return;
    const now = Date.now();
    if (lastScan && lastScan.code === scanned && now - lastScan.at < SAME_SCAN_MS) return;
    lastScan = { code: scanned, at: now };
    void check({ ticketCode: scanned });
  };

  const lookup = async (more = false) => {
    const q = lookupText().trim();
    if (!q) {
      setLookupError(tr("checkin.lookupMissing"));
      return;
    }
    if (!navigator.onLine) {
      setLookupError(tr("checkin.lookupOffline"));
      return;
    }
    setLookupError(undefined);
    setSearching(true);
    try {
      const page = await getAttendees(props.campaignId, sessionId, q, more ? (foundCursor() ?? undefined) : undefined);
      setUnreachable(false);
      setFound((list) => (more ? [...(list ?? []), ...page.items] : page.items));
      setFoundCursor(page.cursor);
    } catch (error) {
      if (isOffline(error)) setUnreachable(true);
      setLookupError(isOffline(error) ? tr("checkin.lookupOffline") : errorText(error));
    } finally {
      setSearching(false);
    }
  };

  // --- life of the page ---------------------------------------------------------------------
  onMount(() => {
    const up = () => {
      setOnline(true);
      retryDelay = RETRY_FIRST_MS;
      void refreshDoor();
      void sync();
    };
    const down = () => setOnline(false);
    const visible = () => {
      if (document.visibilityState === "visible") {
        void refreshDoor();
        void sync();
      } else {
        // In the background (the phone locked, WeChat switched away) the camera goes off.
        setScanning(false);
      }
    };
    const otherTab = (e: StorageEvent) => {
      if (e.key === queueKey(sessionId)) setQueue(readQueue(store, sessionId));
    };
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    document.addEventListener("visibilitychange", visible);
    window.addEventListener("storage", otherTab);
    const poll = window.setInterval(() => {
      if (navigator.onLine && document.visibilityState === "visible") void refreshDoor();
    }, POLL_MS);
    onCleanup(() => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
      document.removeEventListener("visibilitychange", visible);
      window.removeEventListener("storage", otherTab);
      window.clearInterval(poll);
      window.clearTimeout(retryTimer);
    });

    void refreshDoor();
    void sync();
    // Opened from a ticket's QR (WeChat's 扫一扫, then this session chosen): check it in at once.
    const fromLink = normaliseCode(search.code ?? "");
    if (search.code) setSearch({ code: undefined }, { replace: true });
    if (plausibleCode(fromLink)) void check({ ticketCode: fromLink });
  });

  // Back from offline: what waits goes.
  createEffect(on(offline, (off) => !off && void sync(), { defer: true }));

  const unknownReason = (reason: string | undefined) =>
    reason === "TICKET_NOT_FOUND"
      ? tr("checkin.notFound")
      : reason === "NOT_CONFIRMED"
        ? tr("checkin.notConfirmed")
        : reason === "WRONG_SESSION"
          ? tr("checkin.wrongSession")
          : reason === "FORBIDDEN"
            ? tr("checkin.forbidden")
            : tr("checkin.failed");

  return (
    <Show
      when={!(loadError() instanceof ApiError && [403, 404].includes((loadError() as ApiError).status))}
      fallback={
        <>
          <h1 tabindex="-1">{tr("checkin.title")}</h1>
          <p class="notice notice-error" role="alert" data-testid="station-error">
            {(loadError() as ApiError).status === 403 ? tr("checkin.forbidden") : errorText(loadError())}
          </p>
        </>
      }
    >
      <div onPointerDown={wakeAudio}>
        <h1 tabindex="-1" data-testid="station-title">
          {title()}
        </h1>
        <Show when={door()}>
          {(d) => (
            <p class="desk-station-where">
              <span class="desk-station-campaign">{pick(d().campaign.title, d().campaign.titleEn)}</span>
              <span class="card-line">{formatTimeRange(d().session.startsAt, d().session.endsAt)}</span>
              <span class="card-line">{d().session.venue}</span>
            </p>
          )}
        </Show>

        <Show when={door()}>
          {(d) => <Counts arrived={d().arrived} registered={d().registered} testId="station-count" big />}
        </Show>
        <Show when={offline() && countsAt()}>
          {(at) => <p class="desk-small">{tr("checkin.countsAsOf", { time: formatDateTime(at()) })}</p>}
        </Show>

        <Show when={offline()}>
          <p class="desk-offline" data-testid="desk-offline">
            {tr("checkin.offline")}
          </p>
        </Show>
        <Show when={!persistent}>
          <p class="notice notice-warn">{tr("checkin.memoryOnly")}</p>
        </Show>
        <Show when={queue().length > 0}>
          <div class="desk-queue" data-testid="queue">
            <p data-testid="queue-count" data-count={queue().length}>
              {tr("checkin.queuedCount", { count: queue().length })}
            </p>
            <button type="button" class="button button-secondary" data-testid="sync-now" disabled={syncing()} onClick={() => void sync(true)}>
              {syncing() ? tr("checkin.syncing") : tr("checkin.syncNow")}
            </button>
          </div>
        </Show>

        <div ref={resultArea} class="desk-result-area" aria-live="assertive" aria-atomic="true">
          {/* Keyed: each check-in draws a new box, so a screen reader reads even the same words again. */}
          <Show when={outcome()} keyed>
            {(o) => <OutcomeBox outcome={o} queued={queue().length} pending={pending()} onAnyway={(t) => void check(t, true)} />}
          </Show>
        </div>

        <Show when={cameraAvailable()}>
          <Show
            when={scanning()}
            fallback={
              <button
                type="button"
                class="button button-primary desk-scan"
                data-testid="scan-start"
                onClick={() => {
                  wakeAudio();
                  setScanning(true);
                }}
              >
                {tr("checkin.scan")}
              </button>
            }
          >
            <Camera
              onText={onScan}
              onClose={() => setScanning(false)}
              onError={() => {
                setScanning(false);
                showResult({ kind: "error", text: tr("checkin.cameraError") });
              }}
            />
          </Show>
        </Show>

        <form
          class="desk-code-form"
          novalidate
          onSubmit={(e) => {
            e.preventDefault();
            void submitCode();
          }}
        >
          <div class="field" classList={{ "has-error": !!codeError() }}>
            <label for="checkin-code">{tr("checkin.code")}</label>
            <p class="help" id="checkin-code-help">
              {tr("checkin.codeHelp")}
            </p>
            <input
              ref={codeInput}
              id="checkin-code"
              type="text"
              class="desk-code-input mono"
              inputmode={letters() ? "text" : "numeric"}
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              enterkeyhint="go"
              data-testid="checkin-input"
              value={code()}
              aria-invalid={codeError() ? "true" : undefined}
              aria-describedby={codeError() ? "checkin-code-help checkin-code-error" : "checkin-code-help"}
              onInput={(e) => setCode(e.currentTarget.value.toUpperCase())}
            />
            <Show when={codeError()}>
              {(text) => (
                <p class="field-error" id="checkin-code-error" role="alert">
                  {text()}
                </p>
              )}
            </Show>
          </div>
          <button type="submit" class="button button-primary" data-testid="checkin-submit" disabled={pending()}>
            {pending() ? tr("checkin.submitting") : tr("checkin.submit")}
          </button>
          <button
            type="button"
            class="desk-letters"
            data-testid="checkin-letters"
            aria-pressed={letters() ? "true" : "false"}
            onClick={() => {
              setLetters(!letters());
              codeInput?.focus();
            }}
          >
            {letters() ? tr("checkin.useDigits") : tr("checkin.useLetters")}
          </button>
        </form>

        <section class="desk-lookup" aria-labelledby="lookup-heading">
          <h2 id="lookup-heading">{tr("checkin.lookup")}</h2>
          <form
            novalidate
            onSubmit={(e) => {
              e.preventDefault();
              void lookup();
            }}
          >
            <div class="field" classList={{ "has-error": !!lookupError() }}>
              <label for="lookup-input">{tr("checkin.lookupLabel")}</label>
              <input
                id="lookup-input"
                type="text"
                autocomplete="off"
                enterkeyhint="search"
                data-testid="lookup-input"
                value={lookupText()}
                aria-invalid={lookupError() ? "true" : undefined}
                aria-describedby={lookupError() ? "lookup-error" : undefined}
                onInput={(e) => setLookupText(e.currentTarget.value)}
              />
              <Show when={lookupError()}>
                {(text) => (
                  <p class="field-error" id="lookup-error" role="alert">
                    {text()}
                  </p>
                )}
              </Show>
            </div>
            <button type="submit" class="button button-secondary" data-testid="lookup-submit" disabled={searching()}>
              {searching() ? tr("checkin.lookupSearching") : tr("checkin.lookupSubmit")}
            </button>
          </form>
          <div aria-live="polite">
            <Show when={found()}>
              {(list) => (
                <Show when={list().length > 0} fallback={<p data-testid="lookup-none">{tr("checkin.lookupNone")}</p>}>
                  <p class="visually-hidden-desk">{tr("checkin.lookupFound", { count: list().length })}</p>
                </Show>
              )}
            </Show>
          </div>
          <Show when={found()?.length}>
            <ul class="desk-found" data-testid="lookup-results">
              <For each={found()}>
                {(a) => (
                  <li class="desk-person" data-testid="lookup-result" data-registration={a.registrationId}>
                    <div class="desk-person-who">
                      <span class="desk-person-name">{a.name}</span>
                      <span class="desk-person-phone mono">{a.phone}</span>
                      <Show when={a.checkedInAt}>
                        {(at) => (
                          <span class="desk-person-state desk-person-in" data-testid="lookup-checked-in">
                            {tr("checkin.checkedInAt", { time: formatDateTime(at()) })}
                          </span>
                        )}
                      </Show>
                      <Show when={!a.checkedInAt && a.status !== "confirmed"}>
                        <span class="desk-person-state">{a.status === "waitlisted" ? tr("checkin.waitlisted") : tr("checkin.cancelled")}</span>
                      </Show>
                    </div>
                    <Show when={!a.checkedInAt && a.status === "confirmed"}>
                      <button
                        type="button"
                        class="button button-primary desk-person-go"
                        data-testid="lookup-checkin"
                        aria-label={tr("checkin.checkInPerson", { name: a.name })}
                        disabled={pending()}
                        onClick={() => void check({ registrationId: a.registrationId })}
                      >
                        {tr("checkin.submit")}
                      </button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
            <Show when={foundCursor()}>
              <button type="button" class="button button-secondary" data-testid="lookup-more" disabled={searching()} onClick={() => void lookup(true)}>
                {tr("checkin.lookupMore")}
              </button>
            </Show>
          </Show>
        </section>

        <p class="desk-sync-note" role="status" data-testid="sync-status">
          {syncNote() ?? ""}
        </p>
        <Show when={synced().length > 0}>
          <section class="desk-synced" aria-labelledby="synced-heading">
            <h2 id="synced-heading">{tr("checkin.syncResults")}</h2>
            <ul class="desk-synced-list" data-testid="sync-results">
              <For each={synced()}>
                {(a) => (
                  <li
                    class={`desk-synced-item desk-synced-${a.result === "checked_in" ? "ok" : a.result === "already" ? "look" : "stop"}`}
                    data-testid="sync-result"
                    data-result={a.result}
                    data-code={a.ticketCode}
                  >
                    <p class="desk-synced-headline">
                      {a.result === "checked_in" ? tr("checkin.success") : a.result === "already" ? tr("checkin.already") : unknownReason(a.reason)}
                    </p>
                    <Show when={a.name}>{(name) => <p class="desk-result-name">{name()}</p>}</Show>
                    <Show when={a.reason === "WRONG_SESSION" && a.session}>
                      {(s) => (
                        <>
                          <p class="desk-result-when">{tr("checkin.ticketIsFor", { session: pick(s().title, s().titleEn) })}</p>
                          <p class="desk-result-when">{tr("checkin.ticketWhen", { time: formatTimeRange(s().startsAt, s().endsAt) })}</p>
                          <Show when={a.campaignTitle}>
                            {(title) => <p>{tr("checkin.ticketCampaign", { campaign: pick(title(), a.campaignTitleEn) })}</p>}
                          </Show>
                        </>
                      )}
                    </Show>
                    <p class="desk-code">{tr("checkin.codeShown", { code: groupCode(a.ticketCode) })}</p>
                    <Show when={a.checkedInAt}>{(at) => <p>{tr("checkin.at", { time: formatDateTime(at()) })}</p>}</Show>
                    <Show when={a.result !== "checked_in" && a.scannedAt}>{(at) => <p>{tr("checkin.scannedAt", { time: formatDateTime(at()) })}</p>}</Show>
                    <Show when={a.result === "unknown" && a.reason === "WRONG_SESSION" && !a.resolved}>
                      <button
                        type="button"
                        class="button button-danger"
                        data-testid="sync-anyway"
                        disabled={pending()}
                        onClick={() => void check({ ticketCode: a.ticketCode }, true)}
                      >
                        {tr("checkin.anyway")}
                      </button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </section>
        </Show>
      </div>
    </Show>
  );
}

/** Opened from a ticket's QR without a session: she picks the session first (the one she used last on top). */
function PickSession(props: { code?: string }): JSX.Element {
  const last = readJson<LastStation>(LAST_STATION);
  return (
    <>
      <h1 tabindex="-1">{tr("checkin.title")}</h1>
      <Show when={props.code} fallback={<p class="lead">{tr("checkin.doorIntro")}</p>}>
        {(code) => (
          <p class="lead desk-pick" data-testid="pick-session">
            {tr("checkin.pickSession", { code: groupCode(code()) })}
          </p>
        )}
      </Show>
      <Show when={last && typeof last.sessionId === "string" && typeof last.campaignId === "string" ? last : undefined}>
        {(l) => (
          <A href={stationHref(l().campaignId, l().sessionId, props.code)} class="button button-primary desk-open" data-testid="pick-last">
            {tr("checkin.openLabel", { session: pick(l().title, l().titleEn) })}
          </A>
        )}
      </Show>
      <DoorList {...(props.code ? { code: props.code } : {})} />
    </>
  );
}

/**
 * Who is not an organiser and came with a code scanned her own ticket with WeChat: tell her
 * what the QR is for, not only that this page is not for her.
 */
function NotForYou(props: { fromTicket: boolean }): JSX.Element {
  return (
    <Show
      when={props.fromTicket}
      fallback={
        <p class="notice notice-error" data-testid="organiser-not-allowed">
          {tr("checkin.notAllowed")}
        </p>
      }
    >
      <div class="notice" data-testid="organiser-not-allowed" data-reason="ticket-qr">
        <p>{tr("checkin.ticketQr")}</p>
        <A href="/me/registrations" class="button button-primary">
          {tr("checkin.ticketQrMine")}
        </A>
      </div>
    </Show>
  );
}

/**
 * `/organiser/door/:campaignId/:sessionId`: the station of one session. `/organiser/checkin`
 * (`?code=`, what a ticket's QR opens): pick the session, then that code is checked in there.
 */
export default function CheckIn(): JSX.Element {
  const params = useParams<{ campaignId?: string; sessionId?: string }>();
  const [search] = useSearchParams<{ code?: string }>();
  const me = createAsync(() => getMe().catch(() => null));
  const station = () => (params.campaignId && params.sessionId ? { campaignId: params.campaignId, sessionId: params.sessionId } : undefined);
  const code = () => {
    const c = normaliseCode(search.code ?? "");
    return plausibleCode(c) ? c : undefined;
  };
  usePageTitle(() => tr("checkin.title"));
  return (
    <div class="page desk">
      <Show when={isOrganiser(me())}>
        <p>
          <A href="/organiser/door" class="back-link" data-testid="back-to-door">
            <span aria-hidden="true">‹</span> {tr("checkin.backToDoor")}
          </A>
        </p>
      </Show>
      <RequireOrganiser
        notAllowed={
          <>
            <h1 tabindex="-1">{tr("checkin.title")}</h1>
            <NotForYou fromTicket={!!search.code} />
          </>
        }
      >
        {() => (
          <Show when={station()} keyed fallback={<PickSession {...(code() ? { code: code()! } : {})} />}>
            {(s) => <Station campaignId={s.campaignId} sessionId={s.sessionId} />}
          </Show>
        )}
      </RequireOrganiser>
    </div>
  );
}
