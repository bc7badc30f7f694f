import { For, Match, Show, Suspense, Switch, createEffect, createMemo, on, type JSX } from "solid-js";
import type { MessageKey } from "@jinguo/core/messages";
import {
  A,
  createAsync,
  query,
  useNavigate,
  useParams,
  useSearchParams,
  type RoutePreloadFuncArgs,
} from "@solidjs/router";
import { ApiError, client, parseResponse } from "../api.ts";
import { pick, tr, usePageTitle } from "../i18n.ts";
import { formatDate, formatTimeRange, isPast } from "../format.ts";
import { getMe, getOrgUnits, signInPhone } from "../session.ts";
import { getCampaign } from "../campaigns.ts";
import type { CampaignDetail, OrgUnit, SessionView } from "../types.ts";
import { CampaignPhaseBadge, phaseKey, unitName } from "../components/CampaignCards.tsx";
import { placeName } from "../components/FormFields.tsx";
import { HeldNote, RegistrationForm, type Held } from "../components/RegistrationForm.tsx";
import { EntryForm } from "../components/EntryForm.tsx";
import { ResultsSection, getResults } from "../components/Results.tsx";
import { Gallery } from "../components/Gallery.tsx";

export { getCampaign };

/**
 * The sessions she holds (confirmed or waitlisted), by campaign and session: their cards say so
 * instead of offering to register again. Signed out, none.
 */
export const getHeldSessions = query(async (): Promise<Record<string, Held>> => {
  try {
    const { items } = await parseResponse(client.api.me.registrations.$get({ query: { limit: "100" } }));
    const held: Record<string, Held> = {};
    for (const r of items) {
      if (r.status === "cancelled") continue;
      held[heldKey(r.campaignId, r.sessionId)] = { id: r.id, status: r.status, ...(r.position ? { position: r.position } : {}) };
    }
    return held;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return {};
    throw error;
  }
}, "heldSessions");

const heldKey = (campaignId: string, sessionId: string) => `${campaignId}/${sessionId}`;

export function preloadCampaign({ params }: RoutePreloadFuncArgs): void {
  if (params.id) void getCampaign(params.id);
  void getOrgUnits();
  void getMe()
    .then((user) => (user ? getHeldSessions() : undefined))
    .catch(() => undefined);
}

type SessionState = "open" | "waitlist" | "full" | "past" | "closed";

function sessionState(campaign: CampaignDetail, session: SessionView): SessionState {
  if (isPast(session.startsAt)) return "past";
  if (!campaign.intake.open) return "closed";
  if (session.seatsLeft > 0) return "open";
  return session.waitlist ? "waitlist" : "full";
}

function SessionCard(props: {
  campaign: CampaignDetail;
  session: SessionView;
  held: Held | undefined;
  onChoose: (session: SessionView) => void;
}): JSX.Element {
  const state = () => sessionState(props.campaign, props.session);
  return (
    <li
      class="card session"
      id={`session-${props.session.id}`}
      data-testid={`session-${props.session.id}`}
      data-state={state()}
      data-held={props.held?.status}
    >
      <h3 class="card-title">{pick(props.session.title, props.session.titleEn)}</h3>
      <p class="card-line when">{formatTimeRange(props.session.startsAt, props.session.endsAt)}</p>
      <p class="card-line">{tr("campaign.venue", { venue: props.session.venue })}</p>
      <Show
        when={props.held}
        fallback={
          <>
            <p class={`seats seats-${state()}`} data-testid={`session-seats-${props.session.id}`}>
              <Switch>
                <Match when={state() === "open"}>{tr("campaign.seatsLeft", { n: props.session.seatsLeft })}</Match>
                <Match when={state() === "waitlist"}>
                  {props.session.waiting > 0
                    ? tr("campaign.fullWaitlist", { n: props.session.waiting })
                    : tr("campaign.fullWaitlistEmpty")}
                </Match>
                <Match when={state() === "full"}>{tr("campaign.full")}</Match>
                <Match when={state() === "past"}>{tr("campaign.sessionPast")}</Match>
                <Match when={state() === "closed"}>
                  {props.session.seatsLeft > 0
                    ? tr("campaign.seatsLeft", { n: props.session.seatsLeft })
                    : tr("campaign.full")}
                </Match>
              </Switch>
            </p>
            <Show when={state() === "open" || state() === "waitlist"}>
              <button
                type="button"
                class="button"
                classList={{ "button-primary": state() === "open", "button-warn": state() === "waitlist" }}
                data-testid={`session-register-${props.session.id}`}
                onClick={() => props.onChoose(props.session)}
              >
                {state() === "open" ? tr("campaign.register") : tr("campaign.joinWaitlist")}
              </button>
            </Show>
          </>
        }
      >
        {(held) => <HeldNote held={held()} testId={`session-held-${props.session.id}`} />}
      </Show>
    </li>
  );
}

