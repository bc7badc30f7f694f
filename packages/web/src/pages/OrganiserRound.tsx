/**
 * One judging round, for the organiser who runs it: its rubric, its judges (invite by number)
 * and how far each has got, closing it (forced only on purpose, and she is told it is logged),
 * the ranking once closed, and, on the campaign's final round, publishing the results.
 */
import { For, Show, Suspense, createSignal, type JSX } from "solid-js";
import { action, createAsync, query, revalidate, useAction, useParams, type RoutePreloadFuncArgs } from "@solidjs/router";
import { ApiError, client, newIdempotencyKey, parseResponse } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { formatDate, formatDateTime, isPast } from "../format.ts";
import { getMe, getOrgUnits } from "../session.ts";
import { RequireOrganiser } from "../components/RequireOrganiser.tsx";
import { Loading } from "../components/Layout.tsx";
import { ContestNav, contestHref, getContestCampaign, managesUnit, unitLabel } from "../components/ContestNav.tsx";
import { aggregateKey } from "../components/RoundForm.tsx";
import { RankingTable } from "../components/RankingTable.tsx";
import { RoundStatusBadge, getRounds, roundHref } from "./OrganiserRounds.tsx";
import type { CampaignDetail, OrgUnit } from "../types.ts";

const roundApi = client.api.admin.rounds[":roundId"];
const byRound = (roundId: string) => ({ param: { roundId: encodeURIComponent(roundId) } });

export const getRoundProgress = query((roundId: string) => parseResponse(roundApi.progress.$get(byRound(roundId))), "roundProgress");
export const getRoundRanking = query((roundId: string) => parseResponse(roundApi.ranking.$get(byRound(roundId))), "roundRanking");

type Progress = Awaited<ReturnType<typeof getRoundProgress>>;
type RoundView = Progress["round"];
type JudgeLine = Progress["judges"][number];

export const inviteJudge = action(async (input: { roundId: string; phone: string; idempotencyKey: string }) => {
  const { judge } = await parseResponse(
    roundApi.judges.$post({ ...byRound(input.roundId), json: { phone: input.phone } }, { headers: { "Idempotency-Key": input.idempotencyKey } }),
  );
  return judge;
}, "inviteJudge");

export const closeRound = action(async (input: { roundId: string; force: boolean }) => {
  return parseResponse(roundApi.close.$post({ ...byRound(input.roundId), json: input.force ? { force: true } : {} }));
}, "closeRound");

export const publishResults = action(async (campaignId: string) => {
  const { results } = await parseResponse(client.api.admin.campaigns[":id"].results.publish.$post({ param: { id: encodeURIComponent(campaignId) } }));
  return results;
}, "publishResults");

export function preloadOrganiserRound({ params }: RoutePreloadFuncArgs): void {
  if (!params.id || !params.roundId) return;
  void getContestCampaign(params.id).catch(() => undefined);
  void getRoundProgress(params.roundId).catch(() => undefined);
  void getRounds(params.id).catch(() => undefined);
  void getOrgUnits().catch(() => undefined);
}

function RubricSummary(props: { round: RoundView; units: OrgUnit[] | undefined; rounds: { id: string; name: string; nameEn?: string; orgUnit: string }[] }): JSX.Element {
  const r = () => props.round;
  const name = (id: string) => {
    const found = props.rounds.find((x) => x.id === id);
    return found ? `${pick(found.name, found.nameEn)} · ${unitLabel(props.units, found.orgUnit)}` : id;
  };
  return (
    <section class="group" aria-labelledby="rubric-heading">
      <h2 id="rubric-heading">{tr("organiser.round.rubric")}</h2>
      <ul class="rubric-list" data-testid="round-criteria">
        <For each={r().rubric.criteria}>
          {(c) => (
            <li>
              <strong>{pick(c.label, c.labelEn)}</strong>{" "}
              <span class="small">{tr("organiser.round.criterionLine", { max: c.max, weight: c.weight })}</span>
            </li>
          )}
        </For>
      </ul>
      <p class="card-line">{tr("organiser.rounds.total", { total: r().max })}</p>
      <p class="card-line">{tr(aggregateKey(r().rubric.aggregate))}</p>
      <Show when={r().rubric.blind}>
        <p class="card-line">{tr("organiser.rounds.blind")}</p>
      </Show>
      <p class="card-line">{r().advance !== undefined ? tr("organiser.round.advanceN", { n: r().advance ?? 0 }) : tr("organiser.round.noAdvance")}</p>
      <Show when={r().from?.length}>
        <p class="card-line">{tr("organiser.round.fromList", { rounds: (r().from ?? []).map(name).join(tr("common.listSeparator")) })}</p>
      </Show>
    </section>
  );
}

