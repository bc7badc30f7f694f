import { describe, it, expect } from "vitest";
import type { Campaign, Session } from "@jinguo/core/campaigns";
import type { OrgUnit } from "@jinguo/core/org-units";
import type { Registration } from "@jinguo/core/registration";
import { registrationsCsv } from "../src/csv.ts";

const campaign: Campaign = {
  id: "c-test",
  kind: "event",
  title: "测试讲座",
  description: "",
  orgUnit: "hn.cs",
  status: "published",
  phases: [],
  form: {
    fields: [
      { key: "name", label: "您的姓名", type: "text", required: true, personal: true },
      { key: "phone", label: "手机号", type: "phone", required: true },
      { key: "note", label: "备注", type: "text", required: false },
      { key: "topics", label: "话题", type: "multichoice", required: false },
      { key: "consent", label: "同意", type: "consent", required: true },
      { key: "formula", label: "=HYPERLINK(\"http://evil.example\")", type: "text", required: false },
      { key: "county", label: "所在区县", type: "orgUnit", required: false },
      { key: "home", label: "户籍所在地", type: "orgUnit", required: false, personal: true },
    ],
  },
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
/** A piece of the seeded tree (seeds/org-units.ts): ids, federation names, parents. */
const units: OrgUnit[] = [
  { id: "hn", name: "湖南省妇联", nameEn: "Hunan Women's Federation", parent: null, level: "province" },
  { id: "hn.cs", name: "长沙市妇联", nameEn: "Changsha Women's Federation", parent: "hn", level: "city" },
  { id: "hn.cs.yl", name: "岳麓区妇联", nameEn: "Yuelu District Women's Federation", parent: "hn.cs", level: "county" },
  { id: "hn.zz", name: "株洲市妇联", nameEn: "Zhuzhou Women's Federation", parent: "hn", level: "city" },
  { id: "hn.zz.ty", name: "天元区妇联", nameEn: "Tianyuan District Women's Federation", parent: "hn.zz", level: "county" },
];
const sessions: Session[] = [
  { id: "s-1", campaignId: "c-test", title: "第1场, 岳麓区", startsAt: "2026-02-01T01:30:00.000Z", venue: "v", capacity: 10, taken: 1, waiting: 0, waitlist: true },
];

function reg(n: number, answers: Record<string, unknown>, extra: Partial<Registration> = {}): Registration {
  return {
    id: `s-1.u00000000000${n}`,
    campaignId: "c-test",
    sessionId: "s-1",
    userId: `u00000000000${n}`,
    orgUnit: "hn.cs",
    status: "confirmed",
    ticketCode: "ABCDEFGH",
    answers,
    createdAt: "2026-01-10T02:00:00.000Z",
    updatedAt: "2026-01-10T02:00:00.000Z",
    ...extra,
  };
}

/** RFC 4180 reader, written here so the test does not trust the writer's own idea of quoting. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else if (ch === "\n" || ch === "\r") throw new Error(`bare line break at ${i}`);
    else if (ch === '"') throw new Error(`quote inside an unquoted cell at ${i}`);
    else cell += ch;
  }
  if (cell !== "" || row.length > 0) throw new Error("last line has no CRLF");
  return rows;
}

const regs = [
  reg(1, { name: "王秀兰", phone: "13912341234", note: "带孩子, 两人", topics: ["贷款", "电商"], consent: true, county: "hn.cs.yl", home: "hn.zz.ty" }),
  reg(2, { name: "李娜", phone: "13700001111", note: '她说"好"', consent: true, county: "hn.zz" }, { status: "waitlisted", createdAt: "2026-12-08T16:05:00.000Z" }),
  reg(3, { name: "张三", phone: "13600002222", note: "第一行\r\n第二行\n第三行", consent: true, county: "hn" }, { status: "cancelled", checkedInAt: undefined }),
  reg(4, { name: "赵四", phone: "13500003333", note: "=1+2", formula: "+SUM(A1:A9)", consent: true, county: "hn.xx.gone" }, { checkedInAt: "2026-02-01T01:40:00.000Z" }),
  reg(5, { name: "钱五", phone: "13400004444", note: "-2+3", formula: "@cmd", consent: true }),
  reg(6, { name: "孙六", phone: "13300005555", note: "\tTAB", formula: "\r=evil", consent: false }),
];

describe("registrations CSV", () => {
  const csv = registrationsCsv(campaign, sessions, regs, false, units);

  it("starts with a UTF-8 BOM, so Excel reads the Chinese", () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect([...Buffer.from(csv, "utf8").subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.indexOf("\uFEFF", 1)).toBe(-1);
  });

  it("ends every row with CRLF and has no bare line breaks between cells", () => {
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(1 + regs.length);
    expect(csv.endsWith("\r\n")).toBe(true);
    for (const r of rows) expect(r).toHaveLength(rows[0]!.length);
  });

  it("has a header of the form's labels", () => {
    const [header] = parseCsv(csv.slice(1));
    expect(header).toEqual([
      "报名编号",
      "场次",
      "状态",
      "您的姓名",
      "手机号",
      "备注",
      "话题",
      "同意",
      "'=HYPERLINK(\"http://evil.example\")",
      "所在区县",
      "户籍所在地",
      "报名时间（北京时间）",
      "签到时间（北京时间）",
    ]);
  });

  it("quotes commas, quotes and line breaks, and they read back intact", () => {
    const rows = parseCsv(csv.slice(1));
    const note = (i: number) => rows[i + 1]![5];
    expect(note(0)).toBe("带孩子, 两人");
    expect(note(1)).toBe('她说"好"');
    expect(note(2)).toBe("第一行\r\n第二行\n第三行");
    expect(rows[1]![1]).toBe("第1场, 岳麓区");
    expect(csv).toContain('"她说""好"""');
  });

  it("writes statuses, lists, yes/no and times for people", () => {
    const rows = parseCsv(csv.slice(1)).slice(1);
    expect(rows.map((r) => r[2])).toEqual(["已确认", "候补", "已取消", "已确认", "已确认", "已确认"]);
    expect(rows[0]![6]).toBe("贷款、电商");
    expect(rows[0]![7]).toBe("是");
    expect(rows[5]![7]).toBe("否");
    expect(rows[0]![12]).toBe("");
    expect(rows[0]![0]).toBe("s-1.u000000000001");
  });

  it("writes times in China time, to the minute, as the federation reads them", () => {
    const rows = parseCsv(csv.slice(1)).slice(1);
    // 01:40 UTC is 09:40 in Beijing; 02:00 UTC on the 10th is 10:00 the same day.
    expect(rows[3]![12]).toBe("2026-02-01 09:40");
    expect(rows[0]![11]).toBe("2026-01-10 10:00");
    // 16:05 UTC on 8 December is already the 9th in China.
    expect(rows[1]![11]).toBe("2026-12-09 00:05");
    for (const r of rows) for (const c of [r[11]!, r[12]!]) expect(c, c).toMatch(/^(\d{4}-\d{2}-\d{2} \d{2}:\d{2})?$/);
  });

  it("names org units as places, from the city down, instead of their ids", () => {
    const rows = parseCsv(csv.slice(1)).slice(1);
    expect(rows.map((r) => r[9])).toEqual(["长沙市 岳麓区", "株洲市", "湖南省", "hn.xx.gone", "", ""]);
    for (const r of rows) for (const c of r) if (c !== "hn.xx.gone") expect(c, "no unit id left but the unknown one").not.toMatch(/^hn(\.[a-z]+)*$/);
    // A personal unit stays masked; the full export names it.
    expect(rows[0]![10]).toBe("****");
    const full = parseCsv(registrationsCsv(campaign, sessions, regs, true, units).slice(1)).slice(1);
    expect(full[0]![10]).toBe("株洲市 天元区");
    expect(full[0]![9]).toBe("长沙市 岳麓区");
  });

  it("defuses cells that a spreadsheet would run as a formula", () => {
    const rows = parseCsv(csv.slice(1)).slice(1);
    expect(rows[3]![5]).toBe("'=1+2");
    expect(rows[3]![8]).toBe("'+SUM(A1:A9)");
    expect(rows[4]![5]).toBe("'-2+3");
    expect(rows[4]![8]).toBe("'@cmd");
    expect(rows[5]![5]).toBe("'\tTAB");
    expect(rows[5]![8]).toBe("'\r=evil");
    for (const r of rows) for (const c of r) expect(c, c).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("masks names and numbers unless the full export is asked for", () => {
    const rows = parseCsv(csv.slice(1)).slice(1);
    expect(rows[0]!.slice(3, 5)).toEqual(["王*兰", "139****1234"]);
    expect(rows[1]!.slice(3, 5)).toEqual(["李*", "137****1111"]);
    for (const r of regs) {
      expect(csv).not.toContain(r.answers.phone as string);
      expect(csv).not.toContain(r.answers.name as string);
    }
    const full = parseCsv(registrationsCsv(campaign, sessions, regs, true, units).slice(1)).slice(1);
    expect(full[0]!.slice(3, 5)).toEqual(["王秀兰", "13912341234"]);
  });

  it("is a header alone when nobody registered", () => {
    const empty = registrationsCsv(campaign, sessions, [], false, units);
    expect(parseCsv(empty.slice(1))).toHaveLength(1);
    expect(empty.startsWith("\uFEFF报名编号,")).toBe(true);
  });
});
