import { Match, Show, Switch, createSignal, onCleanup, type JSX } from "solid-js";
import { A, action, useAction } from "@solidjs/router";
import { api, ApiError } from "../api.ts";
import { errorText, pick, tr } from "../i18n.ts";
import { formatDateTime } from "../format.ts";
import { RequireSignIn } from "../components/RequireSignIn.tsx";
import { canCheckIn } from "../session.ts";
import type { CheckIn as CheckInResult } from "../types.ts";

export const checkIn = action(async (ticketCode: string) => {
  return api.post<CheckInResult>("/api/admin/checkins", { ticketCode });
}, "checkIn");

type Outcome =
  | { kind: "success"; result: CheckInResult }
  | { kind: "already"; checkedInAt?: string }
  | { kind: "error"; text: string };

/** Ticket codes are letters and digits; people type them in any case, with spaces. */
const normalise = (text: string) => text.toUpperCase().replace(/[^A-Z0-9]/g, "");

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
          const code = found.map((b) => normalise(b.rawValue)).find(Boolean);
          if (code) {
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
      stop();
      props.onError(tr("checkin.cameraError"));
    }
  };
  void start();

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
  const [code, setCode] = createSignal("");
  const [pending, setPending] = createSignal(false);
  const [outcome, setOutcome] = createSignal<Outcome>();
  const [inputError, setInputError] = createSignal<string>();
  const [scanning, setScanning] = createSignal(false);
  let input: HTMLInputElement | undefined;
  let resultBox: HTMLDivElement | undefined;

  const send = async (ticketCode: string) => {
    if (pending()) return;
    if (!ticketCode) {
      setInputError(tr("checkin.codeMissing"));
      input?.focus();
      return;
    }
    setInputError(undefined);
    setPending(true);
    setOutcome(undefined);
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
      resultBox?.focus();
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
            <p class="field-error" id="checkin-code-error" role="alert">
              {inputError()}
            </p>
          </Show>
        </div>
        <button type="submit" class="button button-primary" data-testid="checkin-submit" disabled={pending()}>
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

      <div ref={resultBox} tabindex="-1" aria-live="assertive" class="checkin-result-area">
        <Show when={outcome()}>
          {(o) => (
            <Switch>
              <Match when={o().kind === "success" && (o() as Extract<Outcome, { kind: "success" }>)}>
                {(success) => {
                  const reg = () => success().result.registration;
                  const sessionTitle = () =>
                    reg().session ? pick(reg().session?.title ?? "", reg().session?.titleEn) : (reg().sessionTitle ?? "");
                  return (
                    <div class="checkin-result checkin-success" data-testid="checkin-result" data-state="success">
                      <p class="checkin-headline">✓ {tr("checkin.success")}</p>
                      <Show when={reg().name}>{(name) => <p>{tr("checkin.name", { name: name() })}</p>}</Show>
                      <Show when={reg().phone}>{(phone) => <p>{tr("checkin.phone", { phone: phone() })}</p>}</Show>
                      <Show when={reg().campaignTitle}>
                        {(title) => <p>{pick(title(), reg().campaignTitleEn)}</p>}
                      </Show>
                      <Show when={sessionTitle()}>{(title) => <p>{tr("checkin.session", { title: title() })}</p>}</Show>
                      <p>{tr("checkin.at", { time: formatDateTime(success().result.checkedInAt) })}</p>
                    </div>
                  );
                }}
              </Match>
              <Match when={o().kind === "already" && (o() as Extract<Outcome, { kind: "already" }>)}>
                {(already) => (
                  <div class="checkin-result checkin-already" data-testid="checkin-result" data-state="already">
                    <p class="checkin-headline">! {tr("checkin.already")}</p>
                    <Show when={already().checkedInAt}>
                      {(at) => <p>{tr("checkin.at", { time: formatDateTime(at()) })}</p>}
                    </Show>
                  </div>
                )}
              </Match>
              <Match when={o().kind === "error" && (o() as Extract<Outcome, { kind: "error" }>)}>
                {(failed) => (
                  <div class="checkin-result checkin-error" data-testid="checkin-result" data-state="error">
                    <p class="checkin-headline">✕ {tr("checkin.failed")}</p>
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

export default function CheckIn(): JSX.Element {
  return (
    <div class="page">
      <p>
        <A href="/organiser" class="back-link" data-testid="back-to-organiser">
          ‹ {tr("organiser.backToList")}
        </A>
      </p>
      <h1>{tr("checkin.title")}</h1>
      <RequireSignIn>
        {(user) => (
          <Show when={canCheckIn(user())} fallback={<p class="notice notice-error">{tr("checkin.notAllowed")}</p>}>
            <CheckInDesk />
          </Show>
        )}
      </RequireSignIn>
    </div>
  );
}