function InviteForm(props: { roundId: string; judges: JudgeLine[] }): JSX.Element {
  const [phone, setPhone] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [done, setDone] = createSignal<string>();
  const [pending, setPending] = createSignal(false);
  const send = useAction(inviteJudge);
  let idempotencyKey = newIdempotencyKey();
  let input: HTMLInputElement | undefined;

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (pending()) return;
    const number = phone().replace(/[\s-]/g, "");
    if (!/^1\d{10}$/.test(number)) {
      setError(tr(number ? "FIELD_PHONE" : "FIELD_REQUIRED"));
      input?.focus();
      return;
    }
    // Read before sending: once it succeeds, the judges are read again and she is among them.
    const before = new Set(props.judges.map((j) => j.userId));
    setPending(true);
    setError(undefined);
    setDone(undefined);
    try {
      const judge = await send({ roundId: props.roundId, phone: number, idempotencyKey });
      setDone(tr(before.has(judge.userId) ? "organiser.round.judgeAlready" : "organiser.round.judgeInvited", { judge: judge.judge }));
      setPhone("");
      idempotencyKey = newIdempotencyKey();
    } catch (e) {
      if (e instanceof ApiError && e.status > 0) idempotencyKey = newIdempotencyKey();
      const field = e instanceof ApiError && e.code === "VALIDATION" ? tr("FIELD_PHONE") : undefined;
      setError(field ?? errorText(e));
      input?.focus();
    } finally {
      setPending(false);
    }
  };

  return (
    <form class="edit-panel" novalidate onSubmit={onSubmit} data-testid="judge-invite-form">
      <div class="field" classList={{ "has-error": !!error() }}>
        <label for="judge-phone">{tr("organiser.round.invitePhone")}</label>
        <p class="help" id="judge-phone-help">
          {tr("organiser.round.inviteHelp")}
        </p>
        <input
          ref={input}
          id="judge-phone"
          type="tel"
          inputmode="numeric"
          autocomplete="off"
          maxLength={13}
          class="big-input"
          data-testid="judge-phone"
          value={phone()}
          aria-invalid={error() ? "true" : undefined}
          aria-describedby={error() ? "judge-phone-help judge-phone-error" : "judge-phone-help"}
          onInput={(e) => {
            setPhone(e.currentTarget.value);
            setError(undefined);
          }}
        />
        <Show when={error()}>
          <p class="field-error" id="judge-phone-error" role="alert" data-testid="judge-invite-error">
            {error()}
          </p>
        </Show>
      </div>
      <div aria-live="polite">
        <Show when={done()}>
          <p class="info" data-testid="judge-invited">
            <span aria-hidden="true">✓</span> {done()}
          </p>
        </Show>
      </div>
      <button type="submit" class="button button-primary" data-testid="judge-invite" disabled={pending()}>
        {pending() ? tr("organiser.round.inviting") : tr("organiser.round.invite")}
      </button>
    </form>
  );
}