interface Place {
  id: string;
  name: string;
}

/**
 * Where the sessions are, at the level that tells them apart: the cities of a tour of the
 * province, the districts of one city's series. Undefined when they are all in one place (or
 * the units did not load): then there is nothing to filter. A session's place is its unit,
 * else the campaign's; one whose unit is above that level is shown under every place.
 */
function placesOf(
  c: CampaignDetail,
  units: OrgUnit[] | undefined,
): { places: Place[]; placeOf: (s: SessionView) => string | undefined } | undefined {
  const sessions = c.sessions ?? [];
  if (!units?.length || sessions.length < 2) return undefined;
  const byId = new Map(units.map((u) => [u.id, u]));
  for (const level of ["city", "county"] as const) {
    const at = (id: string): OrgUnit | undefined => {
      let unit = byId.get(id);
      while (unit && unit.level !== level) unit = unit.parent ? byId.get(unit.parent) : undefined;
      return unit;
    };
    const placeOf = (s: SessionView) => at(s.orgUnit ?? c.orgUnit)?.id;
    const ids = new Set(sessions.map(placeOf).filter((id): id is string => !!id));
    if (ids.size < 2) continue;
    // In the federation's own order of its units, the one people know.
    const places = units.filter((u) => ids.has(u.id)).map((u) => ({ id: u.id, name: placeName(u) }));
    return { places, placeOf };
  }
  return undefined;
}

/** 全部 and one big button per place; the choice is in the address (`?city=`), so back and a shared link keep it. */
function PlaceFilter(props: { places: Place[]; chosen: string | undefined; onChoose: (id: string | undefined) => void }): JSX.Element {
  return (
    <div class="place-filter" role="group" aria-labelledby="place-filter-label" data-testid="city-filter">
      <p class="label-like" id="place-filter-label">
        {tr("campaign.filter.label")}
      </p>
      <div class="chips">
        <button
          type="button"
          class="chip"
          aria-pressed={props.chosen === undefined ? "true" : "false"}
          data-testid="city-all"
          onClick={() => props.onChoose(undefined)}
        >
          {tr("campaign.filter.all")}
        </button>
        <For each={props.places}>
          {(place) => (
            <button
              type="button"
              class="chip"
              aria-pressed={props.chosen === place.id ? "true" : "false"}
              data-testid={`city-${place.id}`}
              onClick={() => props.onChoose(place.id)}
            >
              {place.name}
            </button>
          )}
        </For>
      </div>
    </div>
  );
}

