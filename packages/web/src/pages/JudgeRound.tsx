/**
 * The judge's console for one round, made for a phone at a venue: one entry per screen, each
 * criterion with a big −/+ stepper (0.1 a tap, or typed), the running total as the server
 * computes it, whether the score is saved, next/previous, 回避, and 提交评分 with a last look at
 * anything unscored. Scores are kept on the phone and sent as she goes (score-sync.ts).
 */
import { For, Match, Show, Switch, createMemo, createSignal, onCleanup, onMount, untrack, type JSX } from "solid-js";
import { createStore } from "solid-js/store";
import { A, action, createAsync, query, revalidate, useAction, useParams, useSearchParams } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { ApiError, client, parseResponse } from "../api.ts";
import { errorText, fieldErrorText, pick, tr, usePageTitle } from "../i18n.ts";
import { getOrgUnits } from "../session.ts";
import { RequireSignIn } from "../components/RequireSignIn.tsx";
import { placeName } from "../components/FormFields.tsx";
import { formatScore, parseScore, runningTotal, scoreProblem } from "../score-total.ts";
import {
  bindJudge,
  changeScore,
  discard,
  draftOf,
  flush,
  forgetRound,
  onLocked,
  scoreSync,
  settle,
  unsentIn,
  type Criteria,
} from "../score-sync.ts";
import type { OrgUnit } from "../types.ts";
import "../contest.css";

export const getSheet = query(
  (roundId: string) => parseResponse(client.api.judge.rounds[":roundId"].entries.$get({ param: { roundId: encodeURIComponent(roundId) } })),
  "judgeSheet",
);

export function preloadJudgeRound({ params }: { params: Record<string, string | undefined> }): void {
  if (params.roundId) void getSheet(params.roundId).catch(() => undefined);
}

type Sheet = InferResponseType<(typeof client.api.judge.rounds)[":roundId"]["entries"]["$get"]>;
type Line = Sheet["items"][number];
type Criterion = Sheet["round"]["rubric"]["criteria"][number];
type ShownField = Sheet["fields"][number];

export const recuseEntry = action(async (input: { roundId: string; entryId: string; reason: string }) => {
  await parseResponse(
    client.api.judge.rounds[":roundId"].entries[":entryId"].recuse.$post({
      param: { roundId: encodeURIComponent(input.roundId), entryId: encodeURIComponent(input.entryId) },
      json: { reason: input.reason },
    }),
  );
}, "recuseEntry");

export const submitRound = action(async (roundId: string) => {
  await parseResponse(client.api.judge.rounds[":roundId"].submit.$post({ param: { roundId: encodeURIComponent(roundId) } }));
}, "submitRound");

/** Where an entry's score is, as the indicator says it. */
type LineState = "empty" | "incomplete" | "unsaved" | "saving" | "saved" | "invalid" | "recused";

const keyOf = (roundId: string, entryId: string) => `${roundId}:${entryId}`;

function lineState(roundId: string, line: Line, readOnly: boolean): LineState {
  const sync = readOnly ? undefined : scoreSync.saves[keyOf(roundId, line.entryId)];
  if (sync === "saved") return "saved";
  if (sync && sync !== "locked") return sync;
  if (line.mine?.kind === "recusal") return "recused";
  if (line.mine?.kind === "score") return "saved";
  return "empty";
}

const done = (s: LineState) => s === "saved" || s === "recused";

/** Her score of a line as she last left it: on this phone first, else what the server has. */
function startingScores(roundId: string, line: Line, criteria: Criterion[]): Criteria {
  const draft = draftOf(roundId, line.entryId);
  const saved = scoreSync.saved[keyOf(roundId, line.entryId)]?.criteria;
  const server = line.mine?.kind === "score" ? (line.mine.criteria as Record<string, number>) : undefined;
  const from = draft ?? saved ?? server ?? {};
  return Object.fromEntries(criteria.map((c) => [c.key, typeof from[c.key] === "number" ? from[c.key]! : null]));
}

/** 岳麓区, not 岳麓区妇联: the team's place, not its federation. */
function place(units: OrgUnit[], id: string): string {
  const unit = units.find((u) => u.id === id);
  return unit ? placeName(unit) : id;
}

