import type { Form } from "../forms/model.ts";
import { isPersonal } from "../forms/personal.ts";
import type { Answers } from "../forms/validate.ts";
import { defaultSensitiveWords } from "./words.ts";

export { defaultSensitiveWords };

/**
 * Sensitive-word screening: Aho-Corasick over the text after NFKC and lower-casing, so full-width
 * letters, compatibility forms and capitals match their plain spelling, and every occurrence of
 * every word — overlapping ones too ("网络赌博" holds "赌博") — is found in one pass however long
 * the list. Screening flags; it never refuses: the organiser sees the marks before approving.
 *
 * Not caught (on purpose, to keep false alarms rare): words split by spaces or symbols
 * ("赌 博"), traditional characters (賭博) unless listed, homophones and pinyin.
 */

/** One occurrence: the listed word, and where it is in the text as given — `text.slice(start, end)` (UTF-16 offsets). */
export interface Mark {
  word: string;
  start: number;
  end: number;
}

/** One occurrence in an answer: which field, and the words around it (for the review queue). */
export interface AnswerMark extends Mark {
  field: string;
  excerpt: string;
}

const normalize = (s: string) => s.normalize("NFKC").toLowerCase();

interface Automaton {
  /** goto: per state, next state by code point */
  next: Map<number, number>[];
  /** failure links */
  fail: number[];
  /** the words ending at each state, those of its failure chain included */
  out: number[][];
  /** each word as listed, and its length in normalised code points */
  words: string[];
  lengths: number[];
}

function compile(list: readonly string[]): Automaton {
  const a: Automaton = { next: [new Map()], fail: [0], out: [[]], words: [], lengths: [] };
  const seen = new Set<string>();
  for (const listed of list) {
    const cps = [...normalize(listed).trim()].map((ch) => ch.codePointAt(0)!);
    const key = String.fromCodePoint(...cps);
    if (cps.length === 0 || seen.has(key)) continue;
    seen.add(key);
    let state = 0;
    for (const cp of cps) {
      let to = a.next[state]!.get(cp);
      if (to === undefined) {
        to = a.next.length;
        a.next.push(new Map());
        a.fail.push(0);
        a.out.push([]);
        a.next[state]!.set(cp, to);
      }
      state = to;
    }
    a.out[state]!.push(a.words.length);
    a.words.push(listed.trim());
    a.lengths.push(cps.length);
  }
  // Breadth first: a state's failure link is the longest proper suffix of its path that is also a path.
  const queue: number[] = [...a.next[0]!.values()];
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head]!;
    for (const [cp, v] of a.next[u]!) {
      let f = a.fail[u]!;
      while (f !== 0 && !a.next[f]!.has(cp)) f = a.fail[f]!;
      const target = a.next[f]!.get(cp);
      a.fail[v] = target ?? 0;
      a.out[v] = [...a.out[v]!, ...a.out[a.fail[v]!]!];
      queue.push(v);
    }
  }
  return a;
}

// Made on first use: a Segmenter loads ICU's break rules (~12 ms), which no cold start should
// pay for the few requests that screen an entry.
let graphemes: Intl.Segmenter | undefined;

/**
 * The text as the automaton reads it — normalised code points — each with the span of the
 * character it came from in the text as given. Normalised a character (grapheme) at a time, so
 * every position maps back, even where NFKC changes lengths ("㈱" is "(株)", "ﬁ" is "fi").
 */
function normalised(text: string) {
  const cps: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  graphemes ??= new Intl.Segmenter("und", { granularity: "grapheme" });
  for (const { segment, index } of graphemes.segment(text)) {
    for (const ch of normalize(segment)) {
      cps.push(ch.codePointAt(0)!);
      from.push(index);
      to.push(index + segment.length);
    }
  }
  return { cps, from, to };
}

function run(a: Automaton, text: string): Mark[] {
  const marks: Mark[] = [];
  if (a.words.length === 0 || text === "") return marks;
  const { cps, from, to } = normalised(text);
  let state = 0;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    while (state !== 0 && !a.next[state]!.has(cp)) state = a.fail[state]!;
    state = a.next[state]!.get(cp) ?? 0;
    for (const w of a.out[state]!) marks.push({ word: a.words[w]!, start: from[i - a.lengths[w]! + 1]!, end: to[i]! });
  }
  return marks.sort((x, y) => x.start - y.start || y.end - x.end);
}

/** A screener for exactly these words (tests, and any list other than the default). */
export function screener(words: readonly string[]): (text: string) => Mark[] {
  const a = compile(words);
  return (text) => run(a, text);
}

// The default list's automaton is built once; a campaign's (the default plus its own words) once
// per distinct list, a few kept.
const MAX_CACHED = 32;
const cache = new Map<string, Automaton>();
function automatonFor(extra: readonly string[]): Automaton {
  const key = extra.join("\u0000");
  let a = cache.get(key);
  if (!a) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    a = compile([...defaultSensitiveWords, ...extra]);
    cache.set(key, a);
  }
  return a;
}

/** Every occurrence in the text of a word of the default list or of `extra` (a campaign's own words), in order. */
export const screen = (text: string, extra: readonly string[] = []): Mark[] => run(automatonFor(extra), text);

/** At most this many marks are kept per entry: enough to judge it, and an entry item stays small. */
export const MAX_MARKS = 50;
/** Characters shown either side of a word in a mark's excerpt. */
const CONTEXT = 12;

/**
 * Screens what an entry may publish: the text answers of fields that are not personal (a personal
 * answer is never public, and an excerpt of it would show organisers what masking hides).
 * Marks in form order, then by position; each with a one-line excerpt around the word.
 */
export function screenAnswers(form: Form, answers: Answers, extra: readonly string[] = []): AnswerMark[] {
  const a = automatonFor(extra);
  const marks: AnswerMark[] = [];
  for (const f of form.fields) {
    if ((f.type !== "text" && f.type !== "textarea") || isPersonal(f)) continue;
    const v = Object.hasOwn(answers, f.key) ? answers[f.key] : undefined;
    if (typeof v !== "string") continue;
    for (const m of run(a, v)) {
      if (marks.length === MAX_MARKS) return marks;
      marks.push({ field: f.key, ...m, excerpt: excerpt(v, m) });
    }
  }
  return marks;
}

function excerpt(text: string, m: Mark): string {
  const before = [...text.slice(0, m.start)];
  const after = [...text.slice(m.end)];
  const shown =
    (before.length > CONTEXT ? "…" : "") +
    before.slice(-CONTEXT).join("") +
    text.slice(m.start, m.end) +
    after.slice(0, CONTEXT).join("") +
    (after.length > CONTEXT ? "…" : "");
  return shown.replace(/\s+/g, " ");
}
