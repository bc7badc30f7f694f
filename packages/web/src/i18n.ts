import { createEffect, createSignal, onCleanup, untrack } from "solid-js";
import type { Locale, MessageArea, MessageKey } from "@jinguo/core/messages";
import { ApiError, NETWORK } from "./api.ts";

const STORAGE_KEY = "jinguo.locale";

type Texts = Readonly<Record<string, string>>;

/**
 * Each area of the message table in each language is a chunk of its own (vite.config.ts makes
 * them from core's table), so a participant's phone loads the common words in her language and
 * nothing else; an organiser's, judge's or desk page loads its area as it opens (routes.ts).
 */
const sources: Record<MessageArea, Record<Locale, () => Promise<{ default: Texts }>>> = {
  common: { "zh-CN": () => import("virtual:messages/common/zh-CN"), en: () => import("virtual:messages/common/en") },
  organiser: { "zh-CN": () => import("virtual:messages/organiser/zh-CN"), en: () => import("virtual:messages/organiser/en") },
  judge: { "zh-CN": () => import("virtual:messages/judge/zh-CN"), en: () => import("virtual:messages/judge/en") },
  desk: { "zh-CN": () => import("virtual:messages/desk/zh-CN"), en: () => import("virtual:messages/desk/en") },
};

/** What has arrived, per language: the areas loaded so far, merged. */
const texts: Record<Locale, Record<string, string>> = { "zh-CN": {}, en: {} };
const loading = new Map<string, Promise<void>>();
/** The areas the pages shown so far need: a change of language loads them all first. */
const wanted = new Set<MessageArea>(["common"]);
// Bumped as each table arrives, so what was drawn before it (should anything be) is drawn again.
const [arrived, setArrived] = createSignal(0);

function loadTable(area: MessageArea, locale: Locale): Promise<void> {
  const id = `${area}/${locale}`;
  let pending = loading.get(id);
  if (!pending) {
    pending = sources[area][locale]().then(
      (table) => {
        Object.assign(texts[locale], table.default);
        setArrived((n) => n + 1);
      },
      (error: unknown) => {
        loading.delete(id); // not kept: the next page or press tries again
        throw error;
      },
    );
    loading.set(id, pending);
  }
  return pending;
}

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
/** The language being switched to, while its tables load. */
let switchingTo: Locale | undefined;
let presses = 0;

function applyToDocument(next: Locale): void {
  document.documentElement.lang = next;
}

/**
 * Resolves once the common words of her language are here (index.tsx renders after it). If
 * English cannot be loaded (offline, never opened), she gets Chinese rather than bare keys.
 */
export const ready: Promise<void> = loadTable("common", untrack(locale)).catch(async () => {
  if (untrack(locale) === "zh-CN") return;
  setLocaleSignal("zh-CN");
  await loadTable("common", "zh-CN").catch(() => undefined);
});
void ready.then(() => {
  applyToDocument(untrack(locale));
  document.title = tr("app.name");
});

export { locale };

/**
 * Loads the areas a page shows, in the current language (and the one being switched to).
 * routes.ts calls it before a page of that area is drawn, so tr() there finds every key.
 */
export function loadAreas(areas: readonly MessageArea[]): Promise<void> {
  for (const area of areas) wanted.add(area);
  const locales = new Set<Locale>([untrack(locale), switchingTo ?? untrack(locale)]);
  return Promise.all(areas.flatMap((area) => [...locales].map((l) => loadTable(area, l)))).then(() => undefined);
}

/**
 * Switches the language once its tables for every area shown so far have arrived, so no page
 * shows a mix or a raw key. False when they cannot be loaded (offline and never opened in that
 * language): the page stays as it was. The last press wins.
 */
export async function setLocale(next: Locale): Promise<boolean> {
  const press = ++presses;
  switchingTo = next;
  try {
    // a page may ask for another area while this waits: until none is missing
    for (let done = 0; done < wanted.size; ) {
      const areas = [...wanted];
      await Promise.all(areas.map((area) => loadTable(area, next)));
      done = areas.length;
    }
  } catch {
    if (press === presses) switchingTo = undefined;
    return false;
  }
  if (press !== presses) return false;
  switchingTo = undefined;
  setLocaleSignal(next);
  applyToDocument(next);
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not saved; the choice still holds for this visit
  }
  return true;
}

/** The message in the current locale (reactive: call it inside JSX or a computation). */
export function tr(key: MessageKey, params?: Record<string, string | number>): string {
  arrived();
  const current = locale();
  // the other language's should this one's table have failed; the bare key only if its area was
  // never loaded (app-map.unit.test.ts keeps that from happening: each page loads its areas)
  let text = texts[current][key] ?? texts["zh-CN"][key] ?? texts.en[key] ?? key;
  if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
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

/** A key of the areas loaded so far (an API error code is one: they are in the common area). */
export function isMessageKey(key: string): key is MessageKey {
  const has = (table: object) => Object.prototype.hasOwnProperty.call(table, key);
  return has(texts["zh-CN"]) || has(texts.en);
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
  // A page's chunk that did not come (no signal, and not kept by the service worker yet).
  if (error instanceof TypeError && /dynamically imported module|Importing a module script failed|error loading dynamically/i.test(error.message)) {
    return tr("error.network");
  }
  return tr("error.unknown");
}

/** A field's reason from a 422's `details.fields` (`FIELD_REQUIRED`, `FIELD_PHONE`, …) in plain words. */
export function fieldErrorText(reason: string): string {
  return isMessageKey(reason) ? tr(reason) : tr("form.error.invalid");
}
