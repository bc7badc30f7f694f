import { Match, Show, Switch, createSignal, onCleanup, onMount, type JSX } from "solid-js";
import { A, action, createAsync, useAction, useSearchParams } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { ApiError, client, parseResponse } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { formatDateTime } from "../format.ts";
import { RequireOrganiser } from "../components/RequireOrganiser.tsx";
import { getMe, isOrganiser } from "../session.ts";

export const checkIn = action(
  (ticketCode: string) => parseResponse(client.api.admin.checkins.$post({ json: { ticketCode } })),
  "checkIn",
);

type CheckInResult = InferResponseType<typeof client.api.admin.checkins.$post>;

type Outcome =
  | { kind: "success"; result: CheckInResult }
  | { kind: "already"; checkedInAt?: string }
  | { kind: "error"; text: string };

/** Ticket codes are letters and digits; people type them in any case, with spaces. */
const normalise = (text: string) => text.toUpperCase().replace(/[^A-Z0-9]/g, "");

/**
 * The code in what the camera read. A ticket's QR holds a link to this page with `?code=`
 * (so WeChat's own 扫一扫 opens the desk); older tickets hold the bare code. A link without a
 * code is someone else's QR: undefined, keep looking.
 */
export function codeFromScan(raw: string): string | undefined {
  const text = raw.trim();
  if (/^https?:\/\//i.test(text)) {
    try {
      const code = new URL(text).searchParams.get("code");
      return code ? normalise(code) || undefined : undefined;
    } catch {
      return undefined;
    }
  }
  return normalise(text) || undefined;
}

// Not yet in TypeScript's DOM library.
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (options?: { formats?: string[] }) => BarcodeDetectorLike;

function scanSupported(): boolean {
  return "BarcodeDetector" in window && typeof navigator.mediaDevices?.getUserMedia === "function";
}

function Scanner(props: { onCode: (code: string) => void; onClose: () => void; onError: (text: string) => void }): JSX.Element {
  let video: HTMLVideoElement | undefined;
  let stream: MediaStream | undefined;
  let timer: number | undefined;
  let stopped = false;

  const stop = () => {
    stopped = true;
    window.clearTimeout(timer);
    stream?.getTracks().forEach((track) => track.stop());
    stream = undefined;
  };
  onCleanup(stop);

  const start = async () => {
    try {
      const Detector = (window as unknown as { BarcodeDetector: BarcodeDetectorCtor }).BarcodeDetector;
      const detector = new Detector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
      if (stopped || !video) return stop();
      video.srcObject = stream;
      await video.play();
      const tick = async () => {
        if (stopped || !video) return;
        try {
          const found = await detector.detect(video);
          const code = found.map((b) => codeFromScan(b.rawValue)).find(Boolean);
          if (code && !stopped) {
            props.onCode(code);
            return;
          }
        } catch {
          // a frame that could not be read; try the next one
        }
        timer = window.setTimeout(() => void tick(), 300);
      };
      void tick();
    } catch {
      // She pressed 停止扫码 while the camera was still opening: nothing to tell her.
      if (stopped) return;
      stop();
      props.onError(tr("checkin.cameraError"));
    }
  };
  // After the <video> is in the page, still inside the tap on 扫码签到 (browsers want a tap for the camera).
  onMount(() => void start());

  return (
    <div class="scanner">
      <p>{tr("checkin.scanHelp")}</p>
      <video ref={video} muted playsinline autoplay data-testid="scan-video" />
      <button type="button" class="button button-secondary" data-testid="scan-stop" onClick={() => props.onClose()}>
        {tr("checkin.scanStop")}
      </button>
    </div>
  );
}

