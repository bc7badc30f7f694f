import { For, Match, Show, Suspense, Switch, createSignal, type JSX } from "solid-js";
import { A, action, createAsync, createAsyncStore, query, useAction } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { client, parseResponse } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { formatDateTime } from "../format.ts";
import { RequireSignIn } from "../components/RequireSignIn.tsx";
import { Loading } from "../components/Layout.tsx";
import { ConfirmBox } from "../components/ConfirmBox.tsx";

export const getMyRegistrations = query(async () => {
  const { items } = await parseResponse(client.api.me.registrations.$get({ query: { limit: "100" } }));
  return items;
}, "myRegistrations");

type MyRegistration = InferResponseType<typeof client.api.me.registrations.$get>["items"][number];

export const getTicket = query(
  (id: string) => parseResponse(client.api.registrations[":id"].ticket.$get({ param: { id: encodeURIComponent(id) } })),
  "ticket",
);

export const cancelRegistration = action(async (id: string) => {
  const { registration } = await parseResponse(client.api.registrations[":id"].$delete({ param: { id: encodeURIComponent(id) } }));
  return registration;
}, "cancelRegistration");

export function preloadMyRegistrations(): void {
  // Only worth it when signed in; a 401 here is simply ignored (the page sends to sign-in).
  void getMyRegistrations().catch(() => undefined);
}

function statusText(r: MyRegistration): string {
  if (r.status === "cancelled") return tr("mine.status.cancelled");
  if (r.status === "waitlisted")
    return r.position ? tr("mine.status.waitlisted", { n: r.position }) : tr("mine.status.waitlistedNoPosition");
  return r.checkedInAt ? tr("mine.status.checkedIn") : tr("mine.status.confirmed");
}

function TicketPanel(props: { registration: MyRegistration }): JSX.Element {
  const ticket = createAsync(() => getTicket(props.registration.id));
  return (
    <Suspense fallback={<Loading />}>
      <Show when={ticket()}>
        {(t) => (
          <div class="ticket" data-testid="ticket">
            <h3>{tr("mine.ticketTitle")}</h3>
            {/* The SVG is made by our own server from the ticket code; nothing a user typed is in it. */}
            <div class="qr" data-testid="ticket-qr" role="img" aria-label={tr("mine.qrLabel")} innerHTML={t().qr} />
            <p class="ticket-code-label">{tr("mine.ticketCode")}</p>
            <p class="ticket-code" data-testid="ticket-code">
              {t().ticketCode}
            </p>
            <p>{tr("mine.ticketHelp")}</p>
          </div>
        )}
      </Show>
    </Suspense>
  );
}

function RegistrationCard(props: { registration: MyRegistration }): JSX.Element {
  const r = () => props.registration;
  const [showTicket, setShowTicket] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [done, setDone] = createSignal(false);
  const cancel = useAction(cancelRegistration);
  let cancelButton: HTMLButtonElement | undefined;

  const onConfirm = async () => {
    if (pending()) return;
    setPending(true);
    setError(undefined);
    try {
      await cancel(r().id);
      setConfirming(false);
      setShowTicket(false);
      setDone(true);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setPending(false);
    }
  };

  return (
    <li class="card registration" data-testid="registration-card" data-status={r().status} data-id={r().id}>
      <h2 class="card-title">{pick(r().campaignTitle, r().campaignTitleEn)}</h2>
      <Show when={r().session}>
        {(s) => (
          <>
            <p class="card-line">
              <strong>{pick(s().title, s().titleEn)}</strong>
            </p>
            <p class="card-line">{tr("campaign.time", { time: formatDateTime(s().startsAt) })}</p>
            <p class="card-line">{tr("campaign.venue", { venue: s().venue })}</p>
          </>
        )}
      </Show>
      <p class={`status status-${r().status}`} data-testid="registration-status">
        {statusText(r())}
      </p>
      <div aria-live="polite">
        <Show when={done() && r().status === "cancelled"}>
          <p class="info">{tr("mine.cancelledDone")}</p>
        </Show>
      </div>

      <Show when={r().status === "confirmed"}>
        <button
          type="button"
          class="button button-primary"
          data-testid="show-ticket"
          aria-expanded={showTicket()}
          onClick={() => setShowTicket(!showTicket())}
        >
          {showTicket() ? tr("mine.hideTicket") : tr("mine.showTicket")}
        </button>
        <Show when={showTicket()}>
          <TicketPanel registration={r()} />
        </Show>
      </Show>

      <Show when={(r().status === "confirmed" && !r().checkedInAt) || r().status === "waitlisted"}>
        <Switch>
          <Match when={!confirming()}>
            <button
              ref={cancelButton}
              type="button"
              class="button button-secondary"
              data-testid="cancel-registration"
              onClick={() => {
                setConfirming(true);
              }}
            >
              {r().status === "waitlisted" ? tr("mine.cancelWaitlist") : tr("mine.cancel")}
            </button>
          </Match>
          <Match when={confirming()}>
            <ConfirmBox
              id={r().id}
              question={tr("mine.confirmCancel")}
              yes={tr("mine.confirmYes")}
              pendingYes={tr("mine.cancelling")}
              no={tr("mine.confirmNo")}
              pending={pending()}
              yesTestId="confirm-cancel"
              noTestId="keep-registration"
              onYes={onConfirm}
              onNo={() => {
                setConfirming(false);
                setError(undefined);
                cancelButton?.focus();
              }}
            />
          </Match>
        </Switch>
      </Show>
      <Show when={error()}>
        <p class="field-error" role="alert">
          {error()}
        </p>
      </Show>
    </li>
  );
}

function List(): JSX.Element {
  // A store reconciled by id: after a cancel the list is fetched again and each card keeps its state.
  const items = createAsyncStore(() => getMyRegistrations());
  return (
    <Show when={items()}>
      {(list) => (
        <Show
          when={list().length > 0}
          fallback={
            <div class="notice">
              <p>{tr("mine.empty")}</p>
              <A href="/" class="button button-primary">
                {tr("mine.browse")}
              </A>
            </div>
          }
        >
          <ul class="cards">
            <For each={list()}>{(r) => <RegistrationCard registration={r} />}</For>
          </ul>
        </Show>
      )}
    </Show>
  );
}

export default function MyRegistrations(): JSX.Element {
  usePageTitle(() => tr("mine.title"));
  return (
    <div class="page">
      <h1 tabindex="-1">{tr("mine.title")}</h1>
      <RequireSignIn>{() => <List />}</RequireSignIn>
    </div>
  );
}
