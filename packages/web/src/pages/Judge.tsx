/** 我的评审: the rounds she is a judge of, how far she is in each, and the way in. */
import { For, Show, type JSX } from "solid-js";
import { A, createAsync, query } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { client, parseResponse } from "../api.ts";
import { pick, tr, usePageTitle } from "../i18n.ts";
import { RequireSignIn } from "../components/RequireSignIn.tsx";
import { bindJudge, unsentIn } from "../score-sync.ts";
import "../contest.css";

export const getAssignments = query(async () => {
  const { items } = await parseResponse(client.api.judge.assignments.$get());
  return items;
}, "judgeAssignments");

type Assignment = InferResponseType<typeof client.api.judge.assignments.$get>["items"][number];

export function preloadJudge(): void {
  void getAssignments().catch(() => undefined);
}

function AssignmentCard(props: { item: Assignment }): JSX.Element {
  const round = () => props.item.round;
  const progress = () => props.item.progress;
  const done = () => progress().scored + progress().recused;
  const locked = () => round().submitted || round().status !== "open";
  const unsent = () => unsentIn(round().id).length;
  return (
    <li class="card assignment" data-testid="assignment" data-round={round().id}>
      <h2 class="card-title">{pick(round().name, round().nameEn)}</h2>
      <Show when={round().campaignTitle}>{(t) => <p class="card-line">{t()}</p>}</Show>
      <Show when={locked()}>
        <p class="card-line">
          <span class="badge phase-closed" data-testid="assignment-locked">
            {round().submitted ? tr("judge.submittedBadge") : tr("judge.closedBadge")}
          </span>
        </p>
      </Show>
      <Show when={progress().ready} fallback={<p class="notice">{tr("judge.notReady")}</p>}>
        <p class="judge-count" data-testid="assignment-progress">
          {tr("judge.progress", { done: done(), total: progress().total })}
          <Show when={progress().recused > 0}> · {tr("judge.recusedCount", { n: progress().recused })}</Show>
        </p>
        <Show when={!locked() && unsent() > 0}>
          <p class="notice notice-warn">{tr("judge.pendingHere", { n: unsent() })}</p>
        </Show>
        <A
          href={`/judge/rounds/${encodeURIComponent(round().id)}`}
          class="button"
          classList={{ "button-primary": !locked(), "button-secondary": locked() }}
          data-testid={`open-round-${round().id}`}
        >
          {locked() ? tr("judge.view") : done() > 0 ? tr("judge.continue") : tr("judge.start")}
        </A>
      </Show>
    </li>
  );
}

function List(): JSX.Element {
  const items = createAsync(() => getAssignments());
  return (
    <Show when={items()}>
      {(list) => (
        <Show when={list().length > 0} fallback={<p class="notice">{tr("judge.empty")}</p>}>
          <p class="lead">{tr("judge.intro")}</p>
          <ul class="cards">
            <For each={list()}>{(item) => <AssignmentCard item={item} />}</For>
          </ul>
        </Show>
      )}
    </Show>
  );
}

export default function Judge(): JSX.Element {
  usePageTitle(() => tr("judge.title"));
  return (
    <div class="page">
      <h1 tabindex="-1">{tr("judge.title")}</h1>
      <RequireSignIn>
        {(user) => {
          // Scores left unsent on this phone go now, from whichever page she is on.
          bindJudge(user().id);
          return <List />;
        }}
      </RequireSignIn>
    </div>
  );
}
