/**
 * Fraud review (刷票排查) of a campaign's votes: the anomalies the server finds in the last day,
 * each with its evidence, and voiding — the votes of one anomaly, or every vote of one voter —
 * with a required reason and a confirmation. The list is read again afterwards: voided votes
 * drop out of it, and the public leaderboard shows them as void.
 */
import { For, Show, Suspense, createSignal, onMount, type JSX } from "solid-js";
import { A, action, createAsync, query, revalidate, useAction, useParams, type RoutePreloadFuncArgs } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import type { MessageKey } from "@jinguo/core/messages";
import { client, parseResponse } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { formatDateTime } from "../format.ts";
import { RequireOrganiser } from "../components/RequireOrganiser.tsx";
import { Loading } from "../components/Layout.tsx";
import { getContestCampaign } from "../components/ContestNav.tsx";
import "../organiser-contest.css";
import "../voting.css";

const votesApi = client.api.admin.campaigns[":id"].votes;
type Review = InferResponseType<typeof votesApi.anomalies.$get>;
type Anomaly = Review["items"][number];

export const getAnomalies = query(
  (campaignId: string) => parseResponse(votesApi.anomalies.$get({ param: { id: encodeURIComponent(campaignId) }, query: {} })),
  "voteAnomalies",
);

type Target = { voteIds: string[] } | { voterId: string };

export const voidVotes = action(async (input: { campaignId: string; target: Target; reason: string }) => {
  const outcome = await parseResponse(votesApi.void.$post({ param: { id: encodeURIComponent(input.campaignId) }, json: { ...input.target, reason: input.reason } }));
  await revalidate(getAnomalies.keyFor(input.campaignId));
  return outcome;
}, "voidVotes");

export function preloadOrganiserVotes({ params }: RoutePreloadFuncArgs): void {
  if (!params.id) return;
  void getContestCampaign(params.id).catch(() => undefined);
  void getAnomalies(params.id).catch(() => undefined);
}

const kindKey = (k: Anomaly["kind"]): MessageKey => `organiser.votes.kind.${k}`;
const evidenceText = (v: unknown) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

/** The reason, then "are you sure", then the request; `onDone` says how it went. */
function VoidForm(props: { campaignId: string; target: Target; label: string; onDone: (text: string) => void; onClose: () => void }): JSX.Element {
  const [reason, setReason] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [confirming, setConfirming] = createSignal(false);
  const [pending, setPending] = createSignal(false);
  const send = useAction(voidVotes);
  const id = `void-${Math.random().toString(36).slice(2, 8)}`;
  let input: HTMLTextAreaElement | undefined;
  onMount(() => input?.focus());

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (pending()) return;
    if (!reason().trim()) {
      setError(tr("organiser.votes.reasonRequired"));
      input?.focus();
      return;
    }
    if (!confirming()) return void setConfirming(true);
    setPending(true);
    setError(undefined);
    try {
      const outcome = await send({ campaignId: props.campaignId, target: props.target, reason: reason().trim() });
      props.onDone(tr("organiser.votes.voided", { n: outcome.voided.length, before: outcome.alreadyVoided.length }));
    } catch (e) {
      setError(errorText(e));
      setConfirming(false);
    } finally {
      setPending(false);
    }
  };

  return (
    <form class="edit-panel" novalidate onSubmit={onSubmit} data-testid="void-form">
      <p>
        <strong>{props.label}</strong>
      </p>
      <div class="field" classList={{ "has-error": !!error() }}>
        <label for={`${id}-reason`}>{tr("organiser.votes.reason")}</label>
        <p class="help" id={`${id}-help`}>
          {tr("organiser.votes.reasonHelp")}
        </p>
        <textarea
          ref={input}
          id={`${id}-reason`}
          maxLength={500}
          data-testid="void-reason"
          value={reason()}
          aria-invalid={error() ? "true" : undefined}
          aria-describedby={error() ? `${id}-help ${id}-error` : `${id}-help`}
          onInput={(e) => {
            setReason(e.currentTarget.value);
            setError(undefined);
            setConfirming(false);
          }}
        />
        <Show when={error()}>
          <p class="field-error" id={`${id}-error`} role="alert" data-testid="void-error">
            {error()}
          </p>
        </Show>
      </div>
      <Show
        when={confirming()}
        fallback={
          <button type="submit" class="button button-danger" data-testid="void-send">
            {tr("organiser.votes.voidButton")}
          </button>
        }
      >
        <p class="notice notice-warn" role="alert" data-testid="void-confirm-text">
          {tr("organiser.votes.confirm")}
        </p>
        <button type="submit" class="button button-danger" disabled={pending()} data-testid="void-confirm">
          {pending() ? tr("organiser.votes.voiding") : tr("organiser.votes.confirmYes")}
        </button>
      </Show>
      <button type="button" class="button button-secondary" onClick={() => (confirming() ? setConfirming(false) : props.onClose())}>
        {tr(confirming() ? "organiser.votes.confirmNo" : "organiser.entries.cancel")}
      </button>
    </form>
  );
}

