import { For, Match, Show, Switch, createSignal, onMount, type JSX } from "solid-js";
import { createStore } from "solid-js/store";
import { A, action, useAction } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { ApiError, client, newIdempotencyKey, parseResponse } from "../api.ts";
import { errorText, fieldErrorText, pick, tr } from "../i18n.ts";
import { formatTimeRange } from "../format.ts";
import type { CampaignDetail, OrgUnit, SessionView } from "../types.ts";
import { Field, fieldId, toAnswers, validate, type Answers, type FieldValue, type Message } from "./FormFields.tsx";

export const register = action(
  async (input: { campaignId: string; sessionId: string; answers: Answers; idempotencyKey: string }) => {
    const { registration } = await parseResponse(
      client.api.campaigns[":id"].registrations.$post(
        { param: { id: encodeURIComponent(input.campaignId) }, json: { sessionId: input.sessionId, answers: input.answers } },
        { headers: { "Idempotency-Key": input.idempotencyKey } },
      ),
    );
    return registration;
  },
  "register",
);

type Registration = InferResponseType<(typeof client.api.campaigns)[":id"]["registrations"]["$post"]>["registration"];

/** A 422's `details.fields`, `{ fieldKey: reason }`, as a message per field. */
export function fieldErrorsFrom(details: unknown): Record<string, Message> {
  const fields = (details as { fields?: Record<string, string> } | undefined)?.fields ?? {};
  return Object.fromEntries(Object.entries(fields).map(([key, reason]) => [key, () => fieldErrorText(reason)]));
}

/** Moves focus to a field; false when it was there already (then nothing new is read out). */
export function focusField(key: string): boolean {
  const el = document.getElementById(fieldId(key));
  const target = (el instanceof HTMLFieldSetElement ? el.querySelector("input") : el) ?? el;
  const moved = !!target && document.activeElement !== target;
  target?.focus();
  el?.scrollIntoView({ block: "center" });
  return moved;
}

export function RegistrationForm(props: {
  campaign: CampaignDetail;
  session: SessionView;
  units: OrgUnit[];
  onBack: () => void;
}): JSX.Element {
  const fields = () => props.campaign.form.fields;
  const [values, setValues] = createStore<Record<string, FieldValue>>({});
  const [fieldErrors, setFieldErrors] = createSignal<Record<string, Message>>({});
  const [formError, setFormError] = createSignal<{ text: Message; alert: boolean; code?: string }>();
  const [pending, setPending] = createSignal(false);
  const [result, setResult] = createSignal<Registration>();
  const send = useAction(register);
  // One key per opened form: a double tap or a retry after a lost answer books one seat only.
  let idempotencyKey = newIdempotencyKey();
  let heading: HTMLHeadingElement | undefined;
  let errorBox: HTMLDivElement | undefined;
  let resultHeading: HTMLHeadingElement | undefined;

  onMount(() => {
    window.scrollTo(0, 0);
    heading?.focus();
  });

  /**
   * One way to tell her, so nothing is read out twice: with marked fields, focus goes to the
   * first (it reads its own error through aria-describedby); otherwise (or when she is in that
   * field already, so focus does not move) the notice is an alert.
   */
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
    const answers = toAnswers(fields(), values);
    const errors = validate(fields(), answers);
    if (Object.keys(errors).length) return showErrors(errors, () => tr("VALIDATION"), "VALIDATION");
    setPending(true);
    setFormError(undefined);
    setFieldErrors({});
    try {
      const registration = await send({
        campaignId: props.campaign.id,
        sessionId: props.session.id,
        answers,
        idempotencyKey,
      });
      setResult(registration);
      resultHeading?.focus();
      window.scrollTo(0, 0);
    } catch (error) {
      // The server answered: this attempt is settled, so a corrected retry is a new request.
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
      when={result()}
      fallback={
        <form class="registration-form" onSubmit={onSubmit} novalidate data-testid="registration-form">
          <h2 ref={heading} tabindex="-1">
            {tr("form.title")}
          </h2>
          <div class="card session-summary">
            <p class="card-title">{pick(props.session.title, props.session.titleEn)}</p>
            <p class="card-line">{tr("campaign.time", { time: formatTimeRange(props.session.startsAt, props.session.endsAt) })}</p>
            <p class="card-line">{tr("campaign.venue", { venue: props.session.venue })}</p>
          </div>
          <For each={fields()}>
            {(field) => (
              <Field
                field={field}
                value={values[field.key]}
                error={fieldErrors()[field.key]?.()}
                units={props.units}
                onChange={(value) => {
                  setValues(field.key, value);
                  if (fieldErrors()[field.key]) {
                    const { [field.key]: _gone, ...rest } = fieldErrors();
                    setFieldErrors(rest);
                    // Everything marked is fixed: the "please check the marked fields" notice goes too.
                    if (Object.keys(rest).length === 0 && formError()?.code === "VALIDATION") setFormError(undefined);
                  }
                }}
              />
            )}
          </For>
          <Show when={formError()}>
            {(err) => (
              <div class="notice notice-error" role={err().alert ? "alert" : undefined} ref={errorBox} data-testid="form-error">
                <p>{err().text()}</p>
                <Show when={err().code === "ALREADY_REGISTERED"}>
                  <A href="/me/registrations" class="button button-secondary">
                    {tr("nav.myRegistrations")}
                  </A>
                </Show>
              </div>
            )}
          </Show>
          <button type="submit" class="button button-primary" disabled={pending()} data-testid="submit-registration">
            {pending() ? tr("form.submitting") : tr("form.submit")}
          </button>
          <button type="button" class="button button-secondary" onClick={() => props.onBack()} data-testid="change-session">
            {tr("form.changeSession")}
          </button>
        </form>
      }
    >
      {(registration) => (
        // Focus goes to the result's heading, which reads it out: no live region on top of that.
        <section class="result" data-testid="registration-result" data-status={registration().status}>
          <Switch>
            <Match when={registration().status === "confirmed"}>
              <div class="notice notice-success">
                <h2 ref={resultHeading} tabindex="-1">
                  {tr("form.success")}
                </h2>
                <p>{tr("form.successSession", { title: pick(props.session.title, props.session.titleEn) })}</p>
                <p>{tr("form.successTime", { time: formatTimeRange(props.session.startsAt, props.session.endsAt) })}</p>
                <p>{tr("form.successHelp")}</p>
              </div>
            </Match>
            <Match when={registration().status === "waitlisted"}>
              <div class="notice notice-warn">
                <h2 ref={resultHeading} tabindex="-1">
                  {registration().position
                    ? tr("form.waitlisted", { n: registration().position ?? 0 })
                    : tr("form.waitlistedNoPosition")}
                </h2>
                <p>{tr("form.waitlistedHelp")}</p>
              </div>
            </Match>
          </Switch>
          <A href="/me/registrations" class="button button-primary" data-testid="go-to-ticket">
            {registration().status === "confirmed" ? tr("form.viewTicket") : tr("nav.myRegistrations")}
          </A>
          <button type="button" class="button button-secondary" onClick={() => props.onBack()}>
            {tr("form.backToCampaign")}
          </button>
        </section>
      )}
    </Show>
  );
}
