import { For, Show, type JSX } from "solid-js";
import { A, createAsync, query } from "@solidjs/router";
import type { MessageKey } from "@jinguo/core/messages";
import { api } from "../api.ts";
import { pick, tr } from "../i18n.ts";
import { formatDate } from "../format.ts";
import { getOrgUnits } from "../session.ts";
import type { CampaignSummary, Kind, OrgUnit, Page } from "../types.ts";

const KIND_ORDER: Kind[] = ["event", "contest", "selection", "collection"];
const MAX_PAGES = 5;

export const getCampaigns = query(async (): Promise<CampaignSummary[]> => {
  const items: CampaignSummary[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const qs: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : "?limit=100";
    const body: Page<CampaignSummary> = await api.get<Page<CampaignSummary>>(`/api/campaigns${qs}`);
    items.push(...body.items);
    cursor = body.cursor;
    if (!cursor) break;
  }
  return items;
}, "campaigns");

export function preloadHome(): void {
  void getCampaigns();
  void getOrgUnits();
}

export function phaseKey(phase: string): MessageKey {
  switch (phase) {
    case "upcoming":
    case "registration":
    case "submission":
    case "review":
    case "judging":
    case "voting":
    case "publicity":
    case "closed":
      return `phase.${phase}`;
    default:
      return "phase.closed";
  }
}

export function PhaseBadge(props: { phase: string }): JSX.Element {
  return (
    <span class={`badge phase-${props.phase}`} data-testid="phase">
      {tr(phaseKey(props.phase))}
    </span>
  );
}

export function unitName(units: OrgUnit[] | undefined, id: string | undefined): string {
  if (!id) return "";
  const unit = units?.find((u) => u.id === id);
  return unit ? pick(unit.name, unit.nameEn) : "";
}

function CampaignCard(props: { campaign: CampaignSummary; units: OrgUnit[] | undefined }): JSX.Element {
  const closes = () => props.campaign.phases?.find((p) => p.name === props.campaign.phase)?.closesAt;
  return (
    <li>
      <A href={`/campaigns/${encodeURIComponent(props.campaign.id)}`} class="card card-link" data-testid={`campaign-${props.campaign.id}`}>
        <span class="card-title">{pick(props.campaign.title, props.campaign.titleEn)}</span>
        <Show when={unitName(props.units, props.campaign.orgUnit)}>
          {(name) => <span class="card-line">{tr("home.org", { name: name() })}</span>}
        </Show>
        <span class="card-line">
          <PhaseBadge phase={props.campaign.phase} />
          <Show when={props.campaign.phase !== "closed" && props.campaign.phase !== "upcoming" && closes()}>
            {(at) => <span class="deadline">{tr("home.until", { date: formatDate(at()) })}</span>}
          </Show>
        </span>
      </A>
    </li>
  );
}

export default function Home(): JSX.Element {
  const campaigns = createAsync(() => getCampaigns());
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  const groups = () =>
    KIND_ORDER.map((kind) => ({ kind, items: (campaigns() ?? []).filter((c) => c.kind === kind) })).filter(
      (g) => g.items.length > 0,
    );

  return (
    <div class="page">
      <h1>{tr("home.title")}</h1>
      <p class="lead">{tr("home.intro")}</p>
      <Show when={campaigns()}>
        <Show when={groups().length > 0} fallback={<p class="notice">{tr("home.empty")}</p>}>
          <For each={groups()}>
            {(group) => (
              <section class="group" aria-labelledby={`kind-${group.kind}`} data-testid={`kind-${group.kind}`}>
                <h2 id={`kind-${group.kind}`}>{tr(`kind.${group.kind}`)}</h2>
                <ul class="cards">
                  <For each={group.items}>{(c) => <CampaignCard campaign={c} units={units()} />}</For>
                </ul>
              </section>
            )}
          </For>
        </Show>
      </Show>
    </div>
  );
}
