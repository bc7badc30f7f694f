/**
 * One approved entry, as the public sees it: its public fields and photos, and during the
 * campaign's voting phase a large 投一票. The vote is optimistic — the count goes up at once —
 * and when the server refuses it the count goes back and she is told why in plain words.
 * Beside it: how many votes she has left today, and the leaderboard.
 */
import { For, Match, Show, Suspense, Switch, createSignal, type JSX } from "solid-js";
import { A, createAsync, query, useNavigate, useParams, type RoutePreloadFuncArgs } from "@solidjs/router";
import type { MessageKey } from "@jinguo/core/messages";
import { ApiError, client, newIdempotencyKey, parseResponse } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { getMe, getOrgUnits } from "../session.ts";
import type { CampaignDetail, FormField, OrgUnit } from "../types.ts";
import { unitName } from "../components/CampaignCards.tsx";
import { photoIds, uploadUrl, type PublicEntry } from "../components/Gallery.tsx";
import { getCampaign } from "./Campaign.tsx";
import "../voting.css";

export const getPublicEntry = query(async (id: string) => {
  const { entry } = await parseResponse(client.api.entries[":id"].$get({ param: { id: encodeURIComponent(id) } }));
  return entry;
}, "publicEntry");

export const getLeaderboard = query(
  (campaignId: string) => parseResponse(client.api.campaigns[":id"].leaderboard.$get({ param: { id: encodeURIComponent(campaignId) } })),
  "leaderboard",
);