function entryLabel(number: number, line: Line): string {
  const n = tr("judge.entryNumber", { n: number });
  return line.title ? `${n} · ${line.title}` : n;
}

function Stepper(props: {
  criterion: Criterion;
  text: string;
  error: string | undefined;
  readOnly: boolean;
  onText: (text: string) => void;
  onStep: (tenths: number) => void;
  onBlur: () => void;
}): JSX.Element {
  const c = () => props.criterion;
  const id = () => `score-${c().key}`;
  const label = () => pick(c().label, c().labelEn);
  const value = () => parseScore(props.text);
  const atMin = () => (value() ?? 0) <= 0;
  const atMax = () => {
    const v = value();
    return v !== null && !Number.isNaN(v) && v >= c().max;
  };
  return (
    <div class="criterion" classList={{ "has-error": !!props.error }} data-testid={`criterion-${c().key}`}>
      <label for={id()} class="criterion-label">
        {label()}
      </label>
      <p class="help" id={`${id()}-help`}>
        {tr("judge.max", { max: formatScore(c().max) })}
        <Show when={c().weight !== 1}> · {tr("judge.weight", { weight: formatScore(c().weight) })}</Show>
      </p>
      <div class="stepper">
        <button
          type="button"
          class="step-button"
          aria-label={tr("judge.minus", { label: label() })}
          aria-controls={id()}
          disabled={props.readOnly || atMin()}
          data-testid={`minus-${c().key}`}
          onClick={() => props.onStep(-1)}
        >
          −
        </button>
        <input
          id={id()}
          class="step-input"
          type="text"
          inputmode="decimal"
          enterkeyhint="done"
          autocomplete="off"
          spellcheck={false}
          value={props.text}
          readOnly={props.readOnly}
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={`${id()}-help${props.error ? ` ${id()}-error` : ""}`}
          data-testid={`score-${c().key}`}
          onInput={(e) => props.onText(e.currentTarget.value)}
          onBlur={() => props.onBlur()}
        />
        <button
          type="button"
          class="step-button"
          aria-label={tr("judge.plus", { label: label() })}
          aria-controls={id()}
          disabled={props.readOnly || atMax()}
          data-testid={`plus-${c().key}`}
          onClick={() => props.onStep(1)}
        >
          +
        </button>
      </div>
      <Show when={props.error}>
        <p class="field-error" id={`${id()}-error`} data-testid={`score-error-${c().key}`}>
          {props.error}
        </p>
      </Show>
    </div>
  );
}

function SaveIndicator(props: { state: LineState; missing: number; readOnly: boolean }): JSX.Element {
  const text = () => {
    switch (props.state) {
      case "saved":
        return tr("judge.state.saved");
      case "saving":
        return tr("judge.state.saving");
      case "recused":
        return tr("judge.state.recused");
      case "empty":
        return tr("judge.state.empty");
      case "incomplete":
        return `${tr("judge.state.unsaved")} · ${tr("judge.state.incomplete", { n: props.missing })}`;
      default:
        return tr("judge.state.unsaved");
    }
  };
  return (
    <div class="save-line">
      <p class={`save-state save-${props.state}`} data-testid="save-state" data-state={props.state} role="status">
        {text()}
      </p>
      <Show when={!props.readOnly && (props.state === "unsaved" || props.state === "saving") && scoreSync.offline}>
        <p class="help" data-testid="offline-note">
          {tr("judge.state.offline")}
        </p>
      </Show>
    </div>
  );
}

function Answer(props: { field: ShownField; value: unknown; units: OrgUnit[] }): JSX.Element {
  return (
    <Switch fallback={<>{Array.isArray(props.value) ? props.value.join(tr("common.listSeparator")) : String(props.value)}</>}>
      <Match when={props.field.type === "image" && Array.isArray(props.value)}>
        <For each={props.value as string[]}>
          {(id) => <img class="entry-photo" src={`/api/uploads/${encodeURIComponent(id)}`} alt={pick(props.field.label, props.field.labelEn)} />}
        </For>
      </Match>
      <Match when={props.field.type === "orgUnit" && typeof props.value === "string"}>
        {place(props.units, props.value as string)}
      </Match>
    </Switch>
  );
}

