/**
 * 推荐名额 on a selection's 管理 page: for her unit (or the campaign's) and the units directly
 * below it, how many were put forward and how many are left. The counters the server's quota
 * guard holds, so what she reads here is what a nomination would meet.
 */
import { For, Show, Suspense, type JSX } from "solid-js";
import { createAsync, query } from "@solidjs/router";
import { client, parseResponse } from "../api.ts";
import { errorText, tr } from "../i18n.ts";
import { getOrgUnits } from "../session.ts";
import type { OrgUnit } from "../types.ts";
import { unitLabel } from "./ContestNav.tsx";
import "../voting.css";

export const getQuotas = query(
  (campaignId: string) => parseResponse(client.api.admin.campaigns[":id"].quotas.$get({ param: { id: encodeURIComponent(campaignId) }, query: {} })),
  "quotas",
);

function QuotaTable(props: { campaignId: string }): JSX.Element {
  // A failure is said in the panel; the rest of the page stays.
  const usage = createAsync(() => getQuotas(props.campaignId).then((u) => ({ ok: true as const, u }), (error: unknown) => ({ ok: false as const, error })));
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  return (
    <Show when={usage()}>
      {(r) => {
        const res = r();
        return res.ok ? (
          <table class="quotas" data-testid="quotas-table">
            <thead>
              <tr>
                <th scope="col">{tr("organiser.quotas.unit")}</th>
                <th scope="col" class="num">{tr("organiser.quotas.used")}</th>
                <th scope="col" class="num">{tr("organiser.quotas.quota")}</th>
                <th scope="col" class="num">{tr("organiser.quotas.left")}</th>
              </tr>
            </thead>
            <tbody>
              <For each={res.u.items}>
                {(q) => (
                  <tr data-testid="quota-row" data-unit={q.orgUnit}>
                    <th scope="row">{unitLabel(units(), q.orgUnit)}</th>
                    <td class="num">{q.used}</td>
                    <td class="num">{q.quota === null ? tr("organiser.quotas.unlimited") : q.quota}</td>
                    <td class="num" classList={{ "quota-full": q.left === 0 }}>
                      {q.left === null ? tr("organiser.quotas.unlimited") : q.left}
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        ) : (
          <p class="notice notice-error" data-testid="quotas-error">
            {tr("organiser.quotas.failed")}
            {errorText(res.error)}
          </p>
        );
      }}
    </Show>
  );
}

export function QuotasPanel(props: { campaignId: string }): JSX.Element {
  return (
    <section class="group" aria-labelledby="quotas-heading" data-testid="quotas">
      <h3 id="quotas-heading">{tr("organiser.quotas.title")}</h3>
      <p>{tr("organiser.quotas.help")}</p>
      <Suspense>
        <QuotaTable campaignId={props.campaignId} />
      </Suspense>
    </section>
  );
}
