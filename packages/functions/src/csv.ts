import type { Campaign, Session } from "@jinguo/core/campaigns";
import { maskAnswers } from "@jinguo/core/forms";
import type { Registration } from "@jinguo/core/registration";

const statusWords = { confirmed: "已确认", waitlisted: "候补", cancelled: "已取消" } as const;

/**
 * Excel-friendly CSV: UTF-8 with a BOM (or Excel on Windows shows mojibake), CRLF lines, and
 * cells that would start a formula prefixed with a quote (CSV injection).
 */
export function registrationsCsv(campaign: Campaign, sessions: Session[], regs: Registration[], full: boolean): string {
  const sessionTitle = new Map(sessions.map((s) => [s.id, s.title]));
  const header = ["报名编号", "场次", "状态", ...campaign.form.fields.map((f) => f.label), "报名时间", "签到时间"];
  const rows = regs.map((r) => {
    const answers = full ? r.answers : maskAnswers(campaign.form, r.answers);
    return [
      r.id,
      sessionTitle.get(r.sessionId) ?? r.sessionId,
      statusWords[r.status],
      ...campaign.form.fields.map((f) => formatAnswer(answers[f.key])),
      r.createdAt,
      r.checkedInAt ?? "",
    ];
  });
  return "\uFEFF" + [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

function formatAnswer(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (v === true) return "是";
  if (v === false) return "否";
  if (Array.isArray(v)) return v.join("、");
  return String(v);
}

function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

