import { Show, type JSX } from "solid-js";
import { createAsync, query } from "@solidjs/router";
import { client, parseResponse } from "../api.ts";
import { tr, usePageTitle } from "../i18n.ts";
import { formatDate } from "../format.ts";
import { getOrgUnits } from "../session.ts";
import { CampaignCard, KindGroups } from "../components/CampaignCards.tsx";
import type { CampaignSummary, OrgUnit } from "../types.ts";

export const getCampaigns = query(async () => {
  const { items } = await parseResponse(client.api.campaigns.$get({ query: {} }));
  return items;
}, "campaigns");

export function preloadHome(): void {
  void getCampaigns();
  void getOrgUnits();
}

/** Until when she can take part, while she can; else until when the current phase runs. */
function closes(c: CampaignSummary): string | undefined {
  if (c.intake.open) return c.intake.closesAt;
  if (c.phase === "closed" || c.phase === "upcoming" || c.phase === c.intake.phase) return undefined;
  return c.phases.find((p) => p.name === c.phase)?.closesAt;
}

export default function Home(): JSX.Element {
  const campaigns = createAsync(() => getCampaigns());
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  usePageTitle(() => tr("home.title"));

  return (
    <div class="page">
      <h1 tabindex="-1">{tr("home.title")}</h1>
      <p class="lead">{tr("home.intro")}</p>
      <Show when={campaigns()}>
        {(list) => (
          <KindGroups items={list()} idPrefix="" empty={tr("home.empty")}>
            {(c) => (
              <CampaignCard
                campaign={c}
                href={`/campaigns/${encodeURIComponent(c.id)}`}
                testId={`campaign-${c.id}`}
                units={units()}
                after={
                  <Show when={closes(c)}>
                    {(at) => <span class="deadline">{tr("home.until", { date: formatDate(at()) })}</span>}
                  </Show>
                }
              />
            )}
          </KindGroups>
        )}
      </Show>
    </div>
  );
}
