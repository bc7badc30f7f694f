import { For, Match, Show, Switch, createSignal, onMount, untrack, type JSX } from "solid-js";
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

/** A session she holds: her live registration of it (confirmed, or waiting with her place in line). */
export interface Held {
  id: string;
  status: "confirmed" | "waitlisted";
  position?: number;
}

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

/**
 * What a form says is wrong: per field, and one notice over the form. A field's message goes as
 * soon as she changes that field; the "please check the marked fields" notice once none is left.
 */
export function createFormErrors() {
  const [fieldErrors, setFieldErrors] = createSignal<Record<string, Message>>({});
  const [formError, setFormError] = createSignal<{ text: Message; alert: boolean; code?: string }>();
  const fieldChanged = (key: string) => {
    if (!fieldErrors()[key]) return;
    const { [key]: _gone, ...rest } = fieldErrors();
    setFieldErrors(rest);
    if (Object.keys(rest).length === 0 && formError()?.code === "VALIDATION") setFormError(undefined);
  };
  return { fieldErrors, setFieldErrors, formError, setFormError, fieldChanged };
}

export function RegistrationForm(props: {
  campaign: CampaignDetail;
  session: SessionView;
  units: OrgUnit[];
  /** her live registration of this session, if any: then there is nothing to fill in */
  held?: Held | undefined;
  /** the number she signed in with in this tab (session.ts), to fill in her phone */
  phone?: string | undefined;
  onBack: () => void;
}): JSX.Element {
  const fields = () => props.campaign.form.fields;
  // Her own number, where the form asks for a phone: the first such field, which she may change.
  const phoneField = untrack(() => fields().find((f) => f.type === "phone"));
  const prefilled = untrack(() => props.phone);
  const [values, setValues] = createStore<Record<string, FieldValue>>(
    phoneField && prefilled ? { [phoneField.key]: prefilled } : {},
  );
  // Taken when the form opens: full with a waitlist, she is joining the line, and the form says so
  // before she commits (the numbers follow the campaign as it is fetched again).
  const waitlisting = () => props.session.seatsLeft <= 0 && props.session.waitlist;
  const { fieldErrors, setFieldErrors, formError, setFormError, fieldChanged } = createFormErrors();
  const [pending, setPending] = createSignal(false);
  const [result, setResult] = createSignal<Registration>();
  // Once she has sent it, the session becomes hers: the form stays for its own result.
  const [sent, setSent] = createSignal(false);
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
    setSent(true);
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

  const form = () => (
    <form class="registration-form" onSubmit={onSubmit} novalidate data-testid="registration-form" data-waitlist={waitlisting() ? "true" : undefined}>
      <h2 ref={heading} tabindex="-1">
        {waitlisting() ? tr("form.waitlistTitle") : tr("form.title")}
      </h2>
      <SessionSummary session={props.session} />
      <Show when={waitlisting()}>
        <WaitlistExplained session={props.session} />
      </Show>
      <For each={fields()}>
        {(field) => (
          <Field
            field={field}
            value={values[field.key]}
            error={fieldErrors()[field.key]?.()}
            note={field === phoneField && prefilled && values[field.key] === prefilled ? tr("form.phonePrefilled") : undefined}
            units={props.units}
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
            <Show when={err().code === "ALREADY_REGISTERED"}>
              <A href="/me/registrations" class="button button-secondary">
                {tr("mine.title")}
              </A>
            </Show>
          </div>
        )}
      </Show>
      <button
        type="submit"
        class="button"
        classList={{ "button-primary": !waitlisting(), "button-warn": waitlisting() }}
        disabled={pending()}
        data-testid="submit-registration"
      >
        {pending() ? tr("form.submitting") : waitlisting() ? tr("form.submitWaitlist") : tr("form.submit")}
      </button>
      <button type="button" class="button button-secondary" onClick={() => props.onBack()} data-testid="change-session">
        {tr("form.changeSession")}
      </button>
    </form>
  );

  return (
    <Show
      when={result()}
      fallback={
        <Show when={!sent() && props.held} fallback={form()}>
          {(held) => (
            <section class="registration-form" data-testid="registration-held">
              <h2 ref={heading} tabindex="-1">
                {tr("form.heldTitle")}
              </h2>
              <SessionSummary session={props.session} />
              <HeldNote held={held()} testId="form-held" />
              <button type="button" class="button button-secondary" onClick={() => props.onBack()} data-testid="change-session">
                {tr("form.changeSession")}
              </button>
            </section>
          )}
        </Show>
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
                <p>{tr("form.successSession", { title: pick(props.session.title, props.session.titleEn) })}</p>
                <p>{tr("form.waitlistedHelp")}</p>
              </div>
            </Match>
          </Switch>
          {/* A seat: straight to her ticket (opening it also keeps it on the phone for the hall). */}
          <A
            href={registration().status === "confirmed" ? `/me/tickets/${encodeURIComponent(registration().id)}` : "/me/registrations"}
            class="button button-primary"
            data-testid="go-to-ticket"
          >
            {registration().status === "confirmed" ? tr("form.viewTicket") : tr("mine.title")}
          </A>
          <button type="button" class="button button-secondary" onClick={() => props.onBack()}>
            {tr("form.backToCampaign")}
          </button>
        </section>
      )}
    </Show>
  );
}

function SessionSummary(props: { session: SessionView }): JSX.Element {
  return (
    <div class="card session-summary">
      <p class="card-title">{pick(props.session.title, props.session.titleEn)}</p>
      <p class="card-line">{tr("campaign.time", { time: formatTimeRange(props.session.startsAt, props.session.endsAt) })}</p>
      <p class="card-line">{tr("campaign.venue", { venue: props.session.venue })}</p>
    </div>
  );
}

/**
 * Before she commits to a full session: she is joining the line, not taking a seat; how many
 * are ahead of her; what happens next.
 */
function WaitlistExplained(props: { session: SessionView }): JSX.Element {
  const ahead = () => props.session.waiting;
  return (
    <div class="notice notice-warn waitlist-explained" data-testid="waitlist-explained">
      <p class="waitlist-headline">{tr("form.waitlist.headline")}</p>
      <ul>
        <li data-testid="waitlist-ahead">
          {ahead() > 0 ? tr("form.waitlist.ahead", { n: ahead(), place: ahead() + 1 }) : tr("form.waitlist.nobodyAhead")}
        </li>
        <li>{tr("form.waitlist.howSeatsCome")}</li>
        <li>{tr("form.waitlist.sms")}</li>
      </ul>
    </div>
  );
}

/** 已报名 / 候补中 on a session she holds, and the way to her registration: not a second sign-up. */
export function HeldNote(props: { held: Held; testId?: string }): JSX.Element {
  return (
    <>
      <p class={`held held-${props.held.status}`} data-testid={props.testId}>
        <Show when={props.held.status === "confirmed"}>
          <span aria-hidden="true">✓ </span>
        </Show>
        {props.held.status === "confirmed"
          ? tr("campaign.held")
          : props.held.position
            ? tr("campaign.heldWaitlist", { n: props.held.position })
            : tr("campaign.heldWaitlistNoPosition")}
      </p>
      <A href="/me/registrations" class="button button-secondary">
        {tr("campaign.heldLink")}
      </A>
    </>
  );
}
