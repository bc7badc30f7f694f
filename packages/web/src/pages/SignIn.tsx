import { Show, Suspense, createMemo, createSignal, onCleanup, onMount, type JSX } from "solid-js";
import { A, action, createAsync, query, useAction, useNavigate, useSearchParams } from "@solidjs/router";
import { ApiError, client, parseResponse } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { getMe, rememberSignInPhone, safeNext } from "../session.ts";
import { getCampaign } from "../campaigns.ts";
import { codeInputText, normalisePhone, phoneInputText } from "../phone.ts";

/** The server gives one code a minute per number (otpNumberLimits): the button waits as long. */
const RESEND_SECONDS = 60;

/** Whether this is the local stage, where the one-time codes land in a dev outbox. */
export const getHealth = query(async () => {
  try {
    return await parseResponse(client.api.health.$get());
  } catch {
    return { ok: false, stage: undefined };
  }
}, "health");

export const requestCode = action(async (phone: string) => {
  await client.api.auth.otp.$post({ json: { phone } });
}, "requestCode");

export const login = action(async (input: { phone: string; code: string }) => {
  const { user } = await parseResponse(client.api.auth.login.$post({ json: input }));
  return user;
}, "login");

type NextPlace =
  | { kind: "session"; campaignId: string; sessionId: string }
  | { kind: "enter" | "campaign"; campaignId: string }
  | { kind: "registrations" | "ticket" | "entries" };

/** Where `next` takes her, as far as it can be named: the pages a participant is sent here from. */
function nextPlace(next: string): NextPlace | undefined {
  const url = new URL(next, "https://here.invalid");
  const campaign = /^\/campaigns\/([^/]+)$/.exec(url.pathname);
  if (campaign) {
    const campaignId = decodeURIComponent(campaign[1]!);
    const sessionId = url.searchParams.get("session");
    if (sessionId) return { kind: "session", campaignId, sessionId };
    return { kind: url.searchParams.get("enter") === "1" ? "enter" : "campaign", campaignId };
  }
  if (url.pathname === "/me/registrations") return { kind: "registrations" };
  if (url.pathname.startsWith("/me/tickets/")) return { kind: "ticket" };
  if (url.pathname === "/me/entries") return { kind: "entries" };
  return undefined;
}

/**
 * What she was doing when the page sent her here ("登录后继续报名：… 第1场 · 长沙"), so that
 * signing in is a step of it, not a detour. Nothing when the place cannot be named.
 */
function NextTarget(props: { next: string }): JSX.Element {
  const place = createMemo(() => nextPlace(props.next));
  const campaign = createAsync(async () => {
    const p = place();
    return p && "campaignId" in p ? getCampaign(p.campaignId).catch(() => undefined) : undefined;
  });
  const text = (): string | undefined => {
    const p = place();
    if (!p) return undefined;
    if (p.kind === "registrations") return tr("signin.next.registrations");
    if (p.kind === "ticket") return tr("signin.next.ticket");
    if (p.kind === "entries") return tr("signin.next.entries");
    const c = campaign();
    if (!c) return undefined;
    const title = pick(c.title, c.titleEn);
    if (p.kind === "session") {
      const s = c.sessions?.find((x) => x.id === p.sessionId);
      return s ? tr("signin.next.session", { campaign: title, session: pick(s.title, s.titleEn) }) : tr("signin.next.campaign", { campaign: title });
    }
    return tr(p.kind === "enter" ? "signin.next.enter" : "signin.next.campaign", { campaign: title });
  };
  return (
    <Show when={text()}>
      {(t) => (
        <p class="notice next-target" data-testid="signin-next">
          {t()}
        </p>
      )}
    </Show>
  );
}

/** What went wrong with the code, each with its one next step. */
type CodeProblem = { kind: "format" } | { kind: "wrong" } | { kind: "locked" } | { kind: "other"; text: string };
/** What went wrong asking for a code. */
type SendProblem = { kind: "phone" } | { kind: "tooOften" } | { kind: "dailyLimit" } | { kind: "other"; text: string };

