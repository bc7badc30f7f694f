/**
 * A new judging round: its name, the unit whose round it is, the rubric (criteria with their
 * most and weight, how the judges' totals are combined, blind or not), how many go on, and the
 * rounds it follows. Criterion keys are made from their place (c1, c2, …): she never sees them.
 */
import { For, Index, Show, createSignal, onMount, type JSX } from "solid-js";
import { action, useAction } from "@solidjs/router";
import type { InferRequestType, InferResponseType } from "hono/client";
import type { MessageKey } from "@jinguo/core/messages";
import { ApiError, client, newIdempotencyKey, parseResponse } from "../api.ts";
import { errorText, fieldErrorText, pick, tr } from "../i18n.ts";
import { covers, unitLabel } from "./ContestNav.tsx";
import type { CampaignDetail, OrgUnit } from "../types.ts";

const roundsApi = client.api.admin.campaigns[":id"].rounds;
export type Round = InferResponseType<typeof roundsApi.$get>["items"][number];
type NewRound = InferRequestType<typeof roundsApi.$post>["json"];
type Aggregate = NewRound["rubric"]["aggregate"];

export const createRound = action(async (input: { campaignId: string; round: NewRound; idempotencyKey: string }) => {
  const { round } = await parseResponse(
    roundsApi.$post({ param: { id: encodeURIComponent(input.campaignId) }, json: input.round }, { headers: { "Idempotency-Key": input.idempotencyKey } }),
  );
  return round;
}, "createRound");

/** How the judges' totals make an entry's score, the usual one first. */
export const AGGREGATES: Aggregate[] = ["trimmed_mean", "mean", "median"];
export const aggregateKey = (a: string): MessageKey =>
  a === "mean" ? "organiser.rounds.aggregate.mean" : a === "median" ? "organiser.rounds.aggregate.median" : "organiser.rounds.aggregate.trimmed_mean";

const NAME_SUGGESTIONS: MessageKey[] = ["organiser.rounds.suggest.first", "organiser.rounds.suggest.second", "organiser.rounds.suggest.final"];

/** A number typed with at most `decimals` places, within (0, max]; undefined otherwise. */
function parseAmount(text: string, decimals: number, max: number): number | undefined {
  const t = text.trim().replace("，", ".").replace("。", ".");
  if (!new RegExp(`^\\d{1,4}(\\.\\d{1,${decimals}})?$`).test(t)) return undefined;
  const n = Number(t);
  return n > 0 && n <= max ? n : undefined;
}

/** What a criterion adds at most: weight × max, in thousandths so that 0.1 + 0.2 is 0.3. */
export function rubricTotal(criteria: { max: number; weight: number }[]): number {
  return criteria.reduce((sum, c) => sum + Math.round(c.max * 10) * Math.round(c.weight * 100), 0) / 1000;
}

interface CriterionRow {
  label: string;
  max: string;
  weight: string;
}

type Errors = Record<string, () => string>;

/** The units she may give a round to: her own and below, within the campaign's, in the list's (tree) order. */
export function roundUnits(units: OrgUnit[] | undefined, scopes: string[], campaignUnit: string): OrgUnit[] {
  return (units ?? []).filter((u) => covers(campaignUnit, u.id) && scopes.some((s) => covers(s, u.id)));
}

