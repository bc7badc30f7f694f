/**
 * Her ticket, full screen, for the door: the QR first (on the first screen, fitting 320 px), the
 * code to read aloud, her masked name, the campaign, the session, its time and place. Every
 * ticket she opens is kept on the phone, so in a hall without signal it opens all the same;
 * what was kept shows at once, and the server's answer replaces it when it comes.
 */
import { For, Match, Show, Switch, createSignal, onCleanup, onMount, type JSX } from "solid-js";
import { A, useLocation, useNavigate, useParams } from "@solidjs/router";
import { ApiError, client, isOffline, parseResponse, patience } from "../api.ts";
import { pick, tr, usePageTitle } from "../i18n.ts";
import { formatDateTime, formatTimeRange } from "../format.ts";
import { ErrorPanel, Loading } from "../components/Layout.tsx";
import {
  codeGroups,
  dropTicket,
  holderId,
  saveRegistrations,
  saveTicket,
  savedRegistration,
  savedTicket,
  type SavedRegistration,
  type SavedSession,
  type SavedTicket,
} from "../ticket-store.ts";
import { PATIENCE_MS, askAgain, fetchTicket, getHolder, getMyRegistrations, onBackOnline, reregisterHref } from "./MyRegistrations.tsx";
import "../ticket.css";

/** What the page shows. `offline`: what was kept, because no answer came. */
type View =
  | { kind: "loading" }
  | { kind: "ticket"; ticket: SavedTicket; listed?: SavedRegistration; savedAt?: string; offline: boolean }
  | { kind: "offlineNotSaved" }
  | { kind: "cancelled"; campaignId: string; sessionId: string }
  | { kind: "notFound" }
  | { kind: "error"; error: unknown };

/** The fields the server may not send yet (door-design.md): filled from her list when missing. */
function complete(ticket: SavedTicket, listed: SavedRegistration | undefined): SavedTicket {
  if (!listed) return ticket;
  return {
    ...ticket,
    campaignId: ticket.campaignId ?? listed.campaignId,
    campaignTitle: ticket.campaignTitle || listed.campaignTitle,
    campaignTitleEn: ticket.campaignTitleEn ?? listed.campaignTitleEn,
    session: ticket.session ?? listed.session,
  };
}

const needsList = (t: SavedTicket) => t.status === "waitlisted" || !t.session || !t.campaignTitle;

/** 4 8 2 9 1 3 0 7 5: a screen reader reads each digit, not "four hundred and eighty-two". */
const spelled = (code: string) => code.split("").join(" ");

