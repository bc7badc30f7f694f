import { For, Match, Show, Switch, createMemo, type JSX } from "solid-js";
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
import { PhaseBadge, phaseKey, unitName } from "../components/CampaignCards.tsx";
import { RegistrationForm } from "../components/RegistrationForm.tsx";

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
  if (campaign.phase !== "registration") return "closed";
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

export default function Campaign(): JSX.Element {
  const params = useParams<{ id: string }>();
  const [search, setSearch] = useSearchParams<{ session?: string }>();
  const navigate = useNavigate();
  const campaign = createAsync(() => getCampaign(params.id));
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  const me = createAsync(() => getMe());
  usePageTitle(() => {
    const c = campaign();
    return c ? pick(c.title, c.titleEn) : undefined;
  });

  // The id of the session whose form is open. Only the id: the campaign is fetched again after
  // registering (seats change), and the form with its result must stay where it is.
  const chosenId = createMemo(() => {
    const id = search.session;
    const c = campaign();
    if (!id || !c || !me() || c.phase !== "registration") return undefined;
    return c.sessions?.some((s) => s.id === id) ? id : undefined;
  });
  const sessionById = (c: CampaignDetail, id: string) => c.sessions?.find((s) => s.id === id);

  const choose = (session: SessionView) => {
    const here = `/campaigns/${encodeURIComponent(params.id)}?session=${encodeURIComponent(session.id)}`;
    if (!me()) navigate(`/signin?next=${encodeURIComponent(here)}`);
    else setSearch({ session: session.id });
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
            <span class="badge kind">{tr(`kind.${c().kind}`)}</span> <PhaseBadge phase={c().phase} />
          </p>
          <Show when={unitName(units(), c().orgUnit)}>{(name) => <p class="card-line">{tr("home.org", { name: name() })}</p>}</Show>

          <Show
            when={chosenId()}
            keyed
            fallback={
              <>
                <p class="description">{pick(c().description, c().descriptionEn)}</p>
                <Switch>
                  <Match when={c().kind === "event"}>
                    <section class="group" aria-labelledby="sessions-heading">
                      <h2 id="sessions-heading">{tr("campaign.sessions")}</h2>
                      <Show when={c().phase === "registration"} fallback={<p class="notice">{tr(c().phase === "upcoming" ? "campaign.notOpenYet" : "campaign.registrationClosed")}</p>}>
                        <p>{tr("campaign.sessionsHelp")}</p>
                      </Show>
                      <Show when={(c().sessions ?? []).length > 0} fallback={<p class="notice">{tr("campaign.noSessions")}</p>}>
                        <ul class="cards">
                          <For each={c().sessions ?? []}>
                            {(session) => <SessionCard campaign={c()} session={session} onChoose={choose} />}
                          </For>
                        </ul>
                      </Show>
                    </section>
                  </Match>
                  <Match when={c().kind !== "event"}>
                    <p class="notice">{tr("campaign.entriesComing")}</p>
                  </Match>
                </Switch>
                <Schedule campaign={c()} />
              </>
            }
          >
            {(id) => (
              <RegistrationForm
                campaign={c()}
                session={sessionById(c(), id) as SessionView}
                units={units() ?? []}
                onBack={() => setSearch({ session: undefined })}
              />
            )}
          </Show>
        </article>
      )}
    </Show>
  );
}