export default function SignIn(): JSX.Element {
  const [search] = useSearchParams<{ next?: string }>();
  const navigate = useNavigate();
  const me = createAsync(() => getMe());
  const health = createAsync(() => getHealth());
  const sendCode = useAction(requestCode);
  const doLogin = useAction(login);
  usePageTitle(() => tr("signin.title"));

  // What is in the box, as she wrote it; the number itself is `mobile()`.
  const [phone, setPhone] = createSignal("");
  const mobile = createMemo(() => normalisePhone(phone()));
  const [code, setCode] = createSignal("");
  const [sent, setSent] = createSignal(false);
  const [countdown, setCountdown] = createSignal(0);
  const [sending, setSending] = createSignal(false);
  const [loggingIn, setLoggingIn] = createSignal(false);
  const [sendProblem, setSendProblem] = createSignal<SendProblem>();
  const [codeProblem, setCodeProblem] = createSignal<CodeProblem>();
  const [info, setInfo] = createSignal<string>();
  // When the last "too often" came: another one a whole countdown later is the daily limit,
  // since by then the one-a-minute window has passed.
  let tooOftenAt = 0;

  let phoneInput: HTMLInputElement | undefined;
  let codeInput: HTMLInputElement | undefined;
  let timer: number | undefined;
  onCleanup(() => window.clearInterval(timer));
  // Straight into the number with a mouse and keyboard; on a phone the keyboard would cover
  // the explanation, so she taps the field herself.
  onMount(() => {
    if (!window.matchMedia?.("(pointer: coarse)").matches) phoneInput?.focus();
  });

  const next = () => safeNext(search.next);
  const locked = () => codeProblem()?.kind === "locked";

  const startCountdown = () => {
    setCountdown(RESEND_SECONDS);
    window.clearInterval(timer);
    timer = window.setInterval(() => {
      setCountdown((n) => {
        if (n <= 1) window.clearInterval(timer);
        return Math.max(0, n - 1);
      });
    }, 1000);
  };

  const onSend = async () => {
    if (sending() || countdown() > 0) return;
    setInfo(undefined);
    const number = mobile();
    if (!number) {
      setSendProblem({ kind: "phone" });
      phoneInput?.focus();
      return;
    }
    setPhone(number);
    setSendProblem(undefined);
    setSending(true);
    try {
      await sendCode(number);
      setSent(true);
      tooOftenAt = 0;
      // A new code: the old one, and what went wrong with it, are gone.
      setCode("");
      setCodeProblem(undefined);
      setInfo(tr("signin.codeSent"));
      startCountdown();
      codeInput?.focus();
    } catch (error) {
      if (error instanceof ApiError && error.code === "OTP_TOO_OFTEN") {
        const daily = tooOftenAt > 0 && Date.now() - tooOftenAt >= RESEND_SECONDS * 1000;
        tooOftenAt = Date.now();
        setSendProblem({ kind: daily ? "dailyLimit" : "tooOften" });
        if (!daily) startCountdown();
      } else {
        setSendProblem({ kind: "other", text: errorText(error) });
        if (error instanceof ApiError && error.status === 429) startCountdown();
      }
      phoneInput?.focus();
    } finally {
      setSending(false);
    }
  };

  const focusCode = () => {
    codeInput?.focus();
    codeInput?.select();
  };

  const onLogin = async (event: SubmitEvent) => {
    event.preventDefault();
    if (loggingIn() || locked()) return;
    const number = mobile();
    if (!number) {
      setSendProblem({ kind: "phone" });
      phoneInput?.focus();
      return;
    }
    if (!/^\d{6}$/.test(code())) {
      setCodeProblem({ kind: "format" });
      focusCode();
      return;
    }
    setCodeProblem(undefined);
    setLoggingIn(true);
    try {
      const user = await doLogin({ phone: number, code: code() });
      rememberSignInPhone(user, number);
      navigate(next(), { replace: true });
    } catch (error) {
      const kind = error instanceof ApiError ? error.code : undefined;
      if (kind === "OTP_INVALID") setCodeProblem({ kind: "wrong" });
      else if (kind === "OTP_LOCKED") {
        // The code is void, the right one too: nothing in the box is worth sending again.
        setCode("");
        setCodeProblem({ kind: "locked" });
      }
      else setCodeProblem({ kind: "other", text: errorText(error) });
      // Another try starts from the code box, its digits selected so typing replaces them.
      focusCode();
    } finally {
      setLoggingIn(false);
    }
  };

  const sendLabel = () => (sent() ? tr("signin.resend") : tr("signin.sendCode"));
  /**
   * The one thing said about getting a (new) code, with the button's own count: "in 42 s" while
   * it counts down, "tap 重新获取验证码 now" after. Outside the alerts, so it is not read out
   * every second.
   */
  const resendHint = () =>
    countdown() > 0 ? tr("signin.resendHintWait", { n: countdown() }) : tr("signin.resendHintNow", { button: sendLabel() });

  const sendProblemText = () => {
    const p = sendProblem();
    if (!p) return undefined;
    if (p.kind === "phone") return tr("FIELD_PHONE");
    if (p.kind === "tooOften") return tr("signin.tooOften");
    if (p.kind === "dailyLimit") return tr("signin.dailyLimit");
    return p.text;
  };

  const codeProblemText = () => {
    const p = codeProblem();
    if (!p) return undefined;
    if (p.kind === "format") return tr("signin.codeInvalid");
    if (p.kind === "wrong") return tr("signin.wrongCode");
    if (p.kind === "locked") return tr("signin.locked");
    return p.text;
  };

  return (
    <div class="page narrow">
      <h1 tabindex="-1">{tr("signin.title")}</h1>
      <Show
        when={!me() || loggingIn()}
        fallback={
          <div class="notice">
            <p>{tr("signin.already")}</p>
            <A href={next()} class="button button-primary">
              {tr("signin.continue")}
            </A>
          </div>
        }
      >
        {/* Its own boundary: the form does not wait for the campaign's name. */}
        <Suspense>
          <NextTarget next={next()} />
        </Suspense>
        <p class="lead">{tr("signin.intro")}</p>
        <form onSubmit={onLogin} novalidate>
          <div class="field" classList={{ "has-error": !!sendProblem() }}>
            <label for="signin-phone">{tr("signin.phone")}</label>
            {/* No maxlength: the browser would cut a pasted "+86 139 1234 5678" before we see
                it (to "+86 139 123", 9 digits). The box takes any text; phoneInputText turns a
                whole number into its 11 digits, and sending checks it. */}
            <input
              ref={phoneInput}
              id="signin-phone"
              name="phone"
              type="tel"
              inputmode="tel"
              autocomplete="tel"
              class="big-input"
              data-testid="phone-input"
              value={phone()}
              aria-invalid={sendProblem()?.kind === "phone" ? "true" : undefined}
              aria-describedby={sendProblem() ? "signin-phone-help signin-phone-error" : "signin-phone-help"}
              onInput={(e) => {
                // Mid-composition (a Chinese input method) the text is not hers yet.
                if ((e as InputEvent).isComposing) return;
                const value = phoneInputText(e.currentTarget.value);
                if (value !== e.currentTarget.value) e.currentTarget.value = value;
                setPhone(value);
                if (sendProblem()?.kind === "phone" && mobile()) setSendProblem(undefined);
              }}
              onCompositionEnd={(e) => {
                const value = phoneInputText(e.currentTarget.value);
                e.currentTarget.value = value;
                setPhone(value);
              }}
            />
            <p class="help" id="signin-phone-help">
              {tr("signin.phoneHelp")}
            </p>
            <Show when={sendProblemText()}>
              <div id="signin-phone-error" data-testid="phone-error" data-problem={sendProblem()?.kind}>
                <p class="field-error" role="alert">
                  {sendProblemText()}
                </p>
                <Show when={sendProblem()?.kind === "tooOften"}>
                  <p class="resend-hint" data-testid="send-hint">
                    {resendHint()}
                  </p>
                </Show>
              </div>
            </Show>
          </div>
          <button
            type="button"
            class="button"
            classList={{ "button-primary": !sent() || locked(), "button-secondary": sent() && !locked() }}
            data-testid="otp-send"
            disabled={sending() || countdown() > 0 || sendProblem()?.kind === "dailyLimit"}
            onClick={onSend}
          >
            {countdown() > 0 ? tr("signin.resendIn", { n: countdown() }) : sendLabel()}
          </button>
          <p aria-live="polite" class="info" data-testid="otp-info">
            {info() ?? ""}
          </p>
          <Show when={health()?.stage === "local"}>
            <p class="dev-hint">
              <a href={`/api/dev/outbox?phone=${encodeURIComponent(mobile() ?? phone())}`} target="_blank" rel="noopener">
                {tr("signin.devHint")}
              </a>
            </p>
          </Show>

          <div class="field" classList={{ "has-error": !!codeProblem() }}>
            <label for="signin-code">{tr("signin.code")}</label>
            {/* No maxlength either: a pasted "123 456" or a whole text message keeps its six digits. */}
            <input
              ref={codeInput}
              id="signin-code"
              name="code"
              type="text"
              inputmode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]*"
              class="big-input code-input"
              data-testid="otp-input"
              value={code()}
              aria-invalid={codeProblem() ? "true" : undefined}
              aria-describedby={codeProblem() ? "signin-code-help signin-code-error" : "signin-code-help"}
              onInput={(e) => {
                if ((e as InputEvent).isComposing) return;
                const value = codeInputText(e.currentTarget.value);
                if (value !== e.currentTarget.value) e.currentTarget.value = value;
                setCode(value);
                if (codeProblem()?.kind === "format" || codeProblem()?.kind === "wrong") setCodeProblem(undefined);
              }}
            />
            <p class="help" id="signin-code-help">
              {tr("signin.codeHelp")}
            </p>
            <Show when={codeProblemText()}>
              <div id="signin-code-error" data-testid="login-error" data-problem={codeProblem()?.kind}>
                <p class="field-error" role="alert">
                  {codeProblemText()}
                </p>
                <Show when={codeProblem()?.kind === "wrong" || codeProblem()?.kind === "locked"}>
                  <p class="resend-hint" data-testid="resend-hint">
                    {codeProblem()?.kind === "locked" ? resendHint() : tr("signin.wrongCodeNew", { then: resendHint() })}
                  </p>
                </Show>
              </div>
            </Show>
          </div>
          <button type="submit" class="button button-primary" data-testid="login-submit" disabled={loggingIn() || locked()}>
            {loggingIn() ? tr("signin.submitting") : tr("signin.submit")}
          </button>
        </form>
      </Show>
    </div>
  );
}
