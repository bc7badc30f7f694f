import { For, Show, type JSX } from "solid-js";
import { A, createAsync, query } from "@solidjs/router";
import { api } from "../api.ts";
import { pick, tr } from "../i18n.ts";
import { getOrgUnits } from "../session.ts";
import { RequireOrganiser } from "../components/RequireOrganiser.tsx";
import type { AdminCampaign, AdminCampaignList, Kind, OrgUnit } from "../types.ts";
import { PhaseBadge, unitName } from "./Home.tsx";

const KIND_ORDER: Kind[] = ["event", "contest", "selection", "collection"];

export const getAdminCampaigns = query(async (): Promise<AdminCampaignList> => {
  return api.get<AdminCampaignList>("/api/admin/campaigns");
}, "adminCampaigns");

export function preloadOrganiser(): void {
  // Only worth it for an organiser; a 401/403 here is ignored (the page says what to do).
  void getAdminCampaigns().catch(() => undefined);
  void getOrgUnits().catch(() => undefined);
}

/** What needs her now comes first: open phases, then those not started yet, then the finished. */
function urgency(c: AdminCampaign): number {
  if (c.phase === "closed") return 2;
  if (c.phase === "upcoming" || c.status === "draft") return 1;
  return 0;
}

export function StatusBadge(props: { status: AdminCampaign["status"] }): JSX.Element {
  return (
    <span class={`badge campaign-${props.status}`} data-testid="campaign-status">
      {tr(props.status === "draft" ? "organiser.status.draft" : "organiser.status.published")}
    </span>
  );
}

function CampaignCard(props: { campaign: AdminCampaign; units: OrgUnit[] | undefined }): JSX.Element {
  return (
    <li>
      <A
        href={`/organiser/campaigns/${encodeURIComponent(props.campaign.id)}`}
        class="card card-link"
        data-testid={`organiser-campaign-${props.campaign.id}`}
      >
        <span class="card-title">{pick(props.campaign.title, props.campaign.titleEn)}</span>
        <Show when={unitName(props.units, props.campaign.orgUnit)}>
          {(name) => <span class="card-line">{tr("home.org", { name: name() })}</span>}
        </Show>
        <span class="card-line">
          <Show when={props.campaign.status === "draft"}>
            <StatusBadge status="draft" />
          </Show>
          <PhaseBadge phase={props.campaign.phase} />
        </span>
        <Show when={props.campaign.kind !== "event"}>
          <span class="card-line later-note">{tr("organiser.laterNote")}</span>
        </Show>
      </A>
    </li>
  );
}

function CampaignList(): JSX.Element {
  const list = createAsync(() => getAdminCampaigns());
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  const groups = () =>
    KIND_ORDER.map((kind) => ({
      kind,
      // Array.prototype.sort is stable: within the same urgency the API's order (newest first) stays.
      items: (list()?.items ?? []).filter((c) => c.kind === kind).sort((a, b) => urgency(a) - urgency(b)),
    })).filter((g) => g.items.length > 0);
  const scopes = () => (list()?.scopes ?? []).map((id) => unitName(units(), id) || id).join("、");

  return (
    <Show when={list()}>
      <Show when={scopes()}>
        {(text) => (
          <p class="card-line" data-testid="organiser-scopes">
            {tr("organiser.scopes", { units: text() })}
          </p>
        )}
      </Show>
      <Show when={groups().length > 0} fallback={<p class="notice">{tr("organiser.empty")}</p>}>
        <For each={groups()}>
          {(group) => (
            <section class="group" aria-labelledby={`organiser-kind-${group.kind}`} data-testid={`organiser-kind-${group.kind}`}>
              <h2 id={`organiser-kind-${group.kind}`}>{tr(`kind.${group.kind}`)}</h2>
              <ul class="cards">
                <For each={group.items}>{(c) => <CampaignCard campaign={c} units={units()} />}</For>
              </ul>
            </section>
          )}
        </For>
      </Show>
    </Show>
  );
}

export default function Organiser(): JSX.Element {
  return (
    <div class="page">
      <h1>{tr("organiser.title")}</h1>
      <RequireOrganiser>
        {() => (
          <>
            {/* Check-in lives here, as a big button, so the header keeps to four items on a phone. */}
            <A href="/organiser/checkin" class="button button-primary" data-testid="nav-checkin">
              {tr("organiser.checkin")}
            </A>
            <p class="lead">{tr("organiser.intro")}</p>
            <CampaignList />
          </>
        )}
      </RequireOrganiser>
    </div>
  );
}