function RecusePanel(props: { roundId: string; entryId: string; onDone: () => void }): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const [reason, setReason] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [pending, setPending] = createSignal(false);
  const recuse = useAction(recuseEntry);
  let textarea: HTMLTextAreaElement | undefined;
  let opener: HTMLButtonElement | undefined;

  const onConfirm = async () => {
    if (pending()) return;
    if (!reason().trim()) {
      setError(tr("FIELD_REQUIRED"));
      textarea?.focus();
      return;
    }
    setPending(true);
    setError(undefined);
    try {
      // The recusal replaces any score: nothing unsent may land after it.
      await discard(props.roundId, props.entryId);
      await recuse({ roundId: props.roundId, entryId: props.entryId, reason: reason().trim() });
      setOpen(false);
      setReason("");
      props.onDone();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 422 ? tr("FIELD_INVALID") : errorText(e));
    } finally {
      setPending(false);
    }
  };

  return (
    <Show
      when={open()}
      fallback={
        <button
          ref={opener}
          type="button"
          class="button button-secondary"
          data-testid="recuse"
          onClick={() => {
            setOpen(true);
            textarea?.focus();
          }}
        >
          {tr("judge.recuse")}
        </button>
      }
    >
      <div class="notice notice-warn confirm" role="group" aria-labelledby="recuse-help">
        <p id="recuse-help">{tr("judge.recuseHelp")}</p>
        <div class="field" classList={{ "has-error": !!error() }}>
          <label for="recuse-reason">{tr("judge.recuseReason")}</label>
          <textarea
            ref={textarea}
            id="recuse-reason"
            rows={3}
            maxLength={500}
            value={reason()}
            aria-invalid={error() ? "true" : undefined}
            aria-describedby={error() ? "recuse-error" : undefined}
            data-testid="recuse-reason"
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <Show when={error()}>
            <p class="field-error" id="recuse-error" role="alert">
              {error()}
            </p>
          </Show>
        </div>
        <button type="button" class="button button-danger" disabled={pending()} data-testid="confirm-recuse" onClick={onConfirm}>
          {pending() ? tr("judge.recusing") : tr("judge.recuseConfirm")}
        </button>
        <button
          type="button"
          class="button button-secondary"
          onClick={() => {
            setOpen(false);
            setError(undefined);
            opener?.focus();
          }}
        >
          {tr("judge.recuseCancel")}
        </button>
      </div>
    </Show>
  );
}

