import { For, Match, Show, Switch, createSignal, onCleanup, onMount, type JSX } from "solid-js";
import { A, Navigate, action, createAsync, query, revalidate, useAction, useLocation } from "@solidjs/router";
import { createAsyncStore } from "../async-store.ts";
import { client, isOffline, parseResponse, patience } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { formatDateTime } from "../format.ts";
import { getMe } from "../session.ts";
import { Loading } from "../components/Layout.tsx";
import { ConfirmBox } from "../components/ConfirmBox.tsx";
import {
  findHolder,
  saveRegistrations,
  saveTicket,
  savedRegistrations,
  savedTicket,
  type SavedRegistration,
} from "../ticket-store.ts";
import "../ticket.css";

/** A request she waits for at most this long before what is kept on the phone shows instead. */
export const PATIENCE_MS = 10_000;

export const getMyRegistrations = query(async () => {
  const { items } = await parseResponse(client.api.me.registrations.$get({ query: { limit: "100" } }, patience(PATIENCE_MS)));
  return items;
}, "myRegistrations");

/** One ticket from the server (not through the router's cache: each look is fresh, and kept on the phone). */
export function fetchTicket(id: string) {
  return parseResponse(client.api.registrations[":id"].ticket.$get({ param: { id: encodeURIComponent(id) } }, patience(PATIENCE_MS)));
}

export const cancelRegistration = action(async (id: string) => {
  const { registration } = await parseResponse(client.api.registrations[":id"].$delete({ param: { id: encodeURIComponent(id) } }));
  return registration;
}, "cancelRegistration");

export function preloadMyRegistrations(): void {
  // Only worth it when signed in; a 401 here is simply ignored (the page sends to sign-in).
  void getMyRegistrations().catch(() => undefined);
}

/** Who holds the phone, offline too (the router keeps it while a page uses it). */
export const getHolder = () => findHolder(getMe);

/** Back on the network: ask again for who she is and for her list. */
export function onBackOnline(again: () => void): void {
  onMount(() => {
    window.addEventListener("online", again);
    onCleanup(() => window.removeEventListener("online", again));
  });
}

export const askAgain = () => revalidate([getMe.key, getMyRegistrations.key]);

/** Tickets for sessions still to come are kept on the phone as soon as she sees her list, a few a visit. */
const KEEP_AHEAD = 5;
const STILL_USEFUL_MS = 12 * 60 * 60 * 1000;

/**
 * The door is where a ticket is needed and often where the signal is not: the tickets of her
 * coming sessions are fetched and kept now, while there is a network, not only those she opened.
 */
async function keepTicketsAhead(userId: string, items: readonly SavedRegistration[]): Promise<void> {
  const coming = items.filter(
    (r) =>
      r.status === "confirmed" &&
      !r.checkedInAt &&
      (!r.session || Date.parse(r.session.endsAt ?? r.session.startsAt) > Date.now() - STILL_USEFUL_MS) &&
      !savedTicket(userId, r.id),
  );
  for (const r of coming.slice(0, KEEP_AHEAD)) {
    try {
      saveTicket(userId, r.id, await fetchTicket(r.id));
    } catch {
      return; // the network went, or the server said no: the next visit tries again
    }
  }
}

function statusText(r: SavedRegistration): string {
  if (r.status === "cancelled") return tr("mine.status.cancelled");
  if (r.status === "waitlisted")
    return r.position ? tr("mine.status.waitlisted", { n: r.position }) : tr("mine.status.waitlistedNoPosition");
  return r.checkedInAt ? tr("mine.status.checkedIn") : tr("mine.status.confirmed");
}

/** Back to the campaign with the same session chosen (the campaign page reads `?session=`). */
export const reregisterHref = (r: { campaignId: string; sessionId: string }) =>
  `/campaigns/${encodeURIComponent(r.campaignId)}?session=${encodeURIComponent(r.sessionId)}`;

