/**
 * A team entry (or a nomination, or a story): the campaign's form, new or to change her entry.
 * The same fields and checks as the registration form; photos go up as she picks them and the
 * form waits for them.
 */
import { For, Show, createSignal, onMount, type JSX } from "solid-js";
import { createStore } from "solid-js/store";
import { Dynamic } from "solid-js/web";
import { A, action, useAction } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { ApiError, client, newIdempotencyKey, parseResponse } from "../api.ts";
import { errorText, tr } from "../i18n.ts";
import type { CampaignDetail, FormField, OrgUnit } from "../types.ts";
import { Field, toAnswers, validate, type FieldValue, type Message } from "./FormFields.tsx";
import { createFormErrors, fieldErrorsFrom, focusField } from "./RegistrationForm.tsx";
import "../contest.css";

export type MyEntry = InferResponseType<typeof client.api.me.entries.$get>["items"][number];
type SentEntry = InferResponseType<(typeof client.api.campaigns)[":id"]["entries"]["$post"]>["entry"];
type Answers = Record<string, unknown>;

export const submitEntry = action(async (input: { campaignId: string; answers: Answers; idempotencyKey: string }) => {
  const { entry } = await parseResponse(
    client.api.campaigns[":id"].entries.$post(
      { param: { id: encodeURIComponent(input.campaignId) }, json: { answers: input.answers } },
      { headers: { "Idempotency-Key": input.idempotencyKey } },
    ),
  );
  return entry;
}, "submitEntry");

export const updateEntry = action(async (input: { entryId: string; answers: Answers }) => {
  const { entry } = await parseResponse(
    client.api.entries[":id"].$patch({ param: { id: encodeURIComponent(input.entryId) }, json: { answers: input.answers } }),
  );
  return entry;
}, "updateEntry");

/** Her answers as the form's inputs hold them: numbers as text, photos as their ids. */
function initialValues(fields: FormField[], answers: Record<string, unknown> | undefined): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  if (!answers) return values;
  for (const f of fields) {
    const v = answers[f.key];
    if (typeof v === "string" || typeof v === "boolean") values[f.key] = v;
    else if (typeof v === "number") values[f.key] = String(v);
    else if (Array.isArray(v)) values[f.key] = v.filter((x): x is string => typeof x === "string");
  }
  return values;
}