/** One entry's screen: what she may see of it, the steppers, the total, 回避. */
function EntryScreen(props: {
  roundId: string;
  line: Line;
  number: number;
  criteria: Criterion[];
  fields: ShownField[];
  units: OrgUnit[];
  readOnly: boolean;
  focus: boolean;
}): JSX.Element {
  const line = () => props.line;
  const key = keyOf(props.roundId, props.line.entryId);
  const start = startingScores(props.roundId, props.line, props.criteria);
  const [texts, setTexts] = createStore<Record<string, string>>(
    Object.fromEntries(props.criteria.map((c) => [c.key, start[c.key] === null ? "" : formatScore(start[c.key]!)])),
  );
  const [rescoring, setRescoring] = createSignal(false);
  let heading: HTMLHeadingElement | undefined;

  onMount(() => {
    if (!props.focus) return;
    heading?.focus();
    heading?.scrollIntoView({ block: "start" });
  });

  const problem = (c: Criterion): string | undefined => {
    const v = parseScore(texts[c.key] ?? "");
    if (v === null) return undefined;
    if (Number.isNaN(v)) return tr("form.error.number");
    const p = scoreProblem(c, v);
    if (p === "FIELD_TOO_SMALL") return tr("form.error.min", { min: 0 });
    return p ? fieldErrorText(p) : undefined;
  };
  const valueOf = (c: Criterion): number | null => {
    const v = parseScore(texts[c.key] ?? "");
    return v === null || Number.isNaN(v) || problem(c) ? null : v;
  };
  const values = () => Object.fromEntries(props.criteria.map((c) => [c.key, valueOf(c)]));
  const missing = () => props.criteria.filter((c) => valueOf(c) === null).length;
  const state = () => lineState(props.roundId, line(), props.readOnly);
  const total = () => {
    const saved = scoreSync.saved[key];
    // After a save, the server's own total; the same sum, computed alike.
    if (saved && state() === "saved") return saved.total;
    if (!scoreSync.saves[key] && line().mine?.kind === "score") return (line().mine as { total: number }).total;
    return runningTotal(props.criteria, values());
  };
  const maxTotal = () => runningTotal(props.criteria, Object.fromEntries(props.criteria.map((c) => [c.key, c.max])));
  const serverError = (c: Criterion) => {
    const reason = scoreSync.errors[key]?.[c.key];
    return reason ? fieldErrorText(reason) : undefined;
  };
  const recused = () => line().mine?.kind === "recusal" && !rescoring() && !scoreSync.saves[key];

  const commit = () => changeScore(props.roundId, line().entryId, values(), missing() === 0);
  const onText = (c: Criterion, text: string) => {
    setTexts(c.key, text);
    commit();
  };
  const onStep = (c: Criterion, delta: number) => {
    const now = valueOf(c) ?? 0;
    const next = Math.min(Math.round(c.max * 10), Math.max(0, Math.round(now * 10) + delta)) / 10;
    setTexts(c.key, formatScore(next));
    commit();
  };
  const onBlur = (c: Criterion) => {
    const v = valueOf(c);
    if (v !== null) setTexts(c.key, formatScore(v));
  };

  // The title is the heading already; the unit, the line under it.
  const answered = () =>
    props.fields.filter((f) => {
      const v = line().answers[f.key];
      if (v === undefined || f.type === "consent") return false;
      if (line().title && v === line().title) return false;
      return !(f.type === "orgUnit" && v === line().orgUnit);
    });

  return (
    <section class="card judge-entry" aria-labelledby="entry-heading" data-testid="judge-entry" data-entry={line().entryId}>
      <h2 id="entry-heading" ref={heading} tabindex="-1" data-testid="entry-heading">
        {entryLabel(props.number, line())}
      </h2>
      <Show when={line().orgUnit}>{(u) => <p class="card-line">{place(props.units, u())}</p>}</Show>

      <Show when={answered().length > 0}>
        <h3>{tr("judge.about")}</h3>
        <dl class="entry-answers">
          <For each={answered()}>
            {(f) => (
              <>
                <dt>{pick(f.label, f.labelEn)}</dt>
                <dd>
                  <Answer field={f} value={line().answers[f.key]} units={props.units} />
                </dd>
              </>
            )}
          </For>
        </dl>
      </Show>

      <Show
        when={!recused()}
        fallback={
          <div class="notice" data-testid="recused-note">
            <p>{tr("judge.recusedNote", { reason: line().mine?.kind === "recusal" ? (line().mine as { reason: string }).reason : "" })}</p>
            <Show when={!props.readOnly}>
              <button type="button" class="button button-secondary" data-testid="rescore" onClick={() => setRescoring(true)}>
                {tr("judge.rescore")}
              </button>
            </Show>
          </div>
        }
      >
        <fieldset class="scores" disabled={props.readOnly}>
          <legend>{tr("judge.scores")}</legend>
          <For each={props.criteria}>
            {(c) => (
              <Stepper
                criterion={c}
                text={texts[c.key] ?? ""}
                error={problem(c) ?? serverError(c)}
                readOnly={props.readOnly}
                onText={(t) => onText(c, t)}
                onStep={(d) => onStep(c, d)}
                onBlur={() => onBlur(c)}
              />
            )}
          </For>
          <p class="judge-total" data-testid="total">
            <span>{tr("judge.total")}</span> <strong data-testid="total-value">{formatScore(total())}</strong>{" "}
            <span class="help">{tr("judge.totalOf", { max: formatScore(maxTotal()) })}</span>
          </p>
          {/* Under the total, where her eyes are after scoring. */}
          <SaveIndicator state={state()} missing={missing()} readOnly={props.readOnly} />
        </fieldset>
        <Show when={!props.readOnly}>
          <RecusePanel roundId={props.roundId} entryId={line().entryId} onDone={() => setRescoring(false)} />
        </Show>
      </Show>
    </section>
  );
}