function CheckInDesk(): JSX.Element {
  const submit = useAction(checkIn);
  const [search, setSearch] = useSearchParams<{ code?: string }>();
  // Opened from a ticket's QR (WeChat's 扫一扫): the code is filled in, she confirms with one tap.
  const [code, setCode] = createSignal(normalise(search.code ?? ""));
  const [pending, setPending] = createSignal(false);
  const [outcome, setOutcome] = createSignal<Outcome>();
  const [inputError, setInputError] = createSignal<{ text: string; alert: boolean }>();
  const [scanning, setScanning] = createSignal(false);
  let input: HTMLInputElement | undefined;
  let submitButton: HTMLButtonElement | undefined;
  let resultBox: HTMLDivElement | undefined;

  onMount(() => {
    if (code()) submitButton?.focus();
  });

  const send = async (ticketCode: string) => {
    if (pending()) return;
    if (!ticketCode) {
      // Focus moving to the input reads the error out (aria-describedby); when she is in the
      // input already (she pressed Enter), the error is an alert instead. Never both.
      const moved = !!input && document.activeElement !== input;
      setInputError({ text: tr("checkin.codeMissing"), alert: !moved });
      input?.focus();
      return;
    }
    setInputError(undefined);
    setPending(true);
    setOutcome(undefined);
    // The code from the link is used: a reload must not offer it again.
    if (search.code) setSearch({ code: undefined }, { replace: true });
    try {
      const result = await submit(ticketCode);
      setOutcome({ kind: "success", result });
      setCode("");
    } catch (error) {
      if (error instanceof ApiError && error.code === "ALREADY_CHECKED_IN") {
        const at = (error.details as { checkedInAt?: string } | undefined)?.checkedInAt;
        setOutcome({ kind: "already", ...(at ? { checkedInAt: at } : {}) });
      } else {
        setOutcome({ kind: "error", text: errorText(error, { time: "" }) });
      }
    } finally {
      setPending(false);
      // The result area is a live region: it is read out; here it only comes into view.
      resultBox?.scrollIntoView({ block: "nearest" });
    }
  };

  return (
    <>
      <p class="lead">{tr("checkin.intro")}</p>
      <form
        novalidate
        onSubmit={(e) => {
          e.preventDefault();
          void send(normalise(code()));
        }}
      >
        <div class="field" classList={{ "has-error": !!inputError() }}>
          <label for="checkin-code">{tr("checkin.code")}</label>
          <input
            ref={input}
            id="checkin-code"
            type="text"
            class="big-input mono checkin-input"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            data-testid="checkin-input"
            value={code()}
            aria-invalid={inputError() ? "true" : undefined}
            aria-describedby={inputError() ? "checkin-code-error" : undefined}
            onInput={(e) => {
              const value = normalise(e.currentTarget.value);
              e.currentTarget.value = value;
              setCode(value);
            }}
          />
          <Show when={inputError()}>
            {(err) => (
              <p class="field-error" id="checkin-code-error" role={err().alert ? "alert" : undefined}>
                {err().text}
              </p>
            )}
          </Show>
        </div>
        <button ref={submitButton} type="submit" class="button button-primary" data-testid="checkin-submit" disabled={pending()}>
          {pending() ? tr("checkin.submitting") : tr("checkin.submit")}
        </button>
      </form>

      <Show when={scanSupported()}>
        <Show
          when={scanning()}
          fallback={
            <button type="button" class="button button-secondary" data-testid="scan-start" onClick={() => setScanning(true)}>
              {tr("checkin.scan")}
            </button>
          }
        >
          <Scanner
            onClose={() => setScanning(false)}
            onError={(text) => {
              setScanning(false);
              setOutcome({ kind: "error", text });
            }}
            onCode={(scanned) => {
              setScanning(false);
              setCode(scanned);
              void send(scanned);
            }}
          />
        </Show>
      </Show>

      <div ref={resultBox} aria-live="assertive" aria-atomic="true" class="checkin-result-area">
        <Show when={outcome()}>
          {(o) => (
            <Switch>
              <Match when={o().kind === "success" && (o() as Extract<Outcome, { kind: "success" }>)}>
                {(success) => {
                  const reg = () => success().result.registration;
                  // Masked by the server (王*兰, 139****5678): enough to match the person at the door.
                  const answer = (key: string) => {
                    const r = reg();
                    const v = "answers" in r ? (r.answers as Record<string, unknown>)[key] : undefined;
                    return typeof v === "string" ? v : undefined;
                  };
                  return (
                    <div class="checkin-result checkin-success" data-testid="checkin-result" data-state="success">
                      <p class="checkin-headline">
                        <span aria-hidden="true">✓</span> {tr("checkin.success")}
                      </p>
                      <Show when={answer("name")}>{(name) => <p>{tr("checkin.name", { name: name() })}</p>}</Show>
                      <Show when={answer("phone")}>{(phone) => <p>{tr("checkin.phone", { phone: phone() })}</p>}</Show>
                      <Show when={reg().campaignTitle}>{(title) => <p>{title()}</p>}</Show>
                      <Show when={reg().session}>
                        {(session) => <p>{tr("checkin.session", { title: pick(session().title, session().titleEn) })}</p>}
                      </Show>
                      <p>{tr("checkin.at", { time: formatDateTime(success().result.checkedInAt) })}</p>
                    </div>
                  );
                }}
              </Match>
              <Match when={o().kind === "already" && (o() as Extract<Outcome, { kind: "already" }>)}>
                {(already) => (
                  <div class="checkin-result checkin-already" data-testid="checkin-result" data-state="already">
                    <p class="checkin-headline">
                      <span aria-hidden="true">!</span> {tr("checkin.already")}
                    </p>
                    <Show when={already().checkedInAt}>
                      {(at) => <p>{tr("checkin.at", { time: formatDateTime(at()) })}</p>}
                    </Show>
                  </div>
                )}
              </Match>
              <Match when={o().kind === "error" && (o() as Extract<Outcome, { kind: "error" }>)}>
                {(failed) => (
                  <div class="checkin-result checkin-error" data-testid="checkin-result" data-state="error">
                    <p class="checkin-headline">
                      <span aria-hidden="true">✕</span> {tr("checkin.failed")}
                    </p>
                    <p>{failed().text}</p>
                  </div>
                )}
              </Match>
            </Switch>
          )}
        </Show>
      </div>
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

export default function CheckIn(): JSX.Element {
  const [search] = useSearchParams<{ code?: string }>();
  const me = createAsync(() => getMe().catch(() => null));
  usePageTitle(() => tr("checkin.title"));
  return (
    <div class="page">
      <Show when={isOrganiser(me())}>
        <p>
          <A href="/organiser" class="back-link" data-testid="back-to-organiser">
            <span aria-hidden="true">‹</span> {tr("organiser.backToList")}
          </A>
        </p>
      </Show>
      <h1 tabindex="-1">{tr("checkin.title")}</h1>
      <RequireOrganiser notAllowed={<NotForYou fromTicket={!!search.code} />}>{() => <CheckInDesk />}</RequireOrganiser>
    </div>
  );
}
