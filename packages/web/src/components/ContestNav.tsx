/**
 * What the organiser's contest pages share: the campaign they belong to, a way back to it, and
 * the two tabs (报名审核, 评审轮次). Each page puts its own h1 under them.
 */
import { Show, type JSX } from "solid-js";
import { A, createAsync, query } from "@solidjs/router";
import { ApiError, client, parseResponse } from "../api.ts";
import { pick, tr } from "../i18n.ts";
import type { CampaignDetail, OrgUnit, User } from "../types.ts";
import { QuotasPanel } from "./Quotas.tsx";
import "../organiser-contest.css";

const byId = (id: string) => ({ param: { id: encodeURIComponent(id) } });

/**
 * The campaign as its organisers see it; for an organiser who only runs a part of it (a county's
 * heat of the province's contest: the API lets her review and judge her county's entries, not
 * manage the campaign), its public page.
 */
export const getContestCampaign = query(async (id: string): Promise<CampaignDetail> => {
  try {
    const { campaign } = await parseResponse(client.api.admin.campaigns[":id"].$get(byId(id)));
    return campaign;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 403)) throw error;
    const { campaign } = await parseResponse(client.api.campaigns[":id"].$get(byId(id)));
    return campaign;
  }
}, "contestCampaign");

/** Org unit ids are dotted paths: a unit covers itself and every id below it. */
export const covers = (scope: string, unit: string) => unit === scope || unit.startsWith(`${scope}.`);

/** May she manage what this unit owns (admin: all)? The server decides; this only hides what it would refuse. */
export function managesUnit(user: User | null | undefined, orgUnit: string): boolean {
  return !!user?.roles.some((r) => r.role === "admin" || (r.role === "organiser" && covers(r.orgUnit, orgUnit)));
}

/** "长沙市妇联" for an id, or the id itself when the list has not come (never an empty cell). */
export function unitLabel(units: OrgUnit[] | undefined, id: string): string {
  const unit = units?.find((u) => u.id === id);
  return unit ? pick(unit.name, unit.nameEn) : id;
}

export type ContestTab = "entries" | "rounds";

export const contestHref = (campaignId: string, tab: ContestTab) => `/organiser/campaigns/${encodeURIComponent(campaignId)}/${tab}`;

/** The back link, the campaign's title, and the tabs; `exact` is false on a page inside a tab (one round). */
export function ContestNav(props: { campaignId: string; current: ContestTab; exact?: boolean }): JSX.Element {
  const campaign = createAsync(() => getContestCampaign(props.campaignId));
  const tab = (which: ContestTab, label: string) => (
    <a
      href={contestHref(props.campaignId, which)}
      class="tab"
      classList={{ "tab-current": props.current === which }}
      aria-current={props.current === which ? (props.exact === false ? "true" : "page") : undefined}
      data-testid={`contest-tab-${which}`}
    >
      {label}
    </a>
  );
  return (
    <>
      <p>
        <A href={`/organiser/campaigns/${encodeURIComponent(props.campaignId)}`} class="back-link" end data-testid="back-to-campaign">
          <span aria-hidden="true">‹</span> {tr("organiser.contest.back")}
        </A>
      </p>
      <Show when={campaign()}>{(c) => <p class="contest-campaign">{pick(c().title, c().titleEn)}</p>}</Show>
      <nav class="tabs tabs-2" aria-label={tr("organiser.contest.tabs")}>
        {tab("entries", tr("organiser.contest.entries"))}
        {tab("rounds", tr("organiser.contest.rounds"))}
      </nav>
    </>
  );
}

/** On the campaign's 管理 page: the way into the review queue and the rounds, each said in a line. */
export function ContestLinks(props: { campaign: Pick<CampaignDetail, "id" | "capabilities"> }): JSX.Element {
  const has = (cap: "entries" | "rounds" | "nominations" | "voting") => props.campaign.capabilities.includes(cap);
  return (
    <section class="group" aria-labelledby="contest-heading" data-testid="contest-section">
      <h2 id="contest-heading">{tr("organiser.contest.section")}</h2>
      <Show when={has("entries")}>
        <p>{tr("organiser.contest.entriesHelp")}</p>
        <A href={contestHref(props.campaign.id, "entries")} class="button button-primary" data-testid="contest-entries-link">
          {tr("organiser.contest.entriesLink")}
        </A>
      </Show>
      <Show when={has("nominations")}>
        <QuotasPanel campaignId={props.campaign.id} />
      </Show>
      <Show when={has("voting")}>
        <p>{tr("organiser.votes.linkHelp")}</p>
        <A href={`/organiser/campaigns/${encodeURIComponent(props.campaign.id)}/votes`} class="button button-primary" data-testid="contest-votes-link">
          {tr("organiser.votes.link")}
        </A>
      </Show>
      <Show when={has("rounds")}>
        <p>{tr("organiser.contest.roundsHelp")}</p>
        <A href={contestHref(props.campaign.id, "rounds")} class="button button-primary" data-testid="contest-rounds-link">
          {tr("organiser.contest.roundsLink")}
        </A>
      </Show>
    </section>
  );
}