function SubmitPanel(props: {
  roundId: string;
  items: Line[];
  states: LineState[];
  onGo: (index: number) => void;
  onSubmitted: () => void;
}): JSX.Element {
  const [confirming, setConfirming] = createSignal(false);
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string>();
  /** what the server said is left (a 409), by entry id */
  const [left, setLeft] = createSignal<string[]>([]);
  const submit = useAction(submitRound);
  let confirmBox: HTMLDivElement | undefined;
  let opener: HTMLButtonElement | undefined;

  const unscored = () => {
    const fromServer = new Set(left());
    return props.items.flatMap((l, i) => (!done(props.states[i]!) || fromServer.has(l.entryId) ? [i] : []));
  };
  const unsent = () => {
    const ids = new Set(unsentIn(props.roundId));
    return props.items.flatMap((l, i) => (ids.has(l.entryId) ? [i] : []));
  };

  const onConfirm = async () => {
    if (pending()) return;
    setPending(true);
    setError(undefined);
    try {
      if (!(await settle(props.roundId))) {
        setError(tr("judge.unsavedList"));
        return;
      }
      await submit(props.roundId);
      forgetRound(props.roundId);
      setConfirming(false);
      props.onSubmitted();
    } catch (e) {
      if (e instanceof ApiError && e.code === "ROUND_INCOMPLETE") {
        const entries = (e.details as { entries?: { entryId?: unknown }[] } | undefined)?.entries ?? [];
        setLeft(entries.map((x) => x.entryId).filter((x): x is string => typeof x === "string"));
      }
      setError(errorText(e));
    } finally {
      setPending(false);
    }
  };

  const EntryLinks = (p: { indexes: number[]; testId: string }) => (
    <ul class="entry-links" data-testid={p.testId}>
      <For each={p.indexes}>
        {(i) => (
          <li>
            <button
              type="button"
              class="link-button"
              onClick={() => {
                setConfirming(false);
                props.onGo(i);
              }}
            >
              {entryLabel(i + 1, props.items[i]!)}
            </button>
          </li>
        )}
      </For>
    </ul>
  );

  return (
    <section class="judge-submit" aria-labelledby="submit-heading">
      <h2 id="submit-heading">{tr("judge.submit")}</h2>
      <p class="help">{tr("judge.submitHelp")}</p>
      <Show
        when={confirming()}
        fallback={
          <button
            ref={opener}
            type="button"
            class="button button-primary"
            data-testid="submit-round"
            onClick={() => {
              setConfirming(true);
              setLeft([]);
              setError(undefined);
              // Whatever is still on the phone goes now, so the list below is what is really left.
              void settle(props.roundId);
              confirmBox?.focus();
            }}
          >
            {tr("judge.submit")}
          </button>
        }
      >
        <div ref={confirmBox} tabindex="-1" class="notice notice-warn confirm" role="alertdialog" aria-labelledby="submit-confirm-text" data-testid="submit-confirm">
          <p id="submit-confirm-text">
            <strong>{tr("judge.confirmSubmit")}</strong>
          </p>
          <Switch fallback={<p data-testid="all-scored">{tr("judge.allScored")}</p>}>
            <Match when={unscored().length > 0}>
              <p>{tr("judge.unscoredList")}</p>
              <EntryLinks indexes={unscored()} testId="unscored-list" />
            </Match>
            <Match when={unsent().length > 0}>
              <p>{tr("judge.unsavedList")}</p>
              <EntryLinks indexes={unsent()} testId="unsent-list" />
            </Match>
          </Switch>
          <Show when={error()}>
            <p class="field-error" role="alert" data-testid="submit-error">
              {error()}
            </p>
          </Show>
          <button
            type="button"
            class="button button-danger"
            data-testid="confirm-submit"
            disabled={pending() || unscored().length > 0}
            onClick={onConfirm}
          >
            {pending() ? tr("judge.submitting") : tr("judge.confirmYes")}
          </button>
          <button
            type="button"
            class="button button-secondary"
            data-testid="cancel-submit"
            onClick={() => {
              setConfirming(false);
              opener?.focus();
            }}
          >
            {tr("judge.confirmNo")}
          </button>
        </div>
      </Show>
    </section>
  );
}

