import { describe, it, expect } from "vitest";
import fc from "fast-check";
import * as z from "zod/mini";
import { cleanText, oneLineText, multiLineText, textLength, type TextKind } from "@jinguo/core/forms";

const kinds: TextKind[] = ["oneLine", "multiLine"];
const value = (raw: string, kind: TextKind) => {
  const r = cleanText(raw, kind);
  if (!r.ok) throw new Error(`refused ${JSON.stringify(raw)}: ${r.reason}`);
  return r.value;
};
const reason = (raw: string, kind: TextKind) => {
  const r = cleanText(raw, kind);
  return r.ok ? `kept ${JSON.stringify(r.value)}` : r.reason;
};

// ---- What the output may hold, written out here from the rules, not taken from the code ----
const code = (c: string) => c.codePointAt(0)!;
const isControl = (cp: number) => cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);
const isBidiControl = (cp: number) => (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
const isInvisible = (cp: number) =>
  [0xad, 0x34f, 0x61c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x200b, 0x200c, 0x200e, 0x200f, 0x3164, 0xfeff, 0xffa0].includes(cp) ||
  (cp >= 0x2060 && cp <= 0x2064) ||
  (cp >= 0x206a && cp <= 0x206f);
const hasLoneSurrogate = (s: string) => /\p{Surrogate}/u.test(s);
const emoji = /\p{Extended_Pictographic}/u;

/** Everything wrong with a cleaned text, as words: empty when it is plain. */
function problems(out: string, kind: TextKind): string[] {
  const found: string[] = [];
  if (hasLoneSurrogate(out)) found.push("lone surrogate");
  if (out !== out.normalize("NFC")) found.push("not NFC");
  if (out !== out.trim()) found.push("not trimmed");
  const chars = [...out];
  chars.forEach((c, i) => {
    const cp = code(c);
    const allowed = kind === "multiLine" ? c === "\n" || c === "\t" : false;
    if (isControl(cp) && !allowed) found.push(`control U+${cp.toString(16)}`);
    if (isBidiControl(cp)) found.push(`bidi U+${cp.toString(16)}`);
    if (isInvisible(cp)) found.push(`invisible U+${cp.toString(16)}`);
    if (cp === 0x2028 || cp === 0x2029) found.push("unicode line separator");
    if (cp === 0x200d) {
      // A joiner only between two emoji (the first may carry VS16 or a skin tone).
      let before = chars[i - 1] ?? "";
      if (/[\uFE0F\u{1F3FB}-\u{1F3FF}]/u.test(before)) before = chars[i - 2] ?? "";
      if (!emoji.test(before) || !emoji.test(chars[i + 1] ?? "")) found.push(`stray joiner at ${i}`);
    }
    if (cp >= 0xe0000 && cp <= 0xe007f && !chars.slice(0, i).includes("\u{1F3F4}")) found.push("tag outside a flag");
  });
  return found;
}

/** Characters cleaning is about, mixed with ordinary text; the refused ones rarer, so most strings get through. */
const kept = [
  "\t", "\n", "\r", "\r\n", "\u2028", "\u2029", "\u200e", "\u200f", "\u061c",
  "\u200b", "\u200c", "\u200d", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u3164", "\u115f",
  " ", "\u3000", "\u00a0", "\u2000", "\u2001",
  "e", "\u0301", "\u0323", "A", "\u212b", "\uf900", "\u1100", "\u1161", "\u11a8",
  "王", "秀", "兰", "𠀀", "葛", "\u{E0100}", "\ufe0f",
  "👩", "👧", "🏽", "❤", "🔥", "🏳", "🌈", "👩\u200d", "\u200d👧", "👨🏽\u200d💻", "\u{1F3F4}", "\u{E0067}", "\u{E0062}", "\u{E007F}", "\u{E0001}",
];
const refusedChars = ["\u0000", "\u0007", "\u000b", "\u001b", "\u007f", "\u0085", "\u009f", "\u202a", "\u202e", "\u2066", "\u2069", "\ud800", "\udfff", "\ufffe", "\ufdd0", "\ufff9"];
const rich = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constantFrom(...kept), weight: 12 },
      { arbitrary: fc.constantFrom(...refusedChars), weight: 1 },
      { arbitrary: fc.string({ unit: "binary", maxLength: 3 }), weight: 3 },
    ),
    { maxLength: 24 },
  )
  .map((a) => a.join(""));
const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((n) => String.fromCharCode(n)) });
const anyString = fc.oneof({ arbitrary: rich, weight: 6 }, { arbitrary: fc.string({ unit: "binary" }), weight: 2 }, { arbitrary: loneSurrogates, weight: 1 });

