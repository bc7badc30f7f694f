import { For, Match, Show, Suspense, Switch, createMemo, type JSX } from "solid-js";
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
import { client, parseResponse } from "../api.ts";
import { pick, tr, usePageTitle } from "../i18n.ts";
import { formatDate, formatTimeRange, isPast } from "../format.ts";
import { getMe, getOrgUnits } from "../session.ts";
import type { CampaignDetail, OrgUnit, SessionView } from "../types.ts";
import { CampaignPhaseBadge, phaseKey, unitName } from "../components/CampaignCards.tsx";
import { RegistrationForm } from "../components/RegistrationForm.tsx";
import { EntryForm } from "../components/EntryForm.tsx";
import { ResultsSection, getResults } from "../components/Results.tsx";
import { Gallery } from "../components/Gallery.tsx";

export const getCampaign = query(async (id: string) => {
  const { campaign } = await parseResponse(client.api.campaigns[":id"].$get({ param: { id: encodeURIComponent(id) } }));
  return campaign;
}, "campaign");

export function preloadCampaign({ params }: RoutePreloadFuncArgs): void {
  if (params.id) void getCampaign(params.id);
  void getOrgUnits();
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
  onChoose: (session: SessionView) => void;
}): JSX.Element {
  const state = () => sessionState(props.campaign, props.session);
  return (
    <li class="card session" data-testid={`session-${props.session.id}`} data-state={state()}>
      <h3 class="card-title">{pick(props.session.title, props.session.titleEn)}</h3>
      <p class="card-line when">{formatTimeRange(props.session.startsAt, props.session.endsAt)}</p>
      <p class="card-line">{tr("campaign.venue", { venue: props.session.venue })}</p>
      <p class={`seats seats-${state()}`} data-testid={`session-seats-${props.session.id}`}>
        <Switch>
          <Match when={state() === "open"}>{tr("campaign.seatsLeft", { n: props.session.seatsLeft })}</Match>
          <Match when={state() === "waitlist"}>{tr("campaign.fullWaitlist", { n: props.session.waiting })}</Match>
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
    </li>
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

function Sessions(props: { campaign: CampaignDetail; onChoose: (session: SessionView) => void }): JSX.Element {
  const c = () => props.campaign;
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
        <ul class="cards">
          <For each={c().sessions ?? []}>{(session) => <SessionCard campaign={c()} session={session} onChoose={props.onChoose} />}</For>
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
  const [search, setSearch] = useSearchParams<{ session?: string; enter?: string }>();
  const navigate = useNavigate();
  const campaign = createAsync(() => getCampaign(params.id));
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  const me = createAsync(() => getMe());
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
    return c.sessions?.some((s) => s.id === id) ? id : undefined;
  });
  const sessionById = (c: CampaignDetail, id: string) => c.sessions?.find((s) => s.id === id);
  // The entry form is open: `?enter=1`, so that signing in comes back to it.
  const entering = createMemo(() => {
    const c = campaign();
    return search.enter === "1" && !!c && !!me() && has(c, "entries") && c.intake.open;
  });

  const choose = (session: SessionView) => {
    const here = `/campaigns/${encodeURIComponent(params.id)}?session=${encodeURIComponent(session.id)}`;
    if (!me()) navigate(`/signin?next=${encodeURIComponent(here)}`);
    else setSearch({ session: session.id });
  };
  const enter = () => {
    const here = `/campaigns/${encodeURIComponent(params.id)}?enter=1`;
    if (!me()) navigate(`/signin?next=${encodeURIComponent(here)}`);
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
                    <Sessions campaign={c()} onChoose={choose} />
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