function Console(props: { roundId: string }): JSX.Element {
  const sheet = createAsync(() => getSheet(props.roundId));
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  const [search, setSearch] = useSearchParams<{ entry?: string }>();
  const [locked, setLocked] = createSignal(false);
  let moved = false;
  let notice: HTMLDivElement | undefined;
  usePageTitle(() => {
    const s = sheet();
    return s ? pick(s.round.name, s.round.nameEn) : tr("judge.title");
  });
  onCleanup(
    onLocked((id) => {
      if (id !== props.roundId) return;
      setLocked(true);
      void revalidate(getSheet.keyFor(props.roundId));
    }),
  );

  return (
    <Show when={sheet()}>
      {(s) => {
        const items = () => s().items;
        const criteria = () => s().round.rubric.criteria;
        const readOnly = () => s().round.submitted || s().round.status !== "open" || locked();
        const states = createMemo(() => items().map((l) => lineState(props.roundId, l, readOnly())));
        // Without ?entry= she starts at the first entry still to score, found once: scoring it
        // must not move her on by itself.
        const first = untrack(() => Math.max(0, states().findIndex((st) => !done(st))));
        const index = createMemo(() => {
          const i = items().findIndex((l) => l.entryId === search.entry);
          return i >= 0 ? i : Math.min(first, Math.max(0, items().length - 1));
        });
        const current = () => items()[index()];
        const doneCount = () => states().filter(done).length;
        const go = (i: number) => {
          const here = current();
          if (here && !readOnly()) void flush(props.roundId, here.entryId);
          const next = items()[i];
          if (!next) return;
          moved = true;
          setSearch({ entry: next.entryId }, { replace: true });
        };
        return (
          <>
            <h1 tabindex="-1" data-testid="round-title">
              {pick(s().round.name, s().round.nameEn)}
            </h1>
            <Show when={s().round.campaignTitle}>{(t) => <p class="card-line">{t()}</p>}</Show>
            <div ref={notice} tabindex="-1" aria-live="polite">
              <Switch>
                <Match when={s().round.submitted}>
                  <p class="notice notice-success" data-testid="round-submitted">
                    {tr("judge.submitted")}
                  </p>
                </Match>
                <Match when={readOnly()}>
                  <p class="notice" data-testid="round-locked">
                    {tr("judge.closed")}
                  </p>
                </Match>
              </Switch>
            </div>
            <Show when={s().round.rubric.blind}>
              <p class="notice">{tr("judge.blind")}</p>
            </Show>
            <p class="judge-count" data-testid="round-progress">
              {tr("judge.progress", { done: doneCount(), total: items().length })}
            </p>

            <Show when={items().length > 0} fallback={<p class="notice">{tr("results.empty")}</p>}>
              <Show when={current()?.entryId} keyed>
                {(entryId) => (
                  <EntryScreen
                    roundId={props.roundId}
                    line={items().find((l) => l.entryId === entryId) ?? current()!}
                    number={index() + 1}
                    criteria={criteria()}
                    fields={s().fields}
                    units={units() ?? []}
                    readOnly={readOnly()}
                    focus={moved}
                  />
                )}
              </Show>
              <nav class="judge-nav" aria-label={tr("judge.entryOf", { i: index() + 1, n: items().length })}>
                <button type="button" class="button button-secondary" data-testid="prev-entry" disabled={index() === 0} onClick={() => go(index() - 1)}>
                  <span aria-hidden="true">‹</span> {tr("judge.prev")}
                </button>
                <span class="judge-position" data-testid="entry-position">
                  {tr("judge.entryOf", { i: index() + 1, n: items().length })}
                </span>
                <button
                  type="button"
                  class="button button-secondary"
                  data-testid="next-entry"
                  disabled={index() >= items().length - 1}
                  onClick={() => go(index() + 1)}
                >
                  {tr("judge.next")} <span aria-hidden="true">›</span>
                </button>
              </nav>
            </Show>

            <Show when={!readOnly() && items().length > 0}>
              <SubmitPanel
                roundId={props.roundId}
                items={items()}
                states={states()}
                onGo={go}
                onSubmitted={() => {
                  window.scrollTo(0, 0);
                  notice?.focus();
                }}
              />
            </Show>
          </>
        );
      }}
    </Show>
  );
}

export default function JudgeRound(): JSX.Element {
  const params = useParams<{ roundId: string }>();
  return (
    <div class="page judge-page">
      <p>
        <A href="/judge" class="back-link">
          <span aria-hidden="true">‹</span> {tr("judge.back")}
        </A>
      </p>
      <RequireSignIn>
        {(user) => {
          bindJudge(user().id);
          return <Console roundId={params.roundId} />;
        }}
      </RequireSignIn>
    </div>
  );
}
