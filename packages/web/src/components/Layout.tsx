import { ErrorBoundary, Match, Show, Suspense, Switch, createEffect, on, onCleanup, type JSX } from "solid-js";
import { A, createAsync, revalidate, useAction, useLocation, useNavigate, type RouteSectionProps } from "@solidjs/router";
import { errorText, locale, setLocale, syncDocumentTitle, tr } from "../i18n.ts";
import { getMe, isJudge, isOrganiser, logout, logoutEverywhere } from "../session.ts";
import { isOffline } from "../api.ts";
import type { User } from "../types.ts";

export function Loading(): JSX.Element {
  return (
    <p class="loading" role="status">
      {tr("common.loading")}
    </p>
  );
}

export function ErrorPanel(props: { error: unknown; reset?: () => void }): JSX.Element {
  let heading: HTMLHeadingElement | undefined;
  createEffect(() => heading?.focus());
  return (
    <section class="notice notice-error" role="alert">
      <h2 ref={heading} tabindex="-1">
        {tr("common.error")}
      </h2>
      <p>{errorText(props.error)}</p>
      <Show when={props.reset}>
        {(reset) => (
          <button
            type="button"
            class="button"
            onClick={() => {
              void revalidate().then(() => reset()());
            }}
          >
            {tr("common.retry")}
          </button>
        )}
      </Show>
    </section>
  );
}

const HEADER_USER = "jinguo.headerUser";

/**
 * Who the header last showed, for this tab only (sessionStorage): her id, roles and the masked
 * number and name `GET /api/me` gives, nothing more; gone with a sign-out (the next answer is null).
 */
function rememberHeader(user: User | null): void {
  try {
    if (user) sessionStorage.setItem(HEADER_USER, JSON.stringify(user));
    else sessionStorage.removeItem(HEADER_USER);
  } catch {
    // storage switched off: offline, the header shows 登录
  }
}

function rememberedHeader(): User | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(HEADER_USER) ?? "null") as User | null;
    return saved && typeof saved.id === "string" && Array.isArray(saved.roles) ? saved : null;
  } catch {
    return null;
  }
}

function Header(): JSX.Element {
  // The header never breaks the page: if `me` fails, it shows the sign-in link — except when
  // the signal is gone: she is still who she was when it last answered (her kept tickets are on
  // screen), also after a reload in the hall.
  const me = createAsync(() =>
    getMe().then(
      (user) => (rememberHeader(user), user),
      (error: unknown) => (isOffline(error) ? rememberedHeader() : null),
    ),
  );
  const doLogout = useAction(logout);
  const doLogoutEverywhere = useAction(logoutEverywhere);
  const navigate = useNavigate();
  const location = useLocation();
  const signInHref = () =>
    location.pathname === "/signin" ? "/signin" : `/signin?next=${encodeURIComponent(location.pathname + location.search)}`;

  return (
    <header class="site-header">
      <div class="header-top">
        <A href="/" class="brand" end>
          {tr("app.brand")}
        </A>
        <button
          type="button"
          class="lang-toggle"
          data-testid="lang-toggle"
          lang={locale() === "en" ? "zh-CN" : "en"}
          aria-label={tr("nav.langToggleLabel")}
          onClick={() => setLocale(locale() === "en" ? "zh-CN" : "en")}
        >
          {tr("nav.otherLanguage")}
        </button>
      </div>
      {/* Four items at most, so the menu stays on one line on a phone (360 px), in English too
          (short words, smaller type: styles.css): 签到 is a big button inside 管理, and signing
          out is on the line below. */}
      <nav class="main-nav" aria-label={tr("nav.label")}>
        <A href="/" end data-testid="nav-home">
          {tr("nav.home")}
        </A>
        <A href="/me/registrations" data-testid="nav-my-registrations">
          {tr("nav.myRegistrations")}
        </A>
        <A href="/me/entries" data-testid="nav-my-entries">
          {tr("nav.myEntries")}
        </A>
        <Switch>
          <Match when={isOrganiser(me())}>
            <A href="/organiser" data-testid="nav-organiser">
              {tr("nav.organiser")}
            </A>
          </Match>
          <Match when={isJudge(me())}>
            <A href="/judge" data-testid="nav-judge">
              {tr("nav.judge")}
            </A>
          </Match>
          <Match when={!me()}>
            <A href={signInHref()} data-testid="nav-signin">
              {tr("nav.signin")}
            </A>
          </Match>
        </Switch>
      </nav>
      {/* Below the menu, not in it: the menu keeps to one line on a phone. */}
      <Show when={me()}>
        <div class="header-account">
          {/* An organiser who also judges finds her rounds here. */}
          <Show when={isOrganiser(me()) && isJudge(me())}>
            <A href="/judge" class="account-link" data-testid="nav-judge">
              {tr("nav.judge")}
            </A>
          </Show>
          <button
            type="button"
            class="link-button"
            data-testid="nav-signout"
            onClick={async () => {
              try {
                await doLogout();
              } finally {
                navigate("/");
              }
            }}
          >
            {tr("nav.signout")}
          </button>
          <button
            type="button"
            class="link-button"
            data-testid="nav-signout-everywhere"
            onClick={async () => {
              try {
                await doLogoutEverywhere();
              } finally {
                navigate("/");
              }
            }}
          >
            {tr("nav.signoutEverywhere")}
          </button>
        </div>
      </Show>
    </header>
  );
}

/**
 * After a move to another page (not on the first load) focus goes to the new page's h1, so a
 * screen reader starts there, unless the page has put it somewhere itself (a form's first
 * field). The h1 may come a little later than the move, after its data.
 */
function focusHeadingAfterNavigation(main: () => HTMLElement | undefined, pathname: () => string): void {
  let stopWaiting: (() => void) | undefined;
  onCleanup(() => stopWaiting?.());
  createEffect(
    on(
      pathname,
      () => {
        stopWaiting?.();
        const root = main();
        if (!root) return;
        const place = (): boolean => {
          const active = document.activeElement;
          if (active && active !== root && root.contains(active)) return true;
          const heading = root.querySelector<HTMLElement>("h1");
          if (!heading) return false;
          heading.focus();
          return true;
        };
        const observer = new MutationObserver(() => {
          if (place()) stopWaiting?.();
        });
        const frame = requestAnimationFrame(() => {
          if (place()) return stopWaiting?.();
          observer.observe(root, { childList: true, subtree: true });
        });
        const timer = window.setTimeout(() => stopWaiting?.(), 5000);
        stopWaiting = () => {
          cancelAnimationFrame(frame);
          window.clearTimeout(timer);
          observer.disconnect();
          stopWaiting = undefined;
        };
      },
      { defer: true },
    ),
  );
}

export function Layout(props: RouteSectionProps): JSX.Element {
  const location = useLocation();
  let main: HTMLElement | undefined;
  syncDocumentTitle();
  focusHeadingAfterNavigation(() => main, () => location.pathname);

  return (
    <>
      <a class="skip-link" href="#main">
        {tr("app.skipToContent")}
      </a>
      <Header />
      <main id="main" tabindex="-1" ref={main}>
        {/* A move to another page clears a caught error: the router resets every ErrorBoundary
            on navigation (resetErrorBoundaries), so only this page shows it. */}
        <ErrorBoundary fallback={(error, reset) => <ErrorPanel error={error} reset={reset} />}>
          <Suspense fallback={<Loading />}>{props.children}</Suspense>
        </ErrorBoundary>
      </main>
    </>
  );
}
