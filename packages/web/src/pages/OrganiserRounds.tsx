/**
 * A campaign's judging rounds as the tree they form (the final on top, the rounds it follows
 * under it: province ← cities ← counties), and a new round.
 */
import { For, Show, createSignal, type JSX } from "solid-js";
import { A, createAsync, query, useNavigate, useParams, type RoutePreloadFuncArgs } from "@solidjs/router";
import type { MessageKey } from "@jinguo/core/messages";
import { client, parseResponse } from "../api.ts";
import { pick, tr, usePageTitle } from "../i18n.ts";
import { formatDate } from "../format.ts";
import { getOrgUnits } from "../session.ts";
import { RequireOrganiser } from "../components/RequireOrganiser.tsx";
import { ContestNav, contestHref, getContestCampaign, unitLabel } from "../components/ContestNav.tsx";
import { RoundForm, aggregateKey, roundUnits, type Round } from "../components/RoundForm.tsx";
import { getAdminCampaigns } from "./Organiser.tsx";
import type { OrgUnit } from "../types.ts";

export const getRounds = query(async (campaignId: string) => {
  const { items } = await parseResponse(client.api.admin.campaigns[":id"].rounds.$get({ param: { id: encodeURIComponent(campaignId) } }));
  return items;
}, "rounds");

export function preloadOrganiserRounds({ params }: RoutePreloadFuncArgs): void {
  if (!params.id) return;
  void getContestCampaign(params.id).catch(() => undefined);
  void getRounds(params.id).catch(() => undefined);
  void getOrgUnits().catch(() => undefined);
}

export const roundHref = (campaignId: string, roundId: string) => `${contestHref(campaignId, "rounds")}/${encodeURIComponent(roundId)}`;

/** 进行中 / 已结束 / 公示中: where a round is. */
export function roundStatusKey(round: Pick<Round, "status" | "publishedAt">): MessageKey {
  if (round.publishedAt) return "organiser.round.status.published";
  return round.status === "closed" ? "organiser.round.status.closed" : "organiser.round.status.open";
}

export function RoundStatusBadge(props: { round: Pick<Round, "status" | "publishedAt"> }): JSX.Element {
  return (
    <span class={`badge round-${props.round.publishedAt ? "published" : props.round.status}`} data-testid="round-status">
      {tr(roundStatusKey(props.round))}
    </span>
  );
}

/**
 * The rounds nothing visible follows: the tree's tops; each shows the rounds it follows under
 * it. A round she cannot see (another unit's) is left out.
 */
function roots(rounds: Round[]): Round[] {
  const followed = new Set(rounds.flatMap((r) => r.from ?? []));
  return rounds.filter((r) => !followed.has(r.id));
}

function RoundNode(props: { round: Round; rounds: Round[]; units: OrgUnit[] | undefined; campaignId: string; seen: Set<string> }): JSX.Element {
  const r = () => props.round;
  const children = () => (r().from ?? []).flatMap((id) => props.rounds.filter((x) => x.id === id && !props.seen.has(x.id)));
  const seen = () => new Set([...props.seen, r().id, ...children().map((c) => c.id)]);
  return (
    <li class="round-node">
      <A href={roundHref(props.campaignId, r().id)} class="card card-link round-card" data-testid={`round-${r().id}`}>
        <span class="card-title">
          {pick(r().name, r().nameEn)} · {unitLabel(props.units, r().orgUnit)}
        </span>
        <span class="card-line">
          <RoundStatusBadge round={r()} />
          <Show when={r().rubric.blind}>
            <span class="badge">{tr("organiser.round.blindBadge")}</span>
          </Show>
        </span>
        <span class="card-line">
          {tr("organiser.round.criteriaSummary", { n: r().rubric.criteria.length, max: r().max })} · {tr(aggregateKey(r().rubric.aggregate))}
        </span>
        <span class="card-line">
          {r().advance !== undefined ? tr("organiser.round.advanceN", { n: r().advance ?? 0 }) : tr("organiser.round.noAdvance")}
        </span>
        <Show when={r().closedAt}>{(at) => <span class="card-line small">{tr("organiser.round.closedAt", { date: formatDate(at()) })}</span>}</Show>
      </A>
      <Show when={children().length > 0}>
        <p class="round-from-label small">{tr("organiser.rounds.followsLabel")}</p>
        <ul class="round-tree">
          <For each={children()}>
            {(child) => <RoundNode round={child} rounds={props.rounds} units={props.units} campaignId={props.campaignId} seen={seen()} />}
          </For>
        </ul>
      </Show>
    </li>
  );
}

function RoundsAdmin(props: { campaignId: string }): JSX.Element {
  const campaign = createAsync(() => getContestCampaign(props.campaignId));
  const rounds = createAsync(() => getRounds(props.campaignId));
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  // Her scopes (the units she manages), as the API says them.
  const scopes = createAsync(() => getAdminCampaigns().then((r) => r.scopes).catch(() => [] as string[]));
  const [adding, setAdding] = createSignal(false);
  const navigate = useNavigate();
  let addButton: HTMLButtonElement | undefined;

  return (
    <Show when={campaign()}>
      {(c) => (
        <>
          <Show when={!c().capabilities.includes("rounds")}>
            <p class="notice">{tr("NO_ROUNDS")}</p>
          </Show>
          <Show when={rounds()}>
            {(list) => (
              <section class="group" aria-labelledby="rounds-heading">
                <h2 id="rounds-heading">{tr("organiser.rounds.list")}</h2>
                <Show when={list().length > 0} fallback={<p class="notice" data-testid="rounds-empty">{tr("organiser.rounds.empty")}</p>}>
                  <p class="help">{tr("organiser.rounds.treeHelp")}</p>
                  <ul class="round-tree round-tree-top" data-testid="rounds-tree">
                    <For each={roots(list())}>
                      {(round) => <RoundNode round={round} rounds={list()} units={units()} campaignId={c().id} seen={new Set()} />}
                    </For>
                  </ul>
                </Show>
                <Show
                  when={adding()}
                  fallback={
                    <Show when={roundUnits(units(), scopes() ?? [], c().orgUnit).length > 0 && c().capabilities.includes("rounds")}>
                      <button ref={addButton} type="button" class="button button-primary" data-testid="round-new" onClick={() => setAdding(true)}>
                        <span aria-hidden="true">+</span> {tr("organiser.rounds.new")}
                      </button>
                    </Show>
                  }
                >
                  <RoundForm
                    campaign={c()}
                    rounds={list()}
                    units={units()}
                    scopes={scopes() ?? []}
                    onDone={(round) => navigate(roundHref(c().id, round.id))}
                    onClose={() => {
                      setAdding(false);
                      queueMicrotask(() => addButton?.focus());
                    }}
                  />
                </Show>
              </section>
            )}
          </Show>
        </>
      )}
    </Show>
  );
}

export default function OrganiserRounds(): JSX.Element {
  const params = useParams<{ id: string }>();
  usePageTitle(() => tr("organiser.rounds.title"));
  return (
    <article class="page">
      <RequireOrganiser>
        {() => (
          <>
            <ContestNav campaignId={params.id} current="rounds" />
            <h1 tabindex="-1" data-testid="rounds-title">
              {tr("organiser.rounds.title")}
            </h1>
            <RoundsAdmin campaignId={params.id} />
          </>
        )}
      </RequireOrganiser>
    </article>
  );
}