function RegistrationCard(props: { registration: SavedRegistration; live: boolean }): JSX.Element {
  const r = () => props.registration;
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

      <Switch>
        <Match when={r().status === "confirmed"}>
          <A href={`/me/tickets/${encodeURIComponent(r().id)}`} class="button button-primary ticket-open" data-testid="show-ticket">
            {tr("ticket.open")}
          </A>
        </Match>
        <Match when={r().status === "waitlisted"}>
          <p class="card-line ticket-wait" data-testid="registration-waitlist">
            {r().position ? tr("ticket.mineWaitlisted", { n: r().position ?? 0 }) : tr("ticket.mineWaitlistedNoPlace")}
          </p>
        </Match>
        <Match when={r().status === "cancelled"}>
          <p class="card-line">{tr("ticket.mineCancelled")}</p>
          <A href={reregisterHref(r())} class="button button-secondary" data-testid="reregister">
            {tr("ticket.reregister")}
          </A>
        </Match>
      </Switch>

      <Show when={props.live && ((r().status === "confirmed" && !r().checkedInAt) || r().status === "waitlisted")}>
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

/**
 * What the list shows: the server's answer (`live`), what was kept on the phone while the answer
 * is on its way (`early`), or what was kept when no answer came (`offline`).
 */
type ListView =
  | { source: "live"; items: SavedRegistration[] }
  | { source: "early"; items: SavedRegistration[]; savedAt: string }
  | { source: "offline"; items: SavedRegistration[]; savedAt?: string };

function offlineView(userId: string | undefined): ListView {
  const kept = userId ? savedRegistrations(userId) : undefined;
  return kept ? { source: "offline", items: kept.value, savedAt: kept.savedAt } : { source: "offline", items: [] };
}

const savedAt = (v: ListView) => (v.source === "live" ? undefined : v.savedAt);

function List(props: { userId: string | undefined; online: boolean }): JSX.Element {
  const kept = props.userId ? savedRegistrations(props.userId) : undefined;
  // What the phone kept shows at once, while the network is slow to answer ("initialValue" must
  // be left out, not undefined, for a list that has nothing kept).
  const early: { initialValue?: ListView } = kept ? { initialValue: { source: "early", items: kept.value, savedAt: kept.savedAt } } : {};
  // A store reconciled by id: after a cancel the list is fetched again and each card keeps its state.
  const view = createAsyncStore<ListView>(
    async () => {
      if (!props.online || !props.userId) return offlineView(props.userId);
      const userId = props.userId;
      try {
        const items = await getMyRegistrations();
        saveRegistrations(userId, items);
        void keepTicketsAhead(userId, items);
        return { source: "live", items };
      } catch (error) {
        if (isOffline(error)) return offlineView(userId);
        throw error;
      }
    },
    early,
  );
  onBackOnline(() => void askAgain());

  return (
    // `latest`: the cards stay on screen while a fresh list is on its way.
    <Show when={view.latest}>
      {(v) => (
        <>
          <Show when={v().source === "offline"}>
            <div class="notice notice-warn ticket-offline" role="status" data-testid="mine-offline">
              <p>{v().items.length > 0 ? tr("ticket.mineOffline") : tr("ticket.mineOfflineEmpty")}</p>
              <Show when={v().items.length > 0 && savedAt(v())}>
                {(at) => <p class="ticket-saved-at">{tr("ticket.mineSavedAt", { time: formatDateTime(at()) })}</p>}
              </Show>
              <button type="button" class="button button-secondary" data-testid="mine-retry" onClick={() => void askAgain()}>
                {tr("ticket.retry")}
              </button>
            </div>
          </Show>
          <Show
            when={v().items.length > 0}
            fallback={
              <Show when={v().source === "live"}>
                <div class="notice">
                  <p>{tr("mine.empty")}</p>
                  <A href="/" class="button button-primary">
                    {tr("mine.browse")}
                  </A>
                </div>
              </Show>
            }
          >
            <ul class="cards">
              <For each={v().items}>{(r) => <RegistrationCard registration={r} live={v().source === "live"} />}</For>
            </ul>
          </Show>
        </>
      )}
    </Show>
  );
}

export default function MyRegistrations(): JSX.Element {
  usePageTitle(() => tr("mine.title"));
  const holder = createAsync(() => getHolder());
  const location = useLocation();
  return (
    <div class="page">
      <h1 tabindex="-1">{tr("mine.title")}</h1>
      <Show when={holder() !== undefined} fallback={<Loading />}>
        <Show
          when={holder()}
          keyed
          fallback={<Navigate href={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} />}
        >
          {(h) => <List userId={h.userId} online={h.online} />}
        </Show>
      </Show>
    </div>
  );
}