export function RoundForm(props: {
  campaign: CampaignDetail;
  rounds: Round[];
  units: OrgUnit[] | undefined;
  scopes: string[];
  onDone: (round: Round) => void;
  onClose: () => void;
}): JSX.Element {
  const choices = () => roundUnits(props.units, props.scopes, props.campaign.orgUnit);
  const [name, setName] = createSignal("");
  const [orgUnit, setOrgUnit] = createSignal(choices().length === 1 ? choices()[0]!.id : "");
  const [criteria, setCriteria] = createSignal<CriterionRow[]>([{ label: "", max: "10", weight: "1" }]);
  const [aggregate, setAggregate] = createSignal<Aggregate>("trimmed_mean");
  const [blind, setBlind] = createSignal(false);
  const [advance, setAdvance] = createSignal("");
  const [from, setFrom] = createSignal<string[]>([]);
  const [errors, setErrors] = createSignal<Errors>({});
  const [formError, setFormError] = createSignal<string>();
  const [pending, setPending] = createSignal(false);
  const send = useAction(createRound);
  // One key per opened form: a double tap or a retry after a lost answer makes one round only.
  let idempotencyKey = newIdempotencyKey();
  let heading: HTMLHeadingElement | undefined;
  onMount(() => heading?.focus());

  const clear = (...keys: string[]) => {
    const next = { ...errors() };
    for (const k of keys) delete next[k];
    setErrors(next);
  };
  const setRow = (i: number, key: keyof CriterionRow, value: string) => {
    setCriteria(criteria().map((row, j) => (j === i ? { ...row, [key]: value } : row)));
    clear(`criteria.${i}.${key}`);
  };
  const removeRow = (i: number) => {
    setCriteria(criteria().filter((_, j) => j !== i));
    setErrors({});
    // Focus would be lost with the row: the next row's name, or the add button.
    queueMicrotask(() => (document.getElementById(inputId(`criteria.${i}.label`)) ?? document.getElementById("round-add-criterion"))?.focus());
  };

  /** Earlier rounds this one can follow: they send someone on, and are of its unit or below. */
  const followable = () => props.rounds.filter((r) => r.advance !== undefined && orgUnit() !== "" && covers(orgUnit(), r.orgUnit));

  const total = () =>
    rubricTotal(criteria().flatMap((c) => {
      const max = parseAmount(c.max, 1, 1000);
      const weight = parseAmount(c.weight, 2, 100);
      return max !== undefined && weight !== undefined ? [{ max, weight }] : [];
    }));

  const check = (): Errors => {
    const out: Errors = {};
    if (!name().trim()) out.name = () => tr("FIELD_REQUIRED");
    if (!orgUnit()) out.orgUnit = () => tr("organiser.rounds.unitRequired");
    criteria().forEach((c, i) => {
      if (!c.label.trim()) out[`criteria.${i}.label`] = () => tr("FIELD_REQUIRED");
      if (parseAmount(c.max, 1, 1000) === undefined) out[`criteria.${i}.max`] = () => tr("organiser.rounds.maxInvalid");
      if (parseAmount(c.weight, 2, 100) === undefined) out[`criteria.${i}.weight`] = () => tr("organiser.rounds.weightInvalid");
    });
    if (advance().trim() && !/^\d{1,5}$/.test(advance().trim())) out.advance = () => tr("organiser.rounds.advanceInvalid");
    else if (advance().trim() && (Number(advance()) < 1 || Number(advance()) > 10_000)) out.advance = () => tr("organiser.rounds.advanceInvalid");
    return out;
  };

  const focusFirst = (found: Errors) => {
    const order = ["name", "orgUnit", ...criteria().flatMap((_, i) => [`criteria.${i}.label`, `criteria.${i}.max`, `criteria.${i}.weight`]), "advance", "from"];
    const first = order.find((k) => found[k]) ?? Object.keys(found)[0];
    if (first) document.getElementById(inputId(first))?.focus();
  };

  /** The server's `details.fields` (rubric.criteria.0.max, from.1, …) on the inputs they are about. */
  const fromServer = (details: unknown): Errors => {
    const fields = (details as { fields?: Record<string, unknown> } | undefined)?.fields;
    const out: Errors = {};
    if (!fields || typeof fields !== "object") return out;
    for (const [path, reason] of Object.entries(fields)) {
      const text = () => fieldErrorText(typeof reason === "string" ? reason : "");
      const m = /^rubric\.criteria\.(\d+)\.(label|max|weight)$/.exec(path);
      if (m) out[`criteria.${m[1]}.${m[2]}`] = text;
      else if (path.startsWith("from")) out.from = text;
      else if (path === "name" || path === "orgUnit" || path === "advance") out[path] = text;
    }
    return out;
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (pending()) return;
    const found = check();
    setErrors(found);
    setFormError(undefined);
    if (Object.keys(found).length > 0) return focusFirst(found);
    const chosen = from().filter((id) => followable().some((r) => r.id === id));
    const round: NewRound = {
      name: name().trim(),
      orgUnit: orgUnit(),
      rubric: {
        criteria: criteria().map((c, i) => ({
          key: `c${i + 1}`,
          label: c.label.trim(),
          max: parseAmount(c.max, 1, 1000)!,
          weight: parseAmount(c.weight, 2, 100)!,
        })),
        aggregate: aggregate(),
        blind: blind(),
      },
      ...(advance().trim() ? { advance: Number(advance().trim()) } : {}),
      ...(chosen.length ? { from: chosen } : {}),
    };
    setPending(true);
    try {
      const created = await send({ campaignId: props.campaign.id, round, idempotencyKey });
      props.onDone(created);
    } catch (e) {
      // The server answered: what she sends next is a new request.
      if (e instanceof ApiError && e.status > 0) idempotencyKey = newIdempotencyKey();
      const mapped = e instanceof ApiError && e.code === "VALIDATION" ? fromServer(e.details) : {};
      setErrors(mapped);
      setFormError(errorText(e));
      focusFirst(mapped);
    } finally {
      setPending(false);
    }
  };

  const inputId = (key: string) => `round-${key.replaceAll(".", "-")}`;
  const errorId = (key: string) => `${inputId(key)}-error`;
  const invalid = (key: string) => ({
    get "aria-invalid"() {
      return errors()[key] ? ("true" as const) : undefined;
    },
  });
  const describedBy = (key: string, help?: string) => [help, errors()[key] ? errorId(key) : undefined].filter(Boolean).join(" ") || undefined;
  const FieldError = (p: { key: string }) => (
    <Show when={errors()[p.key]}>
      {(message) => (
        <p class="field-error" id={errorId(p.key)} data-testid={`${inputId(p.key)}-error`}>
          {message()()}
        </p>
      )}
    </Show>
  );

  return (
    <form class="edit-panel" novalidate onSubmit={onSubmit} data-testid="round-form">
      <h2 ref={heading} tabindex="-1">
        {tr("organiser.rounds.new")}
      </h2>

      <div class="field" classList={{ "has-error": !!errors().name }}>
        <label for={inputId("name")}>{tr("organiser.rounds.name")}</label>
        <p class="help" id="round-name-help">
          {tr("organiser.rounds.nameHelp")}
        </p>
        <div class="chips" role="group" aria-label={tr("organiser.rounds.nameSuggestions")}>
          <For each={NAME_SUGGESTIONS}>
            {(key) => (
              <button
                type="button"
                class="chip"
                aria-pressed={name() === tr(key)}
                data-testid={`round-name-suggest-${key.split(".").pop()}`}
                onClick={() => {
                  setName(tr(key));
                  clear("name");
                }}
              >
                {tr(key)}
              </button>
            )}
          </For>
        </div>
        <input
          id={inputId("name")}
          type="text"
          maxLength={100}
          data-testid="round-name"
          value={name()}
          {...invalid("name")}
          aria-describedby={describedBy("name", "round-name-help")}
          onInput={(e) => {
            setName(e.currentTarget.value);
            clear("name");
          }}
        />
        <FieldError key="name" />
      </div>

      <div class="field" classList={{ "has-error": !!errors().orgUnit }}>
        <label for={inputId("orgUnit")}>{tr("organiser.rounds.unit")}</label>
        <p class="help" id="round-unit-help">
          {tr("organiser.rounds.unitHelp")}
        </p>
        <select
          id={inputId("orgUnit")}
          data-testid="round-unit"
          {...invalid("orgUnit")}
          aria-describedby={describedBy("orgUnit", "round-unit-help")}
          onChange={(e) => {
            setOrgUnit(e.currentTarget.value);
            clear("orgUnit", "from");
          }}
        >
          <option value="" selected={orgUnit() === ""}>
            {tr("organiser.rounds.unitChoose")}
          </option>
          <For each={choices()}>
            {(u) => (
              <option value={u.id} selected={orgUnit() === u.id}>
                {/* Counties under their city: an ideographic space per level below the campaign's unit. */}
                {"\u3000".repeat(Math.max(0, u.id.split(".").length - props.campaign.orgUnit.split(".").length))}
                {pick(u.name, u.nameEn)}
              </option>
            )}
          </For>
        </select>
        <FieldError key="orgUnit" />
      </div>

      <fieldset class="field criteria">
        <legend>{tr("organiser.rounds.criteria")}</legend>
        <p class="help">{tr("organiser.rounds.criteriaHelp")}</p>
        <ol class="criteria-list">
          <Index each={criteria()}>
            {(row, i) => (
              <li class="rubric-row" data-testid={`criterion-${i}`}>
                <p class="label-like">{tr("organiser.rounds.criterionN", { n: i + 1 })}</p>
                <div class="field" classList={{ "has-error": !!errors()[`criteria.${i}.label`] }}>
                  <label for={inputId(`criteria.${i}.label`)}>
                    {tr("organiser.rounds.criterionLabel")}
                  </label>
                  <input
                    id={inputId(`criteria.${i}.label`)}
                    type="text"
                    maxLength={200}
                    data-testid={`criterion-${i}-label`}
                    value={row().label}
                    placeholder={tr(i === 0 ? "organiser.rounds.criterionExample1" : "organiser.rounds.criterionExample2")}
                    {...invalid(`criteria.${i}.label`)}
                    aria-describedby={describedBy(`criteria.${i}.label`)}
                    onInput={(e) => setRow(i, "label", e.currentTarget.value)}
                  />
                  <FieldError key={`criteria.${i}.label`} />
                </div>
                <div class="two-columns">
                  <div class="field" classList={{ "has-error": !!errors()[`criteria.${i}.max`] }}>
                    <label for={inputId(`criteria.${i}.max`)}>{tr("organiser.rounds.criterionMax")}</label>
                    <input
                      id={inputId(`criteria.${i}.max`)}
                      type="text"
                      inputmode="decimal"
                      autocomplete="off"
                      data-testid={`criterion-${i}-max`}
                      value={row().max}
                      {...invalid(`criteria.${i}.max`)}
                      aria-describedby={describedBy(`criteria.${i}.max`)}
                      onInput={(e) => setRow(i, "max", e.currentTarget.value)}
                    />
                    <FieldError key={`criteria.${i}.max`} />
                  </div>
                  <div class="field" classList={{ "has-error": !!errors()[`criteria.${i}.weight`] }}>
                    <label for={inputId(`criteria.${i}.weight`)}>{tr("organiser.rounds.criterionWeight")}</label>
                    <input
                      id={inputId(`criteria.${i}.weight`)}
                      type="text"
                      inputmode="decimal"
                      autocomplete="off"
                      data-testid={`criterion-${i}-weight`}
                      value={row().weight}
                      {...invalid(`criteria.${i}.weight`)}
                      aria-describedby={describedBy(`criteria.${i}.weight`)}
                      onInput={(e) => setRow(i, "weight", e.currentTarget.value)}
                    />
                    <FieldError key={`criteria.${i}.weight`} />
                  </div>
                </div>
                <Show when={criteria().length > 1}>
                  <button
                    type="button"
                    class="button button-secondary button-small"
                    data-testid={`criterion-${i}-remove`}
                    aria-label={tr("organiser.rounds.criterionRemoveLabel", { n: i + 1, label: row().label.trim() || tr("organiser.rounds.criterionN", { n: i + 1 }) })}
                    onClick={() => removeRow(i)}
                  >
                    {tr("organiser.rounds.criterionRemove")}
                  </button>
                </Show>
              </li>
            )}
          </Index>
        </ol>
        <Show when={criteria().length < 30}>
          <button
            type="button"
            id="round-add-criterion"
            class="button button-secondary"
            data-testid="round-add-criterion"
            onClick={() => {
              const n = criteria().length;
              setCriteria([...criteria(), { label: "", max: "10", weight: "1" }]);
              queueMicrotask(() => document.getElementById(inputId(`criteria.${n}.label`))?.focus());
            }}
          >
            <span aria-hidden="true">+</span> {tr("organiser.rounds.criterionAdd")}
          </button>
        </Show>
        <p class="seats" aria-live="polite" data-testid="round-total">
          {tr("organiser.rounds.total", { total: total() })}
        </p>
      </fieldset>

      <fieldset class="field">
        <legend>{tr("organiser.rounds.aggregate")}</legend>
        <div class="options">
          <For each={AGGREGATES}>
            {(a) => (
              <label class="option" classList={{ checked: aggregate() === a }}>
                <input
                  type="radio"
                  name="round-aggregate"
                  value={a}
                  checked={aggregate() === a}
                  data-testid={`round-aggregate-${a}`}
                  onChange={() => setAggregate(a)}
                />
                <span>{tr(aggregateKey(a))}</span>
              </label>
            )}
          </For>
        </div>
      </fieldset>

      <label class="option" classList={{ checked: blind() }}>
        <input type="checkbox" checked={blind()} data-testid="round-blind" onChange={(e) => setBlind(e.currentTarget.checked)} />
        <span>{tr("organiser.rounds.blind")}</span>
      </label>

      <div class="field" classList={{ "has-error": !!errors().advance }}>
        <label for={inputId("advance")}>{tr("organiser.rounds.advance")}</label>
        <p class="help" id="round-advance-help">
          {tr("organiser.rounds.advanceHelp")}
        </p>
        <input
          id={inputId("advance")}
          type="text"
          inputmode="numeric"
          autocomplete="off"
          data-testid="round-advance"
          value={advance()}
          {...invalid("advance")}
          aria-describedby={describedBy("advance", "round-advance-help")}
          onInput={(e) => {
            setAdvance(e.currentTarget.value);
            clear("advance");
          }}
        />
        <FieldError key="advance" />
      </div>

      <Show when={followable().length > 0}>
        <fieldset class="field" classList={{ "has-error": !!errors().from }} aria-describedby="round-from-help">
          <legend id={inputId("from")} tabindex="-1">
            {tr("organiser.rounds.from")}
          </legend>
          <p class="help" id="round-from-help">
            {tr("organiser.rounds.fromHelp")}
          </p>
          <div class="options">
            <For each={followable()}>
              {(r) => (
                <label class="option" classList={{ checked: from().includes(r.id) }}>
                  <input
                    type="checkbox"
                    checked={from().includes(r.id)}
                    data-testid={`round-from-${r.id}`}
                    onChange={(e) => {
                      setFrom(e.currentTarget.checked ? [...from(), r.id] : from().filter((id) => id !== r.id));
                      clear("from");
                    }}
                  />
                  <span>
                    {tr("organiser.rounds.fromItem", { name: pick(r.name, r.nameEn), unit: unitLabel(props.units, r.orgUnit), n: r.advance ?? 0 })}
                  </span>
                </label>
              )}
            </For>
          </div>
          <FieldError key="from" />
        </fieldset>
      </Show>

      <Show when={formError()}>
        <p class="field-error" role="alert" data-testid="round-form-error">
          {formError()}
        </p>
      </Show>
      <button type="submit" class="button button-primary" data-testid="round-submit" disabled={pending()}>
        {pending() ? tr("organiser.creating") : tr("organiser.rounds.create")}
      </button>
      <button type="button" class="button button-secondary" onClick={() => props.onClose()}>
        {tr("organiser.cancelNew")}
      </button>
    </form>
  );
}