/** Her day in this campaign; null when she is not signed in. */
export const getMyVotes = query(async (campaignId: string) => {
  try {
    return await parseResponse(client.api.me.votes.$get({ query: { campaignId } }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}, "myVotes");

export function preloadEntry({ params }: RoutePreloadFuncArgs): void {
  if (params.id) void getPublicEntry(params.id).catch(() => undefined);
  void getOrgUnits().catch(() => undefined);
}

const has = (c: CampaignDetail, capability: string) => (c.capabilities as readonly string[]).includes(capability);

/** A public answer as words; photos are shown apart. */
function answerText(field: FormField, value: unknown, units: OrgUnit[] | undefined): string {
  if (value === undefined || value === null || value === "") return "";
  const label = (v: unknown) => {
    const option = field.options?.find((o) => o.value === v);
    return option ? pick(option.label, option.labelEn) : String(v);
  };
  switch (field.type) {
    case "orgUnit":
      return typeof value === "string" ? unitName(units, value) || value : "";
    case "choice":
      return label(value);
    case "multichoice":
      return Array.isArray(value) ? value.map(label).join(tr("common.listSeparator")) : "";
    case "consent":
    case "image":
      return "";
    default:
      return typeof value === "object" ? "" : String(value);
  }
}

/** Why a vote was refused, in her words; undefined for "sign in first" (she is sent to sign in). */
function refusal(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return errorText(error);
  const byCode: Record<string, MessageKey> = {
    ALREADY_VOTED: "vote.refused.alreadyVoted",
    DAILY_LIMIT: "vote.refused.dailyLimit",
    PHASE_CLOSED: "vote.refused.closed",
    RATE_LIMITED: "vote.refused.tooFast",
  };
  if (error.status === 401) return undefined;
  const key = byCode[error.code];
  return key ? tr(key) : tr("vote.refused.notCounted") + errorText(error);
}

/** The count, the button and what is left today; then `children` (the entry itself); then the leaderboard. */
function VotePanel(props: { campaign: CampaignDetail; entry: PublicEntry; children: JSX.Element }): JSX.Element {
  const navigate = useNavigate();
  const me = createAsync(() => getMe().catch(() => null));
  const myDay = createAsync(() => (me() ? getMyVotes(props.campaign.id).catch(() => null) : Promise.resolve(null)));
  const board = createAsync(() => getLeaderboard(props.campaign.id).catch(() => null));
  // The board is a few seconds old: a vote she saw counted stays counted (a floor), and the one
  // on its way is added on top until the server answers.
  const [floor, setFloor] = createSignal(0);
  const [inFlight, setInFlight] = createSignal(0);
  const [left, setLeft] = createSignal<number>();
  const [message, setMessage] = createSignal<{ kind: "done" | "refused"; text: string }>();
  let idempotencyKey = newIdempotencyKey();

  const line = () => board()?.items.find((l) => l.entryId === props.entry.id);
  const counted = () => {
    const l = line();
    return l && "votes" in l ? l.votes : undefined;
  };
  const shownCount = () => {
    const c = counted();
    return c === undefined ? undefined : Math.max(c, floor()) + inFlight();
  };
  const remaining = () => left() ?? myDay()?.remainingToday;
  const open = () => props.campaign.phase === "voting";
  const here = () => `/entries/${encodeURIComponent(props.entry.id)}`;
  const toSignIn = () => navigate(`/signin?next=${encodeURIComponent(here())}`);

  const vote = async () => {
    if (inFlight() > 0) return;
    if (!me()) return toSignIn();
    const before = counted() === undefined ? undefined : Math.max(counted()!, floor());
    setMessage(undefined);
    setInFlight(1);
    try {
      const answer = await parseResponse(
        client.api.campaigns[":id"].votes.$post(
          { param: { id: encodeURIComponent(props.campaign.id) }, json: { entryId: props.entry.id } },
          { headers: { "Idempotency-Key": idempotencyKey } },
        ),
      );
      idempotencyKey = newIdempotencyKey();
      if (before !== undefined) setFloor(before + 1);
      setLeft(answer.remainingToday);
      setMessage({ kind: "done", text: tr("vote.done") });
    } catch (error) {
      // No answer at all: a retry is the same vote (the key stays); an answer: the next tap is a new one.
      if (error instanceof ApiError && error.status > 0) idempotencyKey = newIdempotencyKey();
      if (error instanceof ApiError && error.code === "DAILY_LIMIT") setLeft(0);
      const text = refusal(error);
      if (text === undefined) return toSignIn();
      setMessage({ kind: "refused", text });
    } finally {
      setInFlight(0);
    }
  };

  return (
    <>
    <section class="group vote-panel" aria-label={tr("vote.button")} data-testid="vote-panel">
      <Show when={shownCount() !== undefined}>
        <p class="vote-count">
          <span class="vote-count-label">{tr("vote.countLabel")}</span>
          <strong data-testid="vote-count" data-count={shownCount()}>
            {tr("vote.count", { n: shownCount()! })}
          </strong>
        </p>
      </Show>
      <Show when={open()} fallback={<p class="notice" data-testid="vote-closed">{tr("vote.notOpen")}</p>}>
        <button type="button" class="button button-primary vote-button" data-testid="vote-button" aria-busy={inFlight() > 0 ? "true" : undefined} onClick={vote}>
          {me() ? (inFlight() > 0 ? tr("vote.sending") : tr("vote.button")) : tr("vote.signIn")}
        </button>
        <div aria-live="polite" class="live-notice">
          <Show when={message()}>
            {(m) => (
              <p class={m().kind === "done" ? "info" : "notice notice-error"} role={m().kind === "refused" ? "alert" : undefined} data-testid={m().kind === "done" ? "vote-done" : "vote-refused"}>
                {m().text}
              </p>
            )}
          </Show>
        </div>
        <Switch>
          <Match when={!me()}>
            <p class="help">{tr("vote.signInHelp")}</p>
          </Match>
          <Match when={remaining() !== undefined}>
            <p class="vote-left" data-testid="votes-left" data-left={remaining()}>
              {remaining()! > 0 ? tr("vote.left", { n: remaining()! }) : tr("vote.noneLeft")}
            </p>
          </Match>
        </Switch>
        <Show when={myDay()}>{(d) => <p class="help">{tr("vote.rules", { perDay: d().votesPerDay, perEntry: d().perEntryPerDay })}</p>}</Show>
      </Show>
    </section>
    {props.children}
      <Show when={board()}>
        {(b) => (
          <section class="leaderboard" aria-labelledby="leaderboard-heading" data-testid="leaderboard">
            <h2 id="leaderboard-heading">{tr("vote.leaderboard")}</h2>
            <p class="help">{tr("vote.leaderboardHelp")}</p>
            <Show when={b().items.length > 0} fallback={<p class="notice">{tr("vote.leaderboardEmpty")}</p>}>
              <ol class="board">
                <For each={b().items}>
                  {(l, i) => {
                    const mine = () => l.entryId === props.entry.id;
                    const votes = () => ("votes" in l ? (mine() ? shownCount() : l.votes) : undefined);
                    const voided = () => ("voidedVotes" in l ? l.voidedVotes : undefined);
                    return (
                      <li class="board-line" classList={{ "board-mine": mine() }} data-testid="board-line" data-entry={l.entryId}>
                        <span class="board-rank">{tr("vote.rank", { n: i() + 1 })}</span>
                        <A href={`/entries/${encodeURIComponent(l.entryId)}`} class="board-title">
                          {l.title}
                          <Show when={mine()}> {tr("vote.thisOne")}</Show>
                        </A>
                        <Show when={votes() !== undefined}>
                          <span class="board-votes" data-testid="board-votes">
                            {tr("vote.count", { n: votes()! })}
                          </span>
                        </Show>
                        <Show when={voided()}>
                          {(n) => (
                            <span class="board-voided" data-testid="board-voided">
                              {tr("vote.voided", { n: n() })}
                            </span>
                          )}
                        </Show>
                      </li>
                    );
                  }}
                </For>
              </ol>
            </Show>
          </section>
        )}
      </Show>
    </>
  );
}

export default function Entry(): JSX.Element {
  const params = useParams<{ id: string }>();
  const entry = createAsync(() => getPublicEntry(params.id).catch(() => null));
  // The entry with its campaign (its form says which answers are what), as one value.
  const view = createAsync(async () => {
    const e = await getPublicEntry(params.id).catch(() => null);
    return e ? { e, c: await getCampaign(e.campaignId) } : undefined;
  });
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  usePageTitle(() => entry()?.title);

  return (
    <article class="page entry-page">
      <Show when={entry() !== null} fallback={<p class="notice" data-testid="entry-not-found">{tr("entryPage.notFound")}</p>}>
        <Show when={view()}>
          {(v) => {
            const answers = () => (v().e.answers ?? {}) as Record<string, unknown>;
            const fields = () =>
              v()
                .c.form.fields.filter((f) => !(f.type === "text" && answers()[f.key] === v().e.title))
                .map((f) => ({ field: f, text: answerText(f, answers()[f.key], units()), photos: photoIds(f, answers()[f.key]) }))
                .filter((a) => a.text !== "" || a.photos.length > 0);
            const answersList = () => (
              <dl class="answers entry-answers">
                <For each={fields()}>
                  {(a) => (
                    <div class="answer">
                      <dt>{pick(a.field.label, a.field.labelEn)}</dt>
                      <dd classList={{ description: a.field.type === "textarea", "entry-photos": a.photos.length > 0 }} data-testid={`entry-answer-${a.field.key}`}>
                        <Show when={a.photos.length > 0} fallback={a.text}>
                          <For each={a.photos}>
                            {(id, i) => (
                              <img src={uploadUrl(id)} alt={tr("entryPage.photoAlt", { title: v().e.title, n: i() + 1 })} loading="lazy" decoding="async" data-testid="entry-photo" />
                            )}
                          </For>
                        </Show>
                      </dd>
                    </div>
                  )}
                </For>
              </dl>
            );
            return (
              <>
                <p>
                  <A href={`/campaigns/${encodeURIComponent(v().c.id)}`} class="back-link">
                    <span aria-hidden="true">‹</span> {tr("entryPage.back")}
                  </A>
                </p>
                <p class="contest-campaign">{pick(v().c.title, v().c.titleEn)}</p>
                <h1 tabindex="-1" data-testid="entry-title">
                  {v().e.title}
                </h1>
                <Show when={unitName(units(), v().e.orgUnit)}>{(name) => <p class="card-line">{tr("entryPage.unit", { unit: name() })}</p>}</Show>
                <Show when={has(v().c, "voting")} fallback={answersList()}>
                  <Suspense>
                    <VotePanel campaign={v().c} entry={v().e}>
                      {answersList()}
                    </VotePanel>
                  </Suspense>
                </Show>
              </>
            );
          }}
        </Show>
      </Show>
    </article>
  );
}
