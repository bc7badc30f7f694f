import { createEffect, createSignal, onCleanup, untrack } from "solid-js";
import type { Locale, MessageArea, MessageKey } from "@jinguo/core/messages";
import { pageTables, tables } from "virtual:message-tables";
import { ApiError, NETWORK } from "./api.ts";

const STORAGE_KEY = "jinguo.locale";

/**
 * The message table comes as tables of words, each in each language a chunk of its own
 * (vite.config.ts cuts them from core's): the shell's (what the layout and any error say), each
 * page's own (what its modules name of the participant's words) and the organiser's, judge's and
 * desk's areas. So a phone loads the words of the page she is on, in her language, and nothing
 * else; each page's come with it (routes.ts).
 */
type Table = keyof typeof tables;
const SHELL: Table = "shell";

/** What has arrived, per language: the tables loaded so far, merged. */
const texts: Record<Locale, Record<string, string>> = { "zh-CN": {}, en: {} };
const loading = new Map<string, Promise<void>>();
/** The tables the pages shown so far need: a change of language loads them all first. */
const wanted = new Set<Table>([SHELL]);
// Bumped as each table arrives, so what was drawn before it (should anything be) is drawn again.
const [arrived, setArrived] = createSignal(0);

function loadTable(table: Table, locale: Locale): Promise<void> {
  const id = `${table}/${locale}`;
  let pending = loading.get(id);
  if (!pending) {
    const source = tables[table]?.[locale];
    pending = (source ? source() : Promise.reject(new Error(`No table of words ${id}`))).then(
      (loaded) => {
        Object.assign(texts[locale], loaded.default);
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
 * Resolves once the shell's words in her language are here (index.tsx renders after it). If
 * English cannot be loaded (offline, never opened), she gets Chinese rather than bare keys.
 */
export const ready: Promise<void> = loadTable(SHELL, untrack(locale)).catch(async () => {
  if (untrack(locale) === "zh-CN") return;
  setLocaleSignal("zh-CN");
  await loadTable(SHELL, "zh-CN").catch(() => undefined);
});
void ready.then(() => {
  applyToDocument(untrack(locale));
  document.title = tr("app.name");
});

export { locale };

/**
 * Loads the words a route's page shows besides the shell's: the areas it names and its own, in
 * the current language (and the one being switched to). routes.ts calls it before the page is
 * drawn, so tr() there finds every key. Offline, a table never opened in English comes in
 * Chinese (the service worker keeps those): a page in two languages rather than none.
 */
export function loadPageWords(path: string, areas: readonly MessageArea[]): Promise<void> {
  const own = pageTables[path];
  const needed: Table[] = own ? [...areas, own] : [...areas];
  for (const table of needed) wanted.add(table);
  const locales = new Set<Locale>([untrack(locale), switchingTo ?? untrack(locale)]);
  const load = (table: Table, l: Locale) =>
    l === "zh-CN" ? loadTable(table, l) : loadTable(table, l).catch(() => loadTable(table, "zh-CN"));
  return Promise.all(needed.flatMap((table) => [...locales].map((l) => load(table, l)))).then(() => undefined);
}

/**
 * Switches the language once its tables for every page shown so far have arrived, so no page
 * shows a mix or a raw key. False when they cannot be loaded (offline and never opened in that
 * language): the page stays as it was. The last press wins.
 */
export async function setLocale(next: Locale): Promise<boolean> {
  const press = ++presses;
  switchingTo = next;
  try {
    // a page may ask for another table while this waits: until none is missing
    for (let done = 0; done < wanted.size; ) {
      const needed = [...wanted];
      await Promise.all(needed.map((table) => loadTable(table, next)));
      done = needed.length;
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
  // the other language's should this one's table have failed; the bare key only if its table was
  // never loaded (app-map.unit.test.ts keeps that from happening: each page loads its words)
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

/** A key of the tables loaded so far (an API error code is one: they are the shell's). */
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