function AnomalyCard(props: { campaignId: string; anomaly: Anomaly; onDone: (text: string) => void }): JSX.Element {
  const a = () => props.anomaly;
  const [open, setOpen] = createSignal<{ target: Target; label: string }>();
  return (
    <li class="card anomaly" data-testid="anomaly" data-kind={a().kind}>
      <h3 class="card-title">{tr(kindKey(a().kind))}</h3>
      <p class="card-line">{tr("organiser.votes.when", { from: formatDateTime(a().window.from), to: formatDateTime(a().window.to) })}</p>
      <p class="card-line">{tr("organiser.votes.count", { n: a().count, voters: a().voterIds.length })}</p>
      <dl class="anomaly-evidence">
        <dt>{tr("organiser.votes.evidence")}</dt>
        <For each={Object.entries(a().evidence)}>
          {([k, v]) => (
            <dd>
              {k}: {evidenceText(v)}
            </dd>
          )}
        </For>
      </dl>
      <Show
        when={open()}
        fallback={
          <div class="entry-actions">
            <button
              type="button"
              class="button button-danger"
              data-testid="void-anomaly"
              onClick={() => setOpen({ target: { voteIds: a().voteIds }, label: tr("organiser.votes.voidThese", { n: a().voteIds.length }) })}
            >
              {tr("organiser.votes.voidThese", { n: a().voteIds.length })}
            </button>
          </div>
        }
      >
        {(o) => <VoidForm campaignId={props.campaignId} target={o().target} label={o().label} onDone={props.onDone} onClose={() => setOpen(undefined)} />}
      </Show>
      <details>
        <summary class="button button-secondary">{tr("organiser.votes.voters")}</summary>
        <ul class="anomaly-ids">
          <For each={a().voterIds}>
            {(voter) => (
              <li>
                <span>{voter}</span>{" "}
                <button
                  type="button"
                  class="button button-secondary"
                  data-testid="void-voter"
                  onClick={() => setOpen({ target: { voterId: voter }, label: `${tr("organiser.votes.voidVoter")}：${voter}` })}
                >
                  {tr("organiser.votes.voidVoter")}
                </button>
              </li>
            )}
          </For>
          <Show when={a().truncated}>
            <li>{tr("organiser.votes.moreIds")}</li>
          </Show>
        </ul>
      </details>
    </li>
  );
}

/** Voiding by a voter id she has from elsewhere (a report, the audit log). */
function ByVoter(props: { campaignId: string; onDone: (text: string) => void }): JSX.Element {
  const [voter, setVoter] = createSignal("");
  const [chosen, setChosen] = createSignal<string>();
  const [error, setError] = createSignal<string>();
  return (
    <section class="group" aria-labelledby="by-voter-heading">
      <h2 id="by-voter-heading">{tr("organiser.votes.byVoter")}</h2>
      <Show
        when={chosen()}
        keyed
        fallback={
          <form
            novalidate
            onSubmit={(e) => {
              e.preventDefault();
              if (!voter().trim()) return void setError(tr("organiser.votes.voterIdRequired"));
              setChosen(voter().trim());
            }}
          >
            <div class="field" classList={{ "has-error": !!error() }}>
              <label for="void-voter-id">{tr("organiser.votes.voterId")}</label>
              <input id="void-voter-id" data-testid="void-voter-id" value={voter()} maxLength={64} onInput={(e) => (setVoter(e.currentTarget.value), setError(undefined))} />
              <Show when={error()}>
                <p class="field-error" role="alert">
                  {error()}
                </p>
              </Show>
            </div>
            <button type="submit" class="button button-secondary">
              {tr("organiser.votes.voidVoter")}
            </button>
          </form>
        }
      >
        {(id) => (
          <VoidForm
            campaignId={props.campaignId}
            target={{ voterId: id }}
            label={`${tr("organiser.votes.voidVoter")}：${id}`}
            onDone={(t) => (setChosen(undefined), setVoter(""), props.onDone(t))}
            onClose={() => setChosen(undefined)}
          />
        )}
      </Show>
    </section>
  );
}

function Review(props: { campaignId: string }): JSX.Element {
  const review = createAsync(() => getAnomalies(props.campaignId));
  const [done, setDone] = createSignal<string>();
  let notice: HTMLDivElement | undefined;
  const onDone = (text: string) => {
    setDone(text);
    notice?.focus();
  };
  return (
    <>
      <div ref={notice} tabindex="-1" aria-live="polite" class="live-notice">
        <Show when={done()}>
          <p class="info" data-testid="void-done">
            <span aria-hidden="true">✓</span> {done()}
          </p>
        </Show>
      </div>
      <Show when={review()}>
        {(r) => (
          <>
            <p data-testid="votes-window">{tr("organiser.votes.window", { from: formatDateTime(r().window.from), to: formatDateTime(r().window.to), n: r().votesRead })}</p>
            <Show when={r().truncated}>
              <p class="notice notice-warn">{tr("organiser.votes.truncated")}</p>
            </Show>
            <Show when={r().items.length > 0} fallback={<p class="notice" data-testid="anomalies-none">{tr("organiser.votes.none")}</p>}>
              <ul class="cards">
                <For each={r().items}>{(a) => <AnomalyCard campaignId={props.campaignId} anomaly={a} onDone={onDone} />}</For>
              </ul>
            </Show>
          </>
        )}
      </Show>
      <ByVoter campaignId={props.campaignId} onDone={onDone} />
    </>
  );
}

export default function OrganiserVotes(): JSX.Element {
  const params = useParams<{ id: string }>();
  usePageTitle(() => tr("organiser.votes.title"));
  const campaign = createAsync(() => getContestCampaign(params.id).catch(() => undefined));
  return (
    <article class="page">
      <RequireOrganiser>
        {() => (
          <>
            <p>
              <A href={`/organiser/campaigns/${encodeURIComponent(params.id)}`} class="back-link" end>
                <span aria-hidden="true">‹</span> {tr("organiser.contest.back")}
              </A>
            </p>
            <Show when={campaign()}>{(c) => <p class="contest-campaign">{pick(c().title, c().titleEn)}</p>}</Show>
            <h1 tabindex="-1" data-testid="votes-title">
              {tr("organiser.votes.title")}
            </h1>
            <Suspense fallback={<Loading />}>
              <Review campaignId={params.id} />
            </Suspense>
          </>
        )}
      </RequireOrganiser>
    </article>
  );
}