describe("cleanText: properties on random text", () => {
  it("the output is plain: no controls, bidi, invisibles, lone surrogates or Unicode line breaks; NFC; trimmed", () => {
    fc.assert(
      fc.property(anyString, fc.constantFrom(...kinds), (s, kind) => {
        const r = cleanText(s, kind);
        if (r.ok) expect(problems(r.value, kind), JSON.stringify(r.value)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it("is idempotent: cleaning a cleaned text changes nothing", () => {
    fc.assert(
      fc.property(anyString, fc.constantFrom(...kinds), (s, kind) => {
        const r = cleanText(s, kind);
        if (r.ok) expect(cleanText(r.value, kind)).toEqual(r);
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses exactly what holds a refused character, or a line break inside a one-line text", () => {
    const hasRefused = (s: string) =>
      hasLoneSurrogate(s) ||
      [...s].some((c) => {
        const cp = code(c);
        return (isControl(cp) && !"\t\n\r".includes(c)) || isBidiControl(cp) || /\p{Noncharacter_Code_Point}|[\ufff9-\ufffb]/u.test(c);
      });
    fc.assert(
      fc.property(anyString, (s) => {
        const multi = cleanText(s, "multiLine");
        expect(multi.ok ? "ok" : multi.reason).toBe(hasRefused(s) ? "FIELD_CHARACTERS" : "ok");
        const one = cleanText(s, "oneLine");
        if (hasRefused(s)) expect(one).toEqual({ ok: false, reason: "FIELD_CHARACTERS" });
        else if (multi.ok) expect(one.ok ? "ok" : one.reason).toBe(multi.value.includes("\n") ? "FIELD_ONE_LINE" : "ok");
      }),
      { numRuns: 3000 },
    );
  });

  it("leaves printable ASCII and ordinary Chinese alone but for the ends", () => {
    const plain = fc.string({ unit: fc.oneof(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }), fc.constantFrom("王", "秀", "兰", "，", "。", "\u3000")) });
    fc.assert(
      fc.property(plain, fc.constantFrom(...kinds), (s, kind) => {
        expect(cleanText(s, kind)).toEqual({ ok: true, value: s.trim() });
      }),
      { numRuns: 1000 },
    );
  });

  it("the random text exercises both ways: much of it kept (joiners and flags among it), some refused", () => {
    const sample = fc.sample(anyString, { numRuns: 2000, seed: 42 });
    const results = sample.map((s) => ({ s, r: cleanText(s, "multiLine") }));
    const keptOnes = results.filter((x) => x.r.ok).map((x) => (x.r as { value: string }).value);
    expect(keptOnes.length).toBeGreaterThan(600);
    expect(results.length - keptOnes.length).toBeGreaterThan(200);
    expect(keptOnes.filter((v) => v.includes("\u200d")).length).toBeGreaterThan(5);
    expect(keptOnes.filter((v) => v !== v.trim() || v.includes("\u200b")).length).toBe(0);
    expect(sample.filter((s) => s.includes("\u200b") || s.normalize("NFC") !== s).length).toBeGreaterThan(300);
  });

  it("negative control: the property checker does see dirty text", () => {
    expect(problems("王\u0000秀兰", "multiLine")).toContain("control U+0");
    expect(problems("王\u202e秀兰", "oneLine")).toContain("bidi U+202e");
    expect(problems("\u200b", "oneLine")).toContain("invisible U+200b");
    expect(problems("王\u200d秀", "oneLine")).toEqual(["stray joiner at 1"]);
    expect(problems("e\u0301", "oneLine")).toEqual(["not NFC"]);
    expect(problems(" 王", "oneLine")).toEqual(["not trimmed"]);
    expect(problems("a\nb", "oneLine")).toEqual(["control U+a"]);
    expect(problems("a\nb", "multiLine")).toEqual([]);
    expect(problems("\ud800", "multiLine")).toContain("lone surrogate");
  });
});

describe("cleanText: the rules, case by case", () => {
  it("refuses C0/C1 controls, DEL, bidi overrides and isolates, lone surrogates, noncharacters", () => {
    for (const kind of kinds)
      for (const bad of ["\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u001b[31m", "\u001f", "\u007f", "\u0080", "\u0085", "\u009b", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ud800", "\udc00", "x\ud83d", "\ufffe", "\uffff", "\ufdd0", "\u{10FFFF}", "\ufff9"])
        expect(reason(`王${bad}秀兰`, kind), JSON.stringify(bad)).toBe("FIELD_CHARACTERS");
  });

  it("line breaks: kept as \\n in a multi-line text, refused inside a one-line one, trimmed at its ends", () => {
    expect(value("第一行\r\n第二行\r第三行\u2028第四行\u2029第五行\n", "multiLine")).toBe("第一行\n第二行\n第三行\n第四行\n第五行");
    expect(value("a\tb", "multiLine")).toBe("a\tb");
    for (const br of ["\n", "\r", "\r\n", "\u2028", "\u2029"]) expect(reason(`王${br}秀兰`, "oneLine")).toBe("FIELD_ONE_LINE");
    expect(value("\n王秀兰\r\n", "oneLine")).toBe("王秀兰");
    expect(value("王\t秀兰", "oneLine")).toBe("王 秀兰");
  });

  it("invisible characters go, wherever they are", () => {
    expect(value("\u200b王\u200b秀\u2060兰\ufeff", "oneLine")).toBe("王秀兰");
    expect(value("\ufeff标题", "multiLine")).toBe("标题");
    for (const inv of ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2061", "\u2064", "\ufeff", "\u00ad", "\u061c", "\u3164", "\u115f", "\u1160", "\uffa0", "\u180e", "\u206a", "\u034f"])
      for (const kind of kinds) {
        expect(value(`王${inv}秀兰`, kind), JSON.stringify(inv)).toBe("王秀兰");
        expect(value(inv.repeat(5), kind), JSON.stringify(inv)).toBe("");
      }
    expect(value("\u200b \u200b\u3000\u200d", "oneLine")).toBe(""); // blank, so `required` catches it
  });

  it("a joiner inside an emoji sequence stays, in any field; so do flags' tags and variation selectors", () => {
    for (const e of ["👩\u200d👩\u200d👧", "👨🏽\u200d💻", "🏳\ufe0f\u200d🌈", "❤\ufe0f\u200d🔥", "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}", "👍🏻", "1\ufe0f\u20e3", "葛\u{E0100}"])
      for (const kind of kinds) expect(value(` 芙蓉姐妹队${e} `, kind), JSON.stringify(e)).toBe(`芙蓉姐妹队${e}`);
    expect(value("王\u200d秀兰", "oneLine")).toBe("王秀兰");
    expect(value("👩\u200d", "oneLine")).toBe("👩");
    expect(value("\u200d👩", "multiLine")).toBe("👩");
    expect(value("👩\u200d\u200d👧", "multiLine")).toBe("👩👧");
    expect(value("👩\u200b\u200d👧", "multiLine")).toBe("👩\u200d👧");
    expect(value("hidden\u{E0068}\u{E0069}", "oneLine")).toBe("hidden"); // tag characters outside a flag smuggle text
  });

  it("NFC: the same words are the same string", () => {
    expect(value("Zoe\u0301", "oneLine")).toBe("Zo\u00e9");
    expect(value("\u212b", "oneLine")).toBe("\u00c5");
    expect(value("\u1100\u1161\u11a8", "oneLine")).toBe("\uac01");
    expect(value("e\u200b\u0301", "oneLine")).toBe("\u00e9"); // the invisible goes first, then it composes
  });

  it("counts characters, not UTF-16 units", () => {
    expect(textLength("𠀀𠀁王")).toBe(3);
  });
});

describe("zod helpers", () => {
  const issueOf = (schema: z.ZodMiniType, v: unknown) => {
    const r = schema.safeParse(v);
    return r.success ? { value: r.data } : r.error.issues.map((i) => (i.code === "custom" ? i.params?.reason : i.code));
  };

  it("oneLineText: cleaned, blank only if not required, at most max characters", () => {
    expect(issueOf(oneLineText(5), " 王\u200b秀兰 ")).toEqual({ value: "王秀兰" });
    expect(issueOf(oneLineText(5), "\u200b")).toEqual({ value: "" });
    expect(issueOf(oneLineText(5, { required: true }), "\u200b \u200d")).toEqual(["FIELD_REQUIRED"]);
    expect(issueOf(oneLineText(3), "𠀀𠀁𠀂")).toEqual({ value: "𠀀𠀁𠀂" });
    expect(issueOf(oneLineText(3), "𠀀𠀁𠀂𠀃")).toEqual(["FIELD_TOO_LONG"]);
    expect(issueOf(oneLineText(3), "王\u200b\u200b\u200b秀")).toEqual({ value: "王秀" }); // counted once cleaned
    expect(issueOf(oneLineText(20), "王\u202e秀")).toEqual(["FIELD_CHARACTERS"]);
    expect(issueOf(oneLineText(20), "王\n秀")).toEqual(["FIELD_ONE_LINE"]);
    expect(issueOf(oneLineText(20), 12)).toEqual(["invalid_type"]);
  });

  it("multiLineText keeps line breaks; both work inside objects, optional and partial", () => {
    const schema = z.strictObject({ title: oneLineText(10, { required: true }), body: z.optional(multiLineText(100)) });
    expect(schema.parse({ title: "讲座\u200b", body: "一\r\n二" })).toEqual({ title: "讲座", body: "一\n二" });
    expect(z.partial(schema).parse({})).toEqual({});
    const r = schema.safeParse({ title: "\u200b", body: "\u0000" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join("."), i.code === "custom" ? i.params?.reason : i.code])).toEqual([
      ["title", "FIELD_REQUIRED"],
      ["body", "FIELD_CHARACTERS"],
    ]);
  });
});