function Judges(props: { progress: Progress }): JSX.Element {
  const p = () => props.progress;
  const [refreshing, setRefreshing] = createSignal(false);
  return (
    <section class="group" aria-labelledby="judges-heading">
      <h2 id="judges-heading">{tr("organiser.round.judges")}</h2>
      <Show
        when={p().ready}
        fallback={<p class="notice" data-testid="round-waiting">{tr("organiser.round.waiting")}</p>}
      >
        <p class="seats" data-testid="round-entries-count">
          {tr("organiser.round.entries", { n: p().entries })}
        </p>
      </Show>
      <Show when={p().judges.length > 0} fallback={<p class="notice" data-testid="judges-empty">{tr("organiser.round.noJudges")}</p>}>
        <ul class="reg-list" data-testid="judges">
          <For each={p().judges}>
            {(j) => (
              <li class="reg-row judge-row" data-testid="judge-row" data-judge={j.userId}>
                <p class="reg-name">
                  <strong>{j.judge}</strong>
                  <span class={`status ${j.submitted ? "status-confirmed" : "status-waitlisted"}`} data-testid="judge-submitted">
                    {tr(j.submitted ? "organiser.round.submitted" : "organiser.round.notSubmitted")}
                  </span>
                </p>
                <Show when={j.name && j.phone}>
                  <p class="card-line mono">{j.phone}</p>
                </Show>
                <Show when={p().ready}>
                  <p class="card-line" data-testid="judge-progress">
                    {tr("organiser.round.scored", { scored: j.scored, total: p().entries })}
                    <Show when={j.recused > 0}> · {tr("organiser.round.recusedN", { n: j.recused })}</Show>
                  </p>
                  <progress
                    class="judge-bar"
                    max={Math.max(1, p().entries)}
                    value={Math.min(p().entries, j.scored + j.recused)}
                    aria-label={tr("organiser.round.scored", { scored: j.scored + j.recused, total: p().entries })}
                  />
                </Show>
                <Show when={j.submittedAt}>{(at) => <p class="card-line small">{tr("organiser.round.submittedAt", { time: formatDateTime(at()) })}</p>}</Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={p().ready && p().items.length > 0}>
        <details class="entry-progress">
          <summary>{tr("organiser.round.perEntry")}</summary>
          <ul class="reg-list">
            <For each={p().items}>
              {(e) => (
                <li class="reg-row">
                  {e.number} {e.title} · {tr("organiser.round.entryScores", { n: e.scores, judges: p().judges.length })}
                  <Show when={e.recused > 0}> · {tr("organiser.round.recusedN", { n: e.recused })}</Show>
                </li>
              )}
            </For>
          </ul>
        </details>
      </Show>
      <Show when={p().round.status === "open"}>
        <button
          type="button"
          class="button button-secondary"
          data-testid="round-refresh"
          disabled={refreshing()}
          onClick={async () => {
            setRefreshing(true);
            try {
              await revalidate(getRoundProgress.keyFor(p().round.id));
            } finally {
              setRefreshing(false);
            }
          }}
        >
          {refreshing() ? tr("common.loading") : tr("organiser.round.refresh")}
        </button>
        <InviteForm roundId={p().round.id} judges={p().judges} />
      </Show>
    </section>
  );
}

type Missing = { judgeId: string; count: number }[];

/** What ROUND_INCOMPLETE says is missing: per judge, how many entries she has not scored. */
function missingOf(error: unknown): { count: number; missing: Missing } | undefined {
  if (!(error instanceof ApiError) || error.code !== "ROUND_INCOMPLETE") return undefined;
  const d = error.details as { count?: unknown; missing?: unknown } | undefined;
  const missing = Array.isArray(d?.missing)
    ? d.missing.flatMap((m: { judgeId?: unknown; count?: unknown }) =>
        typeof m?.judgeId === "string" && typeof m.count === "number" ? [{ judgeId: m.judgeId, count: m.count }] : [],
      )
    : [];
  return { count: typeof d?.count === "number" ? d.count : missing.reduce((n, m) => n + m.count, 0), missing };
}

function CloseRound(props: { progress: Progress }): JSX.Element {
  const p = () => props.progress;
  const [step, setStep] = createSignal<"idle" | "confirm" | "incomplete" | "force">("idle");
  const [missing, setMissing] = createSignal<{ count: number; missing: Missing }>();
  const [error, setError] = createSignal<string>();
  const [pending, setPending] = createSignal(false);
  const close = useAction(closeRound);
  let panel: HTMLDivElement | undefined;
  const judgeName = (id: string) => p().judges.find((j) => j.userId === id)?.judge ?? "—";
  const go = (next: ReturnType<typeof step>) => {
    setStep(next);
    queueMicrotask(() => panel?.querySelector<HTMLElement>("[data-focus]")?.focus());
  };

  const send = async (force: boolean) => {
    if (pending()) return;
    setPending(true);
    setError(undefined);
    try {
      await close({ roundId: p().round.id, force });
      setStep("idle");
    } catch (e) {
      const found = missingOf(e);
      if (found) {
        setMissing(found);
        go("incomplete");
      } else {
        setError(errorText(e));
      }
    } finally {
      setPending(false);
    }
  };

  return (
    <section class="group" aria-labelledby="close-heading">
      <h2 id="close-heading">{tr("organiser.round.close")}</h2>
      <p>{tr("organiser.round.closeHelp")}</p>
      <div ref={panel}>
        <Show when={step() === "idle"}>
          <button type="button" class="button button-primary" data-testid="round-close" onClick={() => go("confirm")}>
            {tr("organiser.round.closeButton")}
          </button>
        </Show>
        <Show when={step() === "confirm"}>
          <div class="notice notice-warn" data-testid="round-close-confirm">
            <p data-focus tabindex="-1">
              {tr("organiser.round.closeConfirm")}
            </p>
            <button type="button" class="button button-primary" data-testid="round-close-yes" disabled={pending()} onClick={() => send(false)}>
              {pending() ? tr("organiser.round.closing") : tr("organiser.round.closeYes")}
            </button>
            <button type="button" class="button button-secondary" onClick={() => go("idle")}>
              {tr("organiser.round.closeNo")}
            </button>
          </div>
        </Show>
        <Show when={step() === "incomplete" && missing()}>
          {(m) => (
            <div class="notice notice-error" role="alert" data-testid="round-incomplete">
              <p data-focus tabindex="-1">
                <strong>{tr("organiser.round.incomplete", { n: m().count })}</strong>
              </p>
              <ul>
                <For each={m().missing}>
                  {(x) => (
                    <li data-testid="round-missing">{tr("organiser.round.missingLine", { judge: judgeName(x.judgeId), n: x.count })}</li>
                  )}
                </For>
              </ul>
              <p>{tr("organiser.round.incompleteHelp")}</p>
              <button type="button" class="button button-secondary" onClick={() => go("idle")}>
                {tr("organiser.round.waitForJudges")}
              </button>
              <button type="button" class="button button-danger" data-testid="round-force" onClick={() => go("force")}>
                {tr("organiser.round.force")}
              </button>
            </div>
          )}
        </Show>
        <Show when={step() === "force"}>
          <div class="notice notice-error" data-testid="round-force-confirm">
            <p data-focus tabindex="-1">
              <strong>{tr("organiser.round.forceConfirm")}</strong>
            </p>
            <button type="button" class="button button-danger" data-testid="round-force-yes" disabled={pending()} onClick={() => send(true)}>
              {pending() ? tr("organiser.round.closing") : tr("organiser.round.forceYes")}
            </button>
            <button type="button" class="button button-secondary" onClick={() => go("idle")}>
              {tr("organiser.round.closeNo")}
            </button>
          </div>
        </Show>
      </div>
      <Show when={error()}>
        <p class="field-error" role="alert" data-testid="round-close-error">
          {error()}
        </p>
      </Show>
    </section>
  );
}

/** 公示中 until <date>, or published for good. */
function PublishedNote(props: { round: RoundView }): JSX.Element {
  const ends = () => props.round.publicityEndsAt;
  return (
    <p class="notice notice-success" data-testid="results-published">
      <Show when={ends() && !isPast(ends())} fallback={tr("organiser.round.publishedFinal")}>
        {tr("organiser.round.publicityUntil", { date: formatDate(ends()) })}
      </Show>
    </p>
  );
}

function Publish(props: { campaign: CampaignDetail; round: RoundView }): JSX.Element {
  const [confirming, setConfirming] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [pending, setPending] = createSignal(false);
  const publish = useAction(publishResults);
  let yes: HTMLButtonElement | undefined;

  const send = async () => {
    if (pending()) return;
    setPending(true);
    setError(undefined);
    try {
      await publish(props.campaign.id);
      setConfirming(false);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setPending(false);
    }
  };

  return (
    <section class="group" aria-labelledby="publish-heading">
      <h2 id="publish-heading">{tr("organiser.round.publish")}</h2>
      <Show when={!props.round.publishedAt} fallback={<PublishedNote round={props.round} />}>
        <p>{tr("organiser.round.publishHelp")}</p>
        <Show
          when={confirming()}
          fallback={
            <button
              type="button"
              class="button button-primary"
              data-testid="results-publish"
              onClick={() => {
                setConfirming(true);
                queueMicrotask(() => yes?.focus());
              }}
            >
              {tr("organiser.round.publishButton")}
            </button>
          }
        >
          <div class="notice notice-warn" data-testid="results-publish-confirm">
            <p>{tr("organiser.round.publishConfirm")}</p>
            <button ref={yes} type="button" class="button button-primary" data-testid="results-publish-yes" disabled={pending()} onClick={send}>
              {pending() ? tr("organiser.round.publishing") : tr("organiser.round.publishYes")}
            </button>
            <button type="button" class="button button-secondary" onClick={() => setConfirming(false)}>
              {tr("organiser.round.publishNo")}
            </button>
          </div>
        </Show>
        <Show when={error()}>
          <p class="field-error" role="alert" data-testid="results-publish-error">
            {error()}
          </p>
        </Show>
      </Show>
    </section>
  );
}

function Ranking(props: { progress: Progress; units: OrgUnit[] | undefined }): JSX.Element {
  const ranking = createAsync(() => getRoundRanking(props.progress.round.id));
  return (
    <section class="group" aria-labelledby="ranking-heading">
      <h2 id="ranking-heading">{tr("organiser.ranking.title")}</h2>
      <Suspense fallback={<Loading />}>
        <Show when={ranking()}>
          {(r) => (
            <Show when={r().items.length > 0} fallback={<p class="notice">{tr("organiser.ranking.empty")}</p>}>
              <RankingTable
                items={r().items}
                judges={props.progress.judges}
                units={props.units}
                aggregate={r().round.rubric.aggregate}
                advance={r().round.advance}
                forced={!!r().round.forced}
              />
            </Show>
          )}
        </Show>
      </Suspense>
    </section>
  );
}

function RoundAdmin(props: { campaignId: string; roundId: string }): JSX.Element {
  const campaign = createAsync(() => getContestCampaign(props.campaignId));
  const progress = createAsync(() => getRoundProgress(props.roundId));
  const rounds = createAsync(() => getRounds(props.campaignId).catch(() => []));
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  const me = createAsync(() => getMe().catch(() => null));
  usePageTitle(() => {
    const r = progress()?.round;
    return r ? pick(r.name, r.nameEn) : tr("organiser.rounds.title");
  });
  // The final round is the one no other round follows; only its results are published.
  const isFinal = (roundId: string) => !(rounds() ?? []).some((r) => r.from?.includes(roundId));
  const canPublish = (c: CampaignDetail) => c.capabilities.includes("results") && managesUnit(me(), c.orgUnit);

  return (
    <Show when={progress()}>
      {(p) => (
        <>
          <h1 tabindex="-1" data-testid="round-title">
            {pick(p().round.name, p().round.nameEn)} · {unitLabel(units(), p().round.orgUnit)}
          </h1>
          <p class="card-line">
            <RoundStatusBadge round={p().round} />
            <Show when={p().round.closedAt}>
              {(at) => <span class="small">{tr("organiser.round.closedAt", { date: formatDateTime(at()) })}</span>}
            </Show>
          </p>
          <Show when={p().waitingFor.length > 0}>
            <p class="notice notice-warn" data-testid="round-waiting-for">
              {tr("organiser.round.waitingFor", {
                rounds: p()
                  .waitingFor.map((id) => {
                    const r = (rounds() ?? []).find((x) => x.id === id);
                    return r ? `${pick(r.name, r.nameEn)} · ${unitLabel(units(), r.orgUnit)}` : id;
                  })
                  .join(tr("common.listSeparator")),
              })}
            </p>
          </Show>
          <Show when={p().round.status === "closed"}>
            <Ranking progress={p()} units={units()} />
            <Show when={campaign() && isFinal(p().round.id) && canPublish(campaign()!)}>
              <Publish campaign={campaign()!} round={p().round} />
            </Show>
            <Show when={!isFinal(p().round.id)}>
              <p class="notice" data-testid="round-next">
                {tr("organiser.round.nextRounds", {
                  rounds: (rounds() ?? [])
                    .filter((r) => r.from?.includes(p().round.id))
                    .map((r) => `${pick(r.name, r.nameEn)} · ${unitLabel(units(), r.orgUnit)}`)
                    .join(tr("common.listSeparator")),
                })}
              </p>
              <For each={(rounds() ?? []).filter((r) => r.from?.includes(p().round.id))}>
                {(next) => (
                  <a href={roundHref(props.campaignId, next.id)} class="button button-secondary">
                    {tr("organiser.round.goTo", { name: pick(next.name, next.nameEn), unit: unitLabel(units(), next.orgUnit) })}
                  </a>
                )}
              </For>
            </Show>
          </Show>
          <Judges progress={p()} />
          <Show when={p().round.status !== "closed"}>
            <CloseRound progress={p()} />
          </Show>
          <RubricSummary round={p().round} units={units()} rounds={rounds() ?? []} />
          <p>
            <a href={contestHref(props.campaignId, "rounds")} class="back-link" data-testid="back-to-rounds">
              <span aria-hidden="true">‹</span> {tr("organiser.round.backToRounds")}
            </a>
          </p>
        </>
      )}
    </Show>
  );
}

export default function OrganiserRound(): JSX.Element {
  const params = useParams<{ id: string; roundId: string }>();
  usePageTitle(() => tr("organiser.rounds.title"));
  return (
    <article class="page">
      <RequireOrganiser>
        {() => (
          <>
            <ContestNav campaignId={params.id} current="rounds" exact={false} />
            <RoundAdmin campaignId={params.id} roundId={params.roundId} />
          </>
        )}
      </RequireOrganiser>
    </article>
  );
}
