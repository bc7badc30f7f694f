import { Show, createSignal, onCleanup, onMount, type JSX } from "solid-js";
import { A, action, createAsync, query, useAction, useNavigate, useSearchParams } from "@solidjs/router";
import { ApiError, client, parseResponse } from "../api.ts";
import { errorText, tr, usePageTitle } from "../i18n.ts";
import { getMe, safeNext } from "../session.ts";

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

const digits = (text: string) => text.replace(/\D/g, "");

export default function SignIn(): JSX.Element {
  const [search] = useSearchParams<{ next?: string }>();
  const navigate = useNavigate();
  const me = createAsync(() => getMe());
  const health = createAsync(() => getHealth());
  const sendCode = useAction(requestCode);
  const doLogin = useAction(login);
  usePageTitle(() => tr("signin.title"));

  const [phone, setPhone] = createSignal("");
  const [code, setCode] = createSignal("");
  const [sent, setSent] = createSignal(false);
  const [countdown, setCountdown] = createSignal(0);
  const [sending, setSending] = createSignal(false);
  const [loggingIn, setLoggingIn] = createSignal(false);
  const [phoneError, setPhoneError] = createSignal<string>();
  const [codeError, setCodeError] = createSignal<string>();
  const [info, setInfo] = createSignal<string>();

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
    if (!/^1[3-9]\d{9}$/.test(phone())) {
      setPhoneError(tr("FIELD_PHONE"));
      phoneInput?.focus();
      return;
    }
    setPhoneError(undefined);
    setSending(true);
    try {
      await sendCode(phone());
      setSent(true);
      setInfo(tr("signin.codeSent"));
      startCountdown();
      codeInput?.focus();
    } catch (error) {
      setPhoneError(errorText(error));
      if (error instanceof ApiError && error.status === 429) startCountdown();
      phoneInput?.focus();
    } finally {
      setSending(false);
    }
  };

  const onLogin = async (event: SubmitEvent) => {
    event.preventDefault();
    if (loggingIn()) return;
    if (!/^1[3-9]\d{9}$/.test(phone())) {
      setPhoneError(tr("FIELD_PHONE"));
      phoneInput?.focus();
      return;
    }
    if (!/^\d{6}$/.test(code())) {
      setCodeError(tr("signin.codeInvalid"));
      codeInput?.focus();
      return;
    }
    setCodeError(undefined);
    setLoggingIn(true);
    try {
      await doLogin({ phone: phone(), code: code() });
      navigate(next(), { replace: true });
    } catch (error) {
      setCodeError(errorText(error));
      codeInput?.focus();
    } finally {
      setLoggingIn(false);
    }
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
        <p class="lead">{tr("signin.intro")}</p>
        <form onSubmit={onLogin} novalidate>
          <div class="field" classList={{ "has-error": !!phoneError() }}>
            <label for="signin-phone">{tr("signin.phone")}</label>
            <input
              ref={phoneInput}
              id="signin-phone"
              name="phone"
              type="tel"
              inputmode="numeric"
              autocomplete="tel"
              maxLength={11}
              class="big-input"
              data-testid="phone-input"
              value={phone()}
              aria-invalid={phoneError() ? "true" : undefined}
              aria-describedby={phoneError() ? "signin-phone-error" : "signin-phone-help"}
              onInput={(e) => {
                const value = digits(e.currentTarget.value).slice(0, 11);
                e.currentTarget.value = value;
                setPhone(value);
              }}
            />
            <p class="help" id="signin-phone-help">
              {tr("signin.phoneHelp")}
            </p>
            <Show when={phoneError()}>
              <p class="field-error" id="signin-phone-error" role="alert" data-testid="phone-error">
                {phoneError()}
              </p>
            </Show>
          </div>
          <button
            type="button"
            class="button"
            classList={{ "button-primary": !sent(), "button-secondary": sent() }}
            data-testid="otp-send"
            disabled={sending() || countdown() > 0}
            onClick={onSend}
          >
            {countdown() > 0 ? tr("signin.resendIn", { n: countdown() }) : sent() ? tr("signin.resend") : tr("signin.sendCode")}
          </button>
          <p aria-live="polite" class="info" data-testid="otp-info">
            {info() ?? ""}
          </p>
          <Show when={health()?.stage === "local"}>
            <p class="dev-hint">
              <a href={`/api/dev/outbox?phone=${encodeURIComponent(phone())}`} target="_blank" rel="noopener">
                {tr("signin.devHint")}
              </a>
            </p>
          </Show>

          <div class="field" classList={{ "has-error": !!codeError() }}>
            <label for="signin-code">{tr("signin.code")}</label>
            <input
              ref={codeInput}
              id="signin-code"
              name="code"
              type="text"
              inputmode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]*"
              maxLength={6}
              class="big-input code-input"
              data-testid="otp-input"
              value={code()}
              aria-invalid={codeError() ? "true" : undefined}
              aria-describedby={codeError() ? "signin-code-error" : "signin-code-help"}
              onInput={(e) => {
                const value = digits(e.currentTarget.value).slice(0, 6);
                e.currentTarget.value = value;
                setCode(value);
              }}
            />
            <p class="help" id="signin-code-help">
              {tr("signin.codeHelp")}
            </p>
            <Show when={codeError()}>
              <p class="field-error" id="signin-code-error" role="alert" data-testid="login-error">
                {codeError()}
              </p>
            </Show>
          </div>
          <button type="submit" class="button button-primary" data-testid="login-submit" disabled={loggingIn()}>
            {loggingIn() ? tr("signin.submitting") : tr("signin.submit")}
          </button>
        </form>
      </Show>
    </div>
  );
}