function Schedule(props: { campaign: CampaignDetail }): JSX.Element {
  return (
    <Show when={props.campaign.phases.length > 0}>
      <section class="group">
        <h2>{tr("campaign.schedule")}</h2>
        <ul class="schedule">
          <For each={props.campaign.phases}>
            {(phase) => (
              <li classList={{ current: phase.name === props.campaign.phase }}>
                <strong>{tr(phaseKey(phase.name))}</strong>
                <span>{tr("campaign.window", { from: formatDate(phase.opensAt), to: formatDate(phase.closesAt) })}</span>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}

const has = (c: CampaignDetail, capability: string) => (c.capabilities as readonly string[]).includes(capability);

/** What taking part is called, by what she enters. */
function entryCta(c: CampaignDetail): MessageKey {
  switch (c.kind) {
    case "selection":
      return "entry.cta.selection";
    case "collection":
      return "entry.cta.collection";
    default:
      return "entry.cta.contest";
  }
}

function Sessions(props: {
  campaign: CampaignDetail;
  units: OrgUnit[] | undefined;
  held: Record<string, Held> | undefined;
  city: string | undefined;
  onCity: (id: string | undefined) => void;
  onChoose: (session: SessionView) => void;
}): JSX.Element {
  const c = () => props.campaign;
  const where = createMemo(() => placesOf(c(), props.units));
  // A `?city=` that is not one of the places (an old link) shows them all.
  const city = () => (where()?.places.some((p) => p.id === props.city) ? props.city : undefined);
  const shown = createMemo(() => {
    const all = c().sessions ?? [];
    const w = where();
    const chosen = city();
    if (!w || !chosen) return all;
    return all.filter((s) => {
      const place = w.placeOf(s);
      return place === chosen || place === undefined;
    });
  });
  return (
    <section class="group" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">{tr("campaign.sessions")}</h2>
      <Show
        when={c().intake.open}
        fallback={
          <p class="notice">
            {tr(c().intake.opensAt && !isPast(c().intake.opensAt) ? "campaign.notOpenYet" : "campaign.registrationClosed")}
          </p>
        }
      >
        <p>{tr("campaign.sessionsHelp")}</p>
      </Show>
      <Show when={(c().sessions ?? []).length > 0} fallback={<p class="notice">{tr("campaign.noSessions")}</p>}>
        <Show when={where()}>
          {(w) => (
            <>
              <PlaceFilter places={w().places} chosen={city()} onChoose={props.onCity} />
              <p class="filter-count" aria-live="polite" data-testid="city-count">
                {city()
                  ? tr("campaign.filter.count", { n: shown().length, total: (c().sessions ?? []).length })
                  : tr("campaign.filter.countAll", { total: shown().length })}
              </p>
            </>
          )}
        </Show>
        <ul class="cards" data-testid="session-list">
          <For each={shown()}>
            {(session) => (
              <SessionCard
                campaign={c()}
                session={session}
                held={props.held?.[heldKey(c().id, session.id)]}
                onChoose={props.onChoose}
              />
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

/** How to take part in a campaign that takes entries: the button while its intake is open. */
function Entries(props: { campaign: CampaignDetail; onEnter: () => void }): JSX.Element {
  const intake = () => props.campaign.intake;
  return (
    <section class="group" aria-labelledby="entries-heading" data-testid="entries-section">
      <h2 id="entries-heading">{tr("entry.section")}</h2>
      <Switch fallback={<p class="notice">{tr("entry.closedHelp")}</p>}>
        <Match when={intake().open}>
          <Show when={intake().closesAt}>{(at) => <p>{tr("entry.openHelp", { date: formatDate(at()) })}</p>}</Show>
          <button type="button" class="button button-primary" data-testid="enter-campaign" onClick={() => props.onEnter()}>
            {tr(entryCta(props.campaign))}
          </button>
        </Match>
        <Match when={intake().opensAt && !isPast(intake().opensAt)}>
          <p class="notice">{tr("entry.notOpenYet", { date: formatDate(intake().opensAt) })}</p>
        </Match>
      </Switch>
    </section>
  );
}

export default function Campaign(): JSX.Element {
  const params = useParams<{ id: string }>();
  const [search, setSearch] = useSearchParams<{ session?: string; enter?: string; city?: string }>();
  const navigate = useNavigate();
  const campaign = createAsync(() => getCampaign(params.id));
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  const me = createAsync(() => getMe());
  // Read before the cards are shown, so a held session never offers 报名 for a moment; a
  // failure only leaves out the 已报名 notes (the server refuses a second sign-up anyway).
  const held = createAsync(async (): Promise<Record<string, Held>> =>
    (await getMe().catch(() => null)) ? getHeldSessions().catch(() => ({})) : {},
  );
  // Only where results can be; never breaks the page: without published results (the server's
  // 404) or when they fail to load, the section is left out.
  const results = createAsync(async () => {
    const c = await getCampaign(params.id);
    return has(c, "results") ? getResults(c.id).catch(() => null) : null;
  });
  usePageTitle(() => {
    const c = campaign();
    return c ? pick(c.title, c.titleEn) : undefined;
  });

  // The id of the session whose form is open. Only the id: the campaign is fetched again after
  // registering (seats change), and the form with its result must stay where it is.
  const chosenId = createMemo(() => {
    const id = search.session;
    const c = campaign();
    if (!id || !c || !me() || !has(c, "sessions") || !c.intake.open) return undefined;
    const session = c.sessions?.find((s) => s.id === id);
    if (!session) return undefined;
    // A session she cannot register for (over, full without a waitlist) shows its card instead.
    const state = sessionState(c, session);
    return state === "open" || state === "waitlist" ? id : undefined;
  });
  const sessionById = (c: CampaignDetail, id: string) => c.sessions?.find((s) => s.id === id);
  // The entry form is open: `?enter=1`, so that signing in comes back to it.
  const entering = createMemo(() => {
    const c = campaign();
    return search.enter === "1" && !!c && !!me() && has(c, "entries") && c.intake.open;
  });

  // `?session=` that opens no form (signed out, or a session over or full): its card is brought
  // into view, where it says why.
  createEffect(
    on([() => search.session, campaign, chosenId], ([id, c, chosen]) => {
      if (!id || !c || chosen) return;
      requestAnimationFrame(() => document.getElementById(`session-${id}`)?.scrollIntoView({ block: "center" }));
    }),
  );

  const here = (extra: Record<string, string>) => {
    const query = new URLSearchParams({ ...(search.city ? { city: search.city } : {}), ...extra });
    return `/campaigns/${encodeURIComponent(params.id)}?${query}`;
  };
  const choose = (session: SessionView) => {
    if (!me()) navigate(`/signin?next=${encodeURIComponent(here({ session: session.id }))}`);
    else setSearch({ session: session.id });
  };
  const enter = () => {
    if (!me()) navigate(`/signin?next=${encodeURIComponent(here({ enter: "1" }))}`);
    else setSearch({ enter: "1" });
  };

  return (
    <Show when={campaign()}>
      {(c) => (
        <article class="page">
          <p>
            <A href="/" class="back-link">
              <span aria-hidden="true">‹</span> {tr("common.backHome")}
            </A>
          </p>
          <h1 tabindex="-1" data-testid="campaign-title">{pick(c().title, c().titleEn)}</h1>
          <p class="card-line">
            <span class="badge kind">{tr(`kind.${c().kind}`)}</span> <CampaignPhaseBadge campaign={c()} />
          </p>
          <Show when={unitName(units(), c().orgUnit)}>{(name) => <p class="card-line">{tr("home.org", { name: name() })}</p>}</Show>

          <Switch
            fallback={
              <>
                {/* Its own boundary: the page does not wait for the results to show. */}
                <Suspense>
                  <Show when={results()}>{(r) => <ResultsSection results={r()} />}</Show>
                </Suspense>
                <p class="description">{pick(c().description, c().descriptionEn)}</p>
                <Switch fallback={<p class="notice">{tr("campaign.entriesComing")}</p>}>
                  <Match when={has(c(), "sessions")}>
                    <Sessions
                      campaign={c()}
                      units={units()}
                      held={held()}
                      city={search.city}
                      onCity={(city) => setSearch({ city }, { replace: true })}
                      onChoose={choose}
                    />
                  </Match>
                  <Match when={has(c(), "entries")}>
                    <Entries campaign={c()} onEnter={enter} />
                  </Match>
                </Switch>
                <Show when={has(c(), "voting")}>
                  <Gallery campaign={c()} units={units()} />
                </Show>
                <Schedule campaign={c()} />
              </>
            }
          >
            <Match when={chosenId()} keyed>
              {(id) => (
                <RegistrationForm
                  campaign={c()}
                  session={sessionById(c(), id) as SessionView}
                  units={units() ?? []}
                  held={held()?.[heldKey(c().id, id)]}
                  phone={signInPhone(me())}
                  onBack={() => setSearch({ session: undefined })}
                />
              )}
            </Match>
            <Match when={entering()}>
              <EntryForm campaign={c()} units={units() ?? []} onBack={() => setSearch({ enter: undefined })} />
            </Match>
          </Switch>
        </article>
      )}
    </Show>
  );
}