function TicketView(props: { id: string }): JSX.Element {
  const navigate = useNavigate();
  const location = useLocation();
  // What the phone kept for the one last signed in here shows at once; if someone else turns
  // out to be signed in, findHolder has already dropped it and it is replaced below.
  const first = holderId();
  const kept = first ? savedTicket(first, props.id) : undefined;
  const [view, setView] = createSignal<View>(
    kept ? { kind: "ticket", ticket: kept.value, listed: savedRegistration(first!, props.id), savedAt: kept.savedAt, offline: false } : { kind: "loading" },
  );
  let live = true;
  onCleanup(() => (live = false));
  const show = (v: View) => live && setView(v);

  const fromPhone = (userId: string | undefined): View => {
    const t = userId ? savedTicket(userId, props.id) : undefined;
    if (!t) return { kind: "offlineNotSaved" };
    return { kind: "ticket", ticket: t.value, listed: savedRegistration(userId!, props.id), savedAt: t.savedAt, offline: true };
  };

  const load = async () => {
    const answer = fetchTicket(props.id).then(
      (t) => ({ ok: true as const, t }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    let holder: Awaited<ReturnType<typeof getHolder>>;
    try {
      holder = await getHolder();
    } catch (error) {
      const v = fromPhone(holderId());
      return show(v.kind === "ticket" ? v : { kind: "error", error });
    }
    if (!holder) {
      if (live) navigate(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
      return;
    }
    if (!holder.online || !holder.userId) return show(fromPhone(holder.userId));
    const userId = holder.userId;
    const got = await answer;
    if (got.ok) {
      saveTicket(userId, props.id, { ...got.t, registrationId: props.id });
      const fresh = savedTicket(userId, props.id)?.value;
      if (!fresh) return show({ kind: "error", error: new ApiError(500, "INTERNAL", "unreadable ticket") });
      let listed = savedRegistration(userId, props.id);
      show({ kind: "ticket", ticket: complete(fresh, listed), listed, offline: false });
      if (!needsList(fresh)) return;
      // Her place in line, or what an older server leaves out: from her list.
      try {
        const items = await getMyRegistrations();
        saveRegistrations(userId, items);
        listed = savedRegistration(userId, props.id);
        show({ kind: "ticket", ticket: complete(fresh, listed), listed, offline: false });
      } catch {
        // the ticket shows without them
      }
      return;
    }
    const { error } = got;
    if (isOffline(error)) return show(fromPhone(userId));
    if (error instanceof ApiError && error.status === 401) {
      if (live) navigate(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
      return;
    }
    if (error instanceof ApiError && error.status === 404) {
      // A cancelled registration has no ticket: say so, and offer to sign up again.
      dropTicket(userId, props.id);
      try {
        const { registration } = await parseResponse(
          client.api.registrations[":id"].$get({ param: { id: encodeURIComponent(props.id) } }, patience(PATIENCE_MS)),
        );
        if (registration.status === "cancelled")
          return show({ kind: "cancelled", campaignId: registration.campaignId, sessionId: registration.sessionId });
      } catch {
        // not hers, or gone
      }
      return show({ kind: "notFound" });
    }
    const v = fromPhone(userId);
    show(v.kind === "ticket" ? v : { kind: "error", error });
  };

  onMount(() => void load());
  onBackOnline(() => void askAgain().then(load));

  return (
    <Switch>
      <Match when={view().kind === "loading"}>
        <Loading />
      </Match>
      <Match when={view().kind === "ticket" && (view() as Extract<View, { kind: "ticket" }>)}>
        {(v) => <TicketCard {...v()} />}
      </Match>
      <Match when={view().kind === "offlineNotSaved"}>
        <div class="notice notice-warn" role="status" data-testid="ticket-offline">
          <p>{tr("ticket.offlineNotSaved")}</p>
          <button type="button" class="button button-secondary" onClick={() => void load()}>
            {tr("ticket.retry")}
          </button>
        </div>
        <BackToList />
      </Match>
      <Match when={view().kind === "cancelled" && (view() as Extract<View, { kind: "cancelled" }>)}>
        {(v) => (
          <>
            <section class="notice" data-testid="ticket-cancelled">
              <h2>{tr("ticket.cancelledTitle")}</h2>
              <p>{tr("ticket.cancelledHelp")}</p>
              <A href={reregisterHref(v())} class="button button-primary" data-testid="reregister">
                {tr("ticket.reregister")}
              </A>
            </section>
            <BackToList />
          </>
        )}
      </Match>
      <Match when={view().kind === "notFound"}>
        <div class="notice" data-testid="ticket-not-found">
          <p>{tr("ticket.notFound")}</p>
        </div>
        <BackToList />
      </Match>
      <Match when={view().kind === "error" && (view() as Extract<View, { kind: "error" }>)}>
        {(v) => <ErrorPanel error={v().error} reset={() => void load()} />}
      </Match>
    </Switch>
  );
}

function BackToList(): JSX.Element {
  return (
    <A href="/me/registrations" class="button button-secondary" data-testid="back-to-list">
      {tr("ticket.backToList")}
    </A>
  );
}

function SessionLines(props: { campaignTitle?: string; campaignTitleEn?: string; session?: SavedSession }): JSX.Element {
  return (
    <div class="ticket-where">
      <Show when={props.campaignTitle}>
        <p class="ticket-campaign" data-testid="ticket-campaign">
          {pick(props.campaignTitle ?? "", props.campaignTitleEn)}
        </p>
      </Show>
      <Show when={props.session}>
        {(s) => (
          <>
            <p class="ticket-session" data-testid="ticket-session">
              {pick(s().title, s().titleEn)}
            </p>
            <p data-testid="ticket-time">{tr("campaign.time", { time: formatTimeRange(s().startsAt, s().endsAt) })}</p>
            <p data-testid="ticket-venue">{tr("campaign.venue", { venue: s().venue })}</p>
          </>
        )}
      </Show>
    </div>
  );
}

function TicketCard(props: Extract<View, { kind: "ticket" }>): JSX.Element {
  const t = () => props.ticket;
  return (
    <Switch>
      <Match when={t().status === "waitlisted"}>
        {/* No QR on the waiting list: it would not get her in, and would only confuse the door. */}
        <article class="ticket-page" data-testid="ticket" data-status="waitlisted">
          <section class="notice notice-warn" data-testid="ticket-waitlisted">
            <h2>{tr("ticket.waitlistedTitle")}</h2>
            <p>
              {props.listed?.position
                ? tr("ticket.waitlistedPlace", { n: props.listed.position })
                : tr("ticket.waitlistedNoPlace")}
            </p>
          </section>
          <SessionLines campaignTitle={t().campaignTitle} campaignTitleEn={t().campaignTitleEn} session={t().session} />
          <OfflineNote {...props} />
          <BackToList />
        </article>
      </Match>
      <Match when={t().status !== "waitlisted"}>
        <article class="ticket-page" data-testid="ticket" data-status={t().status}>
          <div class="ticket-box">
            {/* The SVG is made by our own server from the ticket code (and checked when read back
                from the phone's storage); nothing a user typed is in it. */}
            <div class="ticket-qr" data-testid="ticket-qr" role="img" aria-label={tr("ticket.qrLabel")} innerHTML={t().qr} />
            <p class="ticket-digits-label" aria-hidden="true">
              {tr("ticket.codeLabel")}
            </p>
            <p
              class="ticket-digits"
              data-testid="ticket-code"
              role="img"
              aria-label={`${tr("ticket.codeLabel")} ${spelled(t().ticketCode)}`}
            >
              <For each={codeGroups(t().ticketCode)}>{(group) => <span>{group}</span>}</For>
            </p>
            <Show when={t().name}>
              <p class="ticket-name" data-testid="ticket-name">
                {tr("ticket.name", { name: t().name ?? "" })}
              </p>
            </Show>
            <Show when={t().checkedInAt ?? props.listed?.checkedInAt}>
              {(at) => (
                <p class="status status-confirmed" data-testid="ticket-checked-in">
                  {tr("ticket.checkedIn", { time: formatDateTime(at()) })}
                </p>
              )}
            </Show>
          </div>
          <OfflineNote {...props} />
          <SessionLines campaignTitle={t().campaignTitle} campaignTitleEn={t().campaignTitleEn} session={t().session} />
          <p class="ticket-help">{tr("ticket.help")}</p>
          <BackToList />
        </article>
      </Match>
    </Switch>
  );
}

function OfflineNote(props: { offline: boolean; savedAt?: string }): JSX.Element {
  return (
    <Show when={props.offline}>
      <p class="ticket-offline" role="status" data-testid="ticket-offline">
        {tr("ticket.savedOffline", { time: formatDateTime(props.savedAt) })}
      </p>
    </Show>
  );
}

export default function Ticket(): JSX.Element {
  usePageTitle(() => tr("ticket.title"));
  const params = useParams<{ registrationId: string }>();
  return (
    <div class="page ticket-screen">
      <h1 tabindex="-1" class="ticket-title">
        {tr("ticket.title")}
      </h1>
      {/* A new ticket (another id in the address) starts afresh. */}
      <Show when={params.registrationId} keyed>
        {(id) => <TicketView id={id} />}
      </Show>
    </div>
  );
}
