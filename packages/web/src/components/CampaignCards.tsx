/** Campaigns as cards grouped by kind, and their badges: shared by 首页 and 管理. */
import { For, Show, type JSX } from "solid-js";
import { A } from "@solidjs/router";
import type { MessageKey } from "@jinguo/core/messages";
import { pick, tr } from "../i18n.ts";
import { formatDate, isPast } from "../format.ts";
import type { AdminCampaign, Kind, OrgUnit } from "../types.ts";

/** The order of the groups on every list of campaigns. */
export const KIND_ORDER: Kind[] = ["event", "contest", "selection", "collection"];

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

/** What the public campaign view says of its intake (publicCampaign in core/campaigns). */
export interface Intake {
  phase: string;
  open: boolean;
  opensAt?: string;
  closesAt?: string;
}

/**
 * The phase as the public should read it: 报名中/征集中 only while she can really take part
 * (the intake is open); before it 即将开始 with the day it opens; otherwise the phase's own
 * word (审核中, 评审中, …), never an intake word for an intake that is not open.
 */
export function publicPhase(campaign: { phase: string; intake?: Intake }): { phase: string; text: string; opensAt?: string } {
  const intake = campaign.intake;
  if (!intake) return { phase: campaign.phase, text: tr(phaseKey(campaign.phase)) };
  if (intake.open) return { phase: intake.phase, text: tr(phaseKey(intake.phase)) };
  if (intake.opensAt && !isPast(intake.opensAt)) return { phase: "upcoming", text: tr("phase.upcoming"), opensAt: intake.opensAt };
  if (campaign.phase === "registration" || campaign.phase === "submission" || campaign.phase === "upcoming") {
    return { phase: "closed", text: tr("intake.closed") };
  }
  return { phase: campaign.phase, text: tr(phaseKey(campaign.phase)) };
}

/** The public phase badge, and the day the intake opens when it is still to come. */
export function CampaignPhaseBadge(props: { campaign: { phase: string; intake?: Intake } }): JSX.Element {
  const view = () => publicPhase(props.campaign);
  return (
    <>
      <span class={`badge phase-${view().phase}`} data-testid="phase">
        {view().text}
      </span>
      <Show when={view().opensAt}>
        {(at) => (
          <span class="deadline" data-testid="phase-opens">
            {tr("intake.opensOn", { date: formatDate(at()) })}
          </span>
        )}
      </Show>
    </>
  );
}

export function StatusBadge(props: { status: AdminCampaign["status"] }): JSX.Element {
  return (
    <span class={`badge campaign-${props.status}`} data-testid="campaign-status">
      {tr(props.status === "draft" ? "organiser.status.draft" : "organiser.status.published")}
    </span>
  );
}

export function unitName(units: OrgUnit[] | undefined, id: string | undefined): string {
  if (!id) return "";
  const unit = units?.find((u) => u.id === id);
  return unit ? pick(unit.name, unit.nameEn) : "";
}

interface CardCampaign {
  id: string;
  kind: Kind;
  title: string;
  titleEn?: string | null;
  orgUnit: string;
  phase: string;
  /** the public view has it (the badge tells whether she can take part); the organisers' does not */
  intake?: Intake;
}

/**
 * One campaign as a link: its title, who organises it, its phase. `before` and `after` go on
 * the badge line around the phase; `children` below it.
 */
export function CampaignCard(props: {
  campaign: CardCampaign;
  href: string;
  testId: string;
  units: OrgUnit[] | undefined;
  before?: JSX.Element;
  after?: JSX.Element;
  children?: JSX.Element;
}): JSX.Element {
  return (
    <li>
      <A href={props.href} class="card card-link" data-testid={props.testId}>
        <span class="card-title">{pick(props.campaign.title, props.campaign.titleEn)}</span>
        <Show when={unitName(props.units, props.campaign.orgUnit)}>
          {(name) => <span class="card-line">{tr("home.org", { name: name() })}</span>}
        </Show>
        <span class="card-line">
          {props.before}
          <CampaignPhaseBadge campaign={props.campaign} />
          {props.after}
        </span>
        {props.children}
      </A>
    </li>
  );
}

/**
 * The campaigns in a section per kind (talks first), each kind under its heading; kinds with
 * nothing in them are left out. `idPrefix` keeps ids and test ids apart between pages.
 */
export function KindGroups<T extends { id: string; kind: Kind }>(props: {
  items: T[];
  idPrefix: string;
  empty: string;
  children: (item: T) => JSX.Element;
}): JSX.Element {
  const groups = () =>
    KIND_ORDER.map((kind) => ({ kind, items: props.items.filter((c) => c.kind === kind) })).filter((g) => g.items.length > 0);
  return (
    <Show when={groups().length > 0} fallback={<p class="notice">{props.empty}</p>}>
      <For each={groups()}>
        {(group) => (
          <section
            class="group"
            aria-labelledby={`${props.idPrefix}kind-${group.kind}`}
            data-testid={`${props.idPrefix}kind-${group.kind}`}
          >
            <h2 id={`${props.idPrefix}kind-${group.kind}`}>{tr(`kind.${group.kind}`)}</h2>
            <ul class="cards">
              <For each={group.items}>{(item) => props.children(item)}</For>
            </ul>
          </section>
        )}
      </For>
    </Show>
  );
}
