import { createEffect, createSignal, onCleanup, untrack } from "solid-js";
import { t, messages, type Locale, type MessageKey } from "@jinguo/core/messages";
import { ApiError, NETWORK } from "./api.ts";

const STORAGE_KEY = "jinguo.locale";

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "en" || saved === "zh-CN") return saved;
  } catch {
    // Storage can be switched off (private mode in some in-app browsers): Chinese it is.
  }
  return "zh-CN";
}

const [locale, setLocaleSignal] = createSignal<Locale>(initialLocale());

function applyToDocument(next: Locale): void {
  document.documentElement.lang = next;
}
applyToDocument(locale());
document.title = t("app.name", locale());

export { locale };

export function setLocale(next: Locale): void {
  setLocaleSignal(next);
  applyToDocument(next);
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not saved; the choice still holds for this visit
  }
}

/** The message in the current locale (reactive: call it inside JSX or a computation). */
export function tr(key: MessageKey, params?: Record<string, string | number>): string {
  return t(key, locale(), params);
}

type TitleSource = () => string | undefined;
const [titleSource, setTitleSource] = createSignal<TitleSource>();

/**
 * The browser tab's title for the page she is on ("活动 · 巾帼活动平台"). The innermost
 * component that calls it while mounted wins; when it goes, the one before it is back.
 */
export function usePageTitle(title: TitleSource): void {
  const previous = untrack(titleSource);
  setTitleSource(() => title);
  onCleanup(() => {
    if (untrack(titleSource) === title) setTitleSource(() => previous);
  });
}

/** Keeps `document.title` on the page's title, in the current language (called once, by the layout). */
export function syncDocumentTitle(): void {
  createEffect(() => {
    let page: string | undefined;
    try {
      page = titleSource()?.();
    } catch {
      // the page's data failed to load: the page says so itself; the tab keeps the app's name
    }
    document.title = page ? `${page} · ${tr("app.name")}` : tr("app.name");
  });
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(messages, key);
}

/** Content that comes in Chinese with an optional English version (titles, labels). */
export function pick(zh: string, en?: string | null): string {
  return locale() === "en" && en ? en : zh;
}

/** What to tell a person about a failed request: the message table first, the server's words second. */
export function errorText(error: unknown, params?: Record<string, string | number>): string {
  if (error instanceof ApiError) {
    if (error.code === NETWORK) return tr("error.network");
    if (isMessageKey(error.code)) return tr(error.code, params);
    if (error.message) return error.message;
  }
  return tr("error.unknown");
}

/** A field's reason from a 422's `details.fields` (`FIELD_REQUIRED`, `FIELD_PHONE`, …) in plain words. */
export function fieldErrorText(reason: string): string {
  return isMessageKey(reason) ? tr(reason) : tr("form.error.invalid");
}
