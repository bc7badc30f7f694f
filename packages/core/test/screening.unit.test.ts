import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { screen, screener, screenAnswers, defaultSensitiveWords, MAX_MARKS } from "@jinguo/core/screening";
import type { Form } from "@jinguo/core/forms";

/** The federation's 2019 plan, which the seeds quote (a copy in seeds/data, so the repository stands alone). */
const PLAN = new URL("../../../seeds/data/hunan-womens-federation-2019-work-plan.txt", import.meta.url);

/** Where each mark is, as the text given shows it. */
const found = (text: string, marks: { word: string; start: number; end: number }[]) => marks.map((m) => [m.word, text.slice(m.start, m.end), m.start]);

describe("Aho-Corasick matching", () => {
  it("finds overlapping words, each at its place (the textbook he/she/his/hers)", () => {
    const text = "ushers";
    expect(found(text, screener(["he", "she", "his", "hers"])(text))).toEqual([
      ["she", "she", 1],
      ["hers", "hers", 2],
      ["he", "he", 2],
    ]);
  });

  it("finds a word inside a longer one, and repeats of a word that overlap themselves", () => {
    expect(found("参与网络赌博", screen("参与网络赌博"))).toEqual([
      ["网络赌博", "网络赌博", 2],
      ["赌博", "赌博", 4],
    ]);
    const s = screener(["aa"]);
    expect(s("aaaa").map((m) => m.start)).toEqual([0, 1, 2]);
  });

  it("follows failure links across a partial match (abcd / bce)", () => {
    const text = "xabcex";
    expect(found(text, screener(["abcd", "bce"])(text))).toEqual([["bce", "bce", 2]]);
  });

  it("matches full-width and capital letters as their plain lower-case spelling, with positions in the text as given", () => {
    const text = "欢迎来到ＣＡＳＩＮＯ，还有Porn和pOrN";
    const marks = screen(text);
    expect(found(text, marks)).toEqual([
      ["casino", "ＣＡＳＩＮＯ", 4],
      ["porn", "Porn", 13],
      ["porn", "pOrN", 18],
    ]);
  });

  it("maps positions back where NFKC changes lengths, and never splits a character", () => {
    const s = screener(["fish", "(株)", "赌博"]);
    // "ﬁ" (one unit) is "fi" after NFKC; "㈱" is "(株)"; an emoji is two UTF-16 units.
    const text = "😀ﬁsh ㈱ 👩‍👩‍👧赌博";
    expect(found(text, s(text))).toEqual([
      ["fish", "ﬁsh", 2],
      ["(株)", "㈱", 6],
      ["赌博", "赌博", text.indexOf("赌博")],
    ]);
  });

  it("a list's own spelling is normalised too; blank and repeated words are dropped", () => {
    const s = screener(["  ＣａＳｉＮｏ ", "", "   ", "casino"]);
    expect(s("casino").map((m) => m.word)).toEqual(["ＣａＳｉＮｏ"]);
    expect(screener([])("anything")).toEqual([]);
  });

  it("finds exactly what a naive search finds, on random text over a small alphabet", () => {
    const alphabet = ["a", "b", "赌", "博", "Ａ"];
    const word = fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 4 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 6 }), fc.array(fc.constantFrom(...alphabet), { maxLength: 30 }), (words, cs) => {
        const text = cs.join("");
        const norm = (x: string) => x.normalize("NFKC").toLowerCase();
        // Each character here normalises to one unit, so positions in the normalised text are positions in the text.
        const normText = norm(text);
        const expected = new Set<string>();
        const seen = new Set<string>();
        for (const w of words) {
          const n = norm(w);
          if (seen.has(n)) continue;
          seen.add(n);
          for (let i = normText.indexOf(n); i !== -1; i = normText.indexOf(n, i + 1)) expected.add(`${n}@${i}`);
        }
        const got = new Set(screener(words)(text).map((m) => `${norm(m.word)}@${m.start}`));
        expect(got).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the default list", () => {
  it("is short enough to review, and every word is found in a sentence using it", () => {
    expect(defaultSensitiveWords.length).toBeLessThanOrEqual(50);
    for (const w of defaultSensitiveWords) expect(screen(`有人说：${w}。`).map((m) => m.word)).toContain(w);
  });

  it("the federation's 2019 work plan screens clean (no false alarms on its ordinary words)", () => {
    const plan = readFileSync(PLAN, "utf8");
    expect(plan.length).toBeGreaterThan(4000);
    expect(screen(plan)).toEqual([]);
    // Control: the plan does hold the bare topic words the list leaves out, and they would be found.
    expect(screen(plan, ["暴力", "贷款"]).map((m) => m.word)).toEqual(expect.arrayContaining(["暴力", "贷款"]));
  });

  it("ordinary sentences near the listed words screen clean", () => {
    for (const text of [
      "大力推动《湖南省实施〈反家庭暴力法〉办法》出台",
      "持续抓好妇女创业担保贷款工作，加强小贷系统管理",
      "各地特色情况不同，支援交通建设",
      "奶奶说：吃饭不能剩，做人要诚实。我们家的家训是“勤俭持家”。",
      "她开的小店博得了乡亲们的好评，彩票站旁边就是她家",
    ]) {
      expect(screen(text), text).toEqual([]);
    }
  });

  it("a campaign's own words are screened for beside the default list", () => {
    const text = "请大家帮忙拉票，网赌害人";
    expect(screen(text).map((m) => m.word)).toEqual(["网赌"]);
    expect(screen(text, ["拉票"]).map((m) => m.word)).toEqual(["拉票", "网赌"]);
  });
});

describe("screening an entry's answers", () => {
  const form: Form = {
    fields: [
      { key: "storyTitle", label: "题目", type: "text", required: true, public: true },
      { key: "authorName", label: "作者", type: "text", required: true, personal: true },
      { key: "phone", label: "手机号", type: "phone", required: true },
      { key: "story", label: "故事", type: "textarea", required: true, public: true },
      { key: "kind", label: "类别", type: "choice", required: false, options: [{ value: "赌博", label: "x" }] },
    ],
  };

  it("marks each word with its field, place and an excerpt; personal answers and choices are not screened", () => {
    const story = "我们家的家训是勤俭持家。\n爷爷年轻时沉迷赌博，后来戒了，常常告诉我们：网络赌博害人，一分钱也不能碰。";
    const marks = screenAnswers(form, { storyTitle: "告别赌博", authorName: "赌博", phone: "13812345678", story, kind: "赌博" });
    expect(marks.map((m) => [m.field, m.word])).toEqual([
      ["storyTitle", "赌博"],
      ["story", "赌博"],
      ["story", "网络赌博"],
      ["story", "赌博"],
    ]);
    const m = marks[1]!;
    expect(story.slice(m.start, m.end)).toBe("赌博");
    // Twelve characters either side, on one line.
    expect(m.excerpt).toBe("…俭持家。 爷爷年轻时沉迷赌博，后来戒了，常常告诉我们…");
    expect(marks[0]!.excerpt).toBe("告别赌博");
  });

  it("clean answers have no marks; answers of a key the form lacks are not read", () => {
    expect(screenAnswers(form, { storyTitle: "奶奶的针线包", story: "奶奶说：做人要诚实。", extra: "赌博" })).toEqual([]);
  });

  it("keeps at most MAX_MARKS marks", () => {
    expect(screenAnswers(form, { storyTitle: "x", story: "赌博".repeat(200) })).toHaveLength(MAX_MARKS);
  });
});
