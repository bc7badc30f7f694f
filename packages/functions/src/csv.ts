import type { Campaign, Session } from "@jinguo/core/campaigns";
import { maskAnswers } from "@jinguo/core/forms";
import type { OrgUnit } from "@jinguo/core/org-units";
import type { Registration } from "@jinguo/core/registration";

const statusWords = { confirmed: "已确认", waitlisted: "候补", cancelled: "已取消" } as const;

/**
 * Excel-friendly CSV: UTF-8 with a BOM (or Excel on Windows shows mojibake), CRLF lines, and
 * cells that would start a formula prefixed with a quote (CSV injection). Written for the people
 * who open it: org units by name (`长沙市 岳麓区`, not `hn.cs.yl`), times in China time.
 */
export function registrationsCsv(campaign: Campaign, sessions: Session[], regs: Registration[], full: boolean, units: OrgUnit[] = []): string {
  const sessionTitle = new Map(sessions.map((s) => [s.id, s.title]));
  const placeOf = unitNames(units);
  const fields = campaign.form.fields;
  const header = ["报名编号", "场次", "状态", ...fields.map((f) => f.label), "报名时间（北京时间）", "签到时间（北京时间）"];
  const rows = regs.map((r) => {
    const answers = full ? r.answers : maskAnswers(campaign.form, r.answers);
    return [
      r.id,
      sessionTitle.get(r.sessionId) ?? r.sessionId,
      statusWords[r.status],
      // A masked unit is "****", which names nothing and stays as it is.
      ...fields.map((f) => {
        const v = answers[f.key];
        return f.type === "orgUnit" && typeof v === "string" ? placeOf(v) : formatAnswer(v);
      }),
      chinaTime(r.createdAt),
      r.checkedInAt ? chinaTime(r.checkedInAt) : "",
    ];
  });
  return "\uFEFF" + [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

/**
 * A unit as a place, from its city down: `hn.cs.yl` is "长沙市 岳麓区". The tree names each unit
 * after its federation (岳麓区妇联); in a column already labelled 所在区县 or 推荐单位 the place says
 * it in fewer words, and the city in front keeps two districts of the same name apart. The
 * province is left out below itself (every unit is in Hunan). An id the tree does not know
 * (a unit since removed) is kept as it is: the cell is never emptied.
 */
function unitNames(units: OrgUnit[]): (id: string) => string {
  const byId = new Map(units.map((u) => [u.id, u]));
  const place = (u: OrgUnit) => u.name.replace(/妇联$/, "") || u.name;
  return (id) => {
    const unit = byId.get(id);
    if (!unit) return id;
    const names: string[] = [];
    // At most the tree's depth, whatever a malformed tree's parents say.
    for (let u: OrgUnit | undefined = unit; u && names.length < 5; u = u.parent ? byId.get(u.parent) : undefined) {
      if (u !== unit && u.parent === null) break;
      names.unshift(place(u));
    }
    return names.join(" ");
  };
}

/** `2026-12-08 14:30`: China time (Asia/Shanghai has no DST: UTC+8 all year, as in core/clock). */
export function chinaTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
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
