import { For, Show, createMemo, onCleanup, onMount, type JSX } from "solid-js";
import { A, createAsync, query, revalidate, useSearchParams } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { client, parseResponse } from "../api.ts";
import { pick, tr, usePageTitle } from "../i18n.ts";
import { formatTimeRange } from "../format.ts";
import { RequireOrganiser } from "../components/RequireOrganiser.tsx";
import { deskStore, queuedCounts } from "../desk-queue.ts";
import "../desk.css";

type Api = typeof client.api.admin;

/** A session whose door she runs, with its counts (`GET /api/admin/door/sessions`). */
export type DoorSession = InferResponseType<Api["door"]["sessions"]["$get"]>["items"][number];
export type DoorPublicSession = DoorSession["session"];
/** One session's door: its campaign, the session and the running count. */
export type DoorInfo = InferResponseType<Api["campaigns"][":id"]["sessions"][":sessionId"]["door"]["$get"]>;

export const getDoorSessions = query(
  (all: boolean) => parseResponse(client.api.admin.door.sessions.$get({ query: all ? { all: "1" } : {} })),
  "doorSessions",
);

export function preloadDoor(): void {
  void getDoorSessions(false).catch(() => undefined);
}

export const stationHref = (campaignId: string, sessionId: string, code?: string) =>
  `/organiser/door/${encodeURIComponent(campaignId)}/${encodeURIComponent(sessionId)}${code ? `?code=${encodeURIComponent(code)}` : ""}`;

/** "已到 12 / 已报名 300": who has come, of the confirmed seats. */
export function Counts(props: { arrived: number; registered: number; testId: string; big?: boolean }): JSX.Element {
  return (
    <p class="desk-counts" classList={{ "desk-counts-big": !!props.big }} data-testid={props.testId}>
      <span class="desk-count">
        {tr("checkin.arrived")} <strong data-testid={`${props.testId}-arrived`}>{props.arrived}</strong>
      </span>
      <span class="desk-count-slash" aria-hidden="true">
        /
      </span>
      <span class="desk-count">
        {tr("checkin.registered")} <strong data-testid={`${props.testId}-registered`}>{props.registered}</strong>
      </span>
    </p>
  );
}

/**
 * The sessions whose door she runs, soonest first, each with its count and one big button.
 * `code`: she came from a ticket's QR and picks the session to check it in at.
 */
export function DoorList(props: { code?: string }): JSX.Element {
  const [search, setSearch] = useSearchParams<{ all?: string }>();
  const all = () => search.all === "1";
  const list = createAsync(() => getDoorSessions(all()));
  // Counts move with every desk: fresh when she comes back from a station (the router would hand
  // back its copy from before), then every 10 s while she looks at the list with a signal.
  const refresh = () => void revalidate(getDoorSessions.keyFor(all()));
  onMount(refresh);
  const timer = setInterval(() => {
    if (document.visibilityState === "visible" && navigator.onLine) refresh();
  }, 10_000);
  onCleanup(() => clearInterval(timer));
  const items = createMemo(() => [...(list()?.items ?? [])].sort((a, b) => Date.parse(a.session.startsAt) - Date.parse(b.session.startsAt)));
  // Scans kept on this phone, not yet uploaded: the station uploads them when it is open.
  const queued = createMemo(() => {
    void list();
    return queuedCounts(deskStore().store);
  });

  return (
    <Show when={list()}>
      <Show
        when={items().length > 0}
        fallback={
          <p class="notice" data-testid="door-empty">
            {tr("checkin.doorEmpty")}
          </p>
        }
      >
        <ul class="cards desk-doors" data-testid="door-sessions">
          <For each={items()}>
            {(item) => {
              const title = () => pick(item.session.title, item.session.titleEn);
              const waiting = () => queued().get(item.session.id) ?? 0;
              return (
                <li class="card desk-door" data-testid={`door-session-${item.session.id}`}>
                  <p class="desk-door-campaign">{pick(item.campaignTitle, item.campaignTitleEn)}</p>
                  <h2 class="desk-door-title">{title()}</h2>
                  <p class="card-line">{formatTimeRange(item.session.startsAt, item.session.endsAt)}</p>
                  <p class="card-line">{item.session.venue}</p>
                  <Counts arrived={item.arrived} registered={item.registered} testId={`door-count-${item.session.id}`} />
                  <Show when={waiting() > 0}>
                    <p class="desk-queued-note" data-testid={`door-queued-${item.session.id}`}>
                      {tr("checkin.queuedCount", { count: waiting() })}
                    </p>
                  </Show>
                  <A
                    href={stationHref(item.campaignId, item.session.id, props.code)}
                    class="button button-primary desk-open"
                    data-testid={`door-open-${item.session.id}`}
                    aria-label={tr("checkin.openLabel", { session: title() })}
                  >
                    {tr("checkin.open")}
                  </A>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
      <button
        type="button"
        class="button button-secondary"
        data-testid="door-toggle-all"
        onClick={() => setSearch({ all: all() ? undefined : "1" }, { replace: true })}
      >
        {all() ? tr("checkin.doorShowSoon") : tr("checkin.doorShowAll")}
      </button>
    </Show>
  );
}

export default function Door(): JSX.Element {
  usePageTitle(() => tr("checkin.doorTitle"));
  return (
    <div class="page desk">
      <p>
        <A href="/organiser" class="back-link" data-testid="back-to-organiser">
          <span aria-hidden="true">‹</span> {tr("checkin.backToOrganiser")}
        </A>
      </p>
      <h1 tabindex="-1">{tr("checkin.doorTitle")}</h1>
      <RequireOrganiser>
        {() => (
          <>
            <p class="lead">{tr("checkin.doorIntro")}</p>
            <DoorList />
          </>
        )}
      </RequireOrganiser>
    </div>
  );
}