export function EntryForm(props: {
  campaign: CampaignDetail;
  units: OrgUnit[];
  /** her entry, to change it; without it a new one */
  entry?: MyEntry;
  onBack: () => void;
  /** after a change was saved (a new entry shows its own result) */
  onSaved?: (entry: MyEntry | SentEntry) => void;
  /** the heading's level: h2 on the campaign page, h3 inside a card of 我的作品 */
  level?: 2 | 3;
}): JSX.Element {
  const fields = () => props.campaign.form.fields;
  const editing = () => !!props.entry;
  const [values, setValues] = createStore<Record<string, FieldValue>>(initialValues(fields(), props.entry?.answers));
  const { fieldErrors, setFieldErrors, formError, setFormError, fieldChanged } = createFormErrors();
  const [pending, setPending] = createSignal(false);
  const [busy, setBusy] = createStore<Record<string, boolean>>({});
  const [sent, setSent] = createSignal<SentEntry>();
  const send = useAction(submitEntry);
  const change = useAction(updateEntry);
  // One key per opened form: a double tap or a retry after a lost answer makes one entry only.
  let idempotencyKey = newIdempotencyKey();
  let heading: HTMLHeadingElement | undefined;
  let errorBox: HTMLDivElement | undefined;
  let resultHeading: HTMLHeadingElement | undefined;

  onMount(() => {
    if (!editing()) window.scrollTo(0, 0);
    heading?.focus();
    heading?.scrollIntoView({ block: "start" });
  });

  const uploading = () => Object.values(busy).some(Boolean);

  const showErrors = (errors: Record<string, Message>, text: Message, code?: string) => {
    setFieldErrors(errors);
    const first = fields().find((f) => errors[f.key]);
    const moved = first ? focusField(first.key) : false;
    setFormError({ text, alert: !moved, ...(code ? { code } : {}) });
    if (!first) errorBox?.scrollIntoView({ block: "center" });
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (pending()) return;
    if (uploading()) {
      setFormError({ text: () => tr("entry.form.waitPhoto"), alert: true });
      return;
    }
    const answers: Answers = toAnswers(fields(), values);
    const errors = validate(fields(), answers);
    if (Object.keys(errors).length) return showErrors(errors, () => tr("VALIDATION"), "VALIDATION");
    // A change merges over what she gave before: an answer she emptied is cleared by a null.
    if (props.entry) {
      for (const f of fields()) if (!(f.key in answers) && props.entry.answers[f.key] !== undefined) answers[f.key] = null;
    }
    setPending(true);
    setFormError(undefined);
    setFieldErrors({});
    try {
      if (props.entry) {
        const entry = await change({ entryId: props.entry.id, answers });
        props.onSaved?.(entry);
      } else {
        const entry = await send({ campaignId: props.campaign.id, answers, idempotencyKey });
        setSent(entry);
        props.onSaved?.(entry);
        window.scrollTo(0, 0);
        resultHeading?.focus();
      }
    } catch (error) {
      if (error instanceof ApiError && error.status > 0) idempotencyKey = newIdempotencyKey();
      const code = error instanceof ApiError ? error.code : undefined;
      const perField = error instanceof ApiError && error.status === 422 ? fieldErrorsFrom(error.details) : {};
      showErrors(perField, () => errorText(error), code);
    } finally {
      setPending(false);
    }
  };

  return (
    <Show
      when={sent()}
      fallback={
        <form class="registration-form entry-form" onSubmit={onSubmit} novalidate data-testid="entry-form">
          <Dynamic component={props.level === 3 ? "h3" : "h2"} ref={heading} tabindex="-1">
            {editing() ? tr("entry.form.editTitle") : tr("entry.form.title")}
          </Dynamic>
          <For each={fields()}>
            {(field) => (
              <Field
                field={field}
                value={values[field.key]}
                error={fieldErrors()[field.key]?.()}
                units={props.units}
                onBusy={(b) => setBusy(field.key, b)}
                onChange={(value) => {
                  setValues(field.key, value);
                  fieldChanged(field.key);
                }}
              />
            )}
          </For>
          <Show when={formError()}>
            {(err) => (
              <div class="notice notice-error" role={err().alert ? "alert" : undefined} ref={errorBox} data-testid="form-error">
                <p>{err().text()}</p>
                <Show when={err().code === "ENTRY_LIMIT"}>
                  <A href="/me/entries" class="button button-secondary" data-testid="go-to-my-entries">
                    {tr("nav.myEntries")}
                  </A>
                </Show>
              </div>
            )}
          </Show>
          <button type="submit" class="button button-primary" disabled={pending()} data-testid="submit-entry">
            {pending() ? tr("form.submitting") : editing() ? tr("entry.form.save") : tr("entry.form.submit")}
          </button>
          <button type="button" class="button button-secondary" onClick={() => props.onBack()} data-testid="entry-back">
            {editing() ? tr("entry.form.cancelEdit") : tr("entry.form.back")}
          </button>
        </form>
      }
    >
      <section class="result" data-testid="entry-result">
        <div class="notice notice-success">
          <Dynamic component={props.level === 3 ? "h3" : "h2"} ref={resultHeading} tabindex="-1">
            {tr("entry.done.title")}
          </Dynamic>
          <p>{tr("entry.done.help")}</p>
        </div>
        <A href="/me/entries" class="button button-primary" data-testid="go-to-my-entries">
          {tr("entry.done.view")}
        </A>
        <button type="button" class="button button-secondary" onClick={() => props.onBack()}>
          {tr("entry.done.back")}
        </button>
      </section>
    </Show>
  );
}
