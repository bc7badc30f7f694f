import { locale } from "./i18n.ts";

/** Campaigns happen in Hunan: times are shown in China time wherever the phone is. */
const TIME_ZONE = "Asia/Shanghai";
const WEEKDAYS_ZH = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

interface Parts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: string;
  minute: string;
}

const partsFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "numeric",
  day: "numeric",
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const WEEKDAYS_EN = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function parts(date: Date): Parts {
  const p: Record<string, string> = {};
  for (const { type, value } of partsFormat.formatToParts(date)) p[type] = value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    weekday: WEEKDAYS_EN.indexOf(p.weekday ?? ""),
    hour: (p.hour ?? "00").padStart(2, "0"),
    minute: (p.minute ?? "00").padStart(2, "0"),
  };
}

function valid(iso: string | undefined | null): Date | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** "12月12日 周六" (the year only when it is not this year). */
export function formatDate(iso: string | undefined | null): string {
  const d = valid(iso);
  if (!d) return "";
  const p = parts(d);
  const thisYear = parts(new Date()).year;
  if (locale() === "en") {
    return `${WEEKDAYS_EN[p.weekday] ?? ""} ${p.day} ${MONTHS_EN[p.month - 1] ?? ""}${p.year !== thisYear ? ` ${p.year}` : ""}`;
  }
  return `${p.year !== thisYear ? `${p.year}年` : ""}${p.month}月${p.day}日 ${WEEKDAYS_ZH[p.weekday] ?? ""}`;
}

/** "12月12日 周六 14:30". */
export function formatDateTime(iso: string | undefined | null): string {
  const d = valid(iso);
  if (!d) return "";
  const p = parts(d);
  return locale() === "en" ? `${formatDate(iso)}, ${p.hour}:${p.minute}` : `${formatDate(iso)} ${p.hour}:${p.minute}`;
}

/** "12月12日 周六 14:30–16:30" when the end is on the same day. */
export function formatTimeRange(startIso: string, endIso?: string | null): string {
  const start = formatDateTime(startIso);
  const end = valid(endIso);
  if (!end) return start;
  if (formatDate(startIso) === formatDate(endIso)) {
    const p = parts(end);
    return `${start}–${p.hour}:${p.minute}`;
  }
  return `${start} – ${formatDateTime(endIso)}`;
}

export function isPast(iso: string | undefined | null): boolean {
  const d = valid(iso);
  return d ? d.getTime() < Date.now() : false;
}
