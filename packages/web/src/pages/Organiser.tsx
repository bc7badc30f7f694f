import { Show, type JSX } from "solid-js";
import { A, createAsync, query } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { client, parseResponse } from "../api.ts";
import { tr, usePageTitle } from "../i18n.ts";
import { formatList } from "../format.ts";
import { getOrgUnits } from "../session.ts";
import { RequireOrganiser } from "../components/RequireOrganiser.tsx";
import { CampaignCard, KindGroups, StatusBadge, unitName } from "../components/CampaignCards.tsx";
import type { OrgUnit } from "../types.ts";

export const getAdminCampaigns = query(() => parseResponse(client.api.admin.campaigns.$get()), "adminCampaigns");

type AdminCampaignSummary = InferResponseType<typeof client.api.admin.campaigns.$get>["items"][number];

export function preloadOrganiser(): void {
  // Only worth it for an organiser; a 401/403 here is ignored (the page says what to do).
  void getAdminCampaigns().catch(() => undefined);
  void getOrgUnits().catch(() => undefined);
}

/** What needs her now comes first: open phases, then those not started yet, then the finished. */
function urgency(c: AdminCampaignSummary): number {
  if (c.phase === "closed") return 2;
  if (c.phase === "upcoming" || c.status === "draft") return 1;
  return 0;
}

function CampaignList(): JSX.Element {
  const list = createAsync(() => getAdminCampaigns());
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  // Array.prototype.sort is stable: within the same urgency the API's order (newest first) stays.
  const items = () => [...(list()?.items ?? [])].sort((a, b) => urgency(a) - urgency(b));
  const scopes = () => formatList((list()?.scopes ?? []).map((id) => unitName(units(), id) || id));

  return (
    <Show when={list()}>
      <Show when={scopes()}>
        {(text) => (
          <p class="card-line" data-testid="organiser-scopes">
            {tr("organiser.scopes", { units: text() })}
          </p>
        )}
      </Show>
      <KindGroups items={items()} idPrefix="organiser-" empty={tr("organiser.empty")}>
        {(c) => (
          <CampaignCard
            campaign={c}
            href={`/organiser/campaigns/${encodeURIComponent(c.id)}`}
            testId={`organiser-campaign-${c.id}`}
            units={units()}
            before={
              <Show when={c.status === "draft"}>
                <StatusBadge status="draft" />
              </Show>
            }
          >
            <Show when={!c.capabilities.some((cap) => cap === "sessions" || cap === "entries" || cap === "rounds")}>
              <span class="card-line later-note">{tr("organiser.laterNote")}</span>
            </Show>
          </CampaignCard>
        )}
      </KindGroups>
    </Show>
  );
}

export default function Organiser(): JSX.Element {
  usePageTitle(() => tr("organiser.title"));
  return (
    <div class="page">
      <h1 tabindex="-1">{tr("organiser.title")}</h1>
      <RequireOrganiser>
        {() => (
          <>
            {/* Check-in lives here, as a big button, so the header keeps to four items on a phone. */}
            <A href="/organiser/door" class="button button-primary" data-testid="nav-checkin">
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
