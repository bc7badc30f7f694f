import { locale, tr } from "./i18n.ts";

/** Campaigns happen in Hunan: times are shown in China time wherever the phone is. */
const TIME_ZONE = "Asia/Shanghai";

const formats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per locale and shape, made on first use (they are costly to make). */
function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale()}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, ...options });
    formats.set(key, f);
  }
  return f;
}

const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

/**
 * The words and their order come from the browser's own calendar data. Chinese runs the
 * weekday into the date ("12月9日周三"): a space on each side of it reads easier ("12月9日 周三").
 */
function render(date: Date, options: Intl.DateTimeFormatOptions): string {
  const wordy = /[\p{L}\p{N}]/u;
  let out = "";
  const parts = formatter(options).formatToParts(date);
  parts.forEach((part, i) => {
    if (part.type !== "weekday") return void (out += part.value);
    const next = parts[i + 1]?.value ?? "";
    out += `${wordy.test(out.slice(-1)) ? " " : ""}${part.value}${wordy.test(next.slice(0, 1)) ? " " : ""}`;
  });
  return out;
}

function valid(iso: string | undefined | null): Date | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The day (and the year only when it is not this year). */
function dayOptions(date: Date): Intl.DateTimeFormatOptions {
  const year = (d: Date) => formatter({ year: "numeric" }).format(d);
  return {
    ...(year(date) !== year(new Date()) ? { year: "numeric" } : {}),
    month: "short",
    day: "numeric",
    weekday: "short",
  };
}

/** "12月12日 周六" / "Sat, Dec 12" (the year only when it is not this year). */
export function formatDate(iso: string | undefined | null): string {
  const d = valid(iso);
  return d ? render(d, dayOptions(d)) : "";
}

/** "12月12日 周六 14:30" / "Sat, Dec 12, 14:30". */
export function formatDateTime(iso: string | undefined | null): string {
  const d = valid(iso);
  return d ? render(d, { ...dayOptions(d), ...TIME }) : "";
}

/** "12月12日 周六 14:30–16:30" when the end is on the same day. */
export function formatTimeRange(startIso: string, endIso?: string | null): string {
  const start = formatDateTime(startIso);
  const end = valid(endIso);
  if (!end) return start;
  if (formatDate(startIso) === formatDate(endIso)) return `${start}–${render(end, TIME)}`;
  return `${start} – ${formatDateTime(endIso)}`;
}

/** "长沙市妇联、株洲市妇联" / "Changsha, Zhuzhou": the locale's own list punctuation. */
export function formatList(items: string[]): string {
  if (typeof Intl.ListFormat === "function") {
    return new Intl.ListFormat(locale(), { type: "conjunction", style: "narrow" }).format(items);
  }
  return items.join(tr("common.listSeparator"));
}

export function isPast(iso: string | undefined | null): boolean {
  const d = valid(iso);
  return d ? d.getTime() < Date.now() : false;
}
