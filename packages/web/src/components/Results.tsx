/** A campaign's published ranking (公示 or final), for its page and for 我的作品. */
import { For, Show, type JSX } from "solid-js";
import { query } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { ApiError, client, parseResponse } from "../api.ts";
import { tr } from "../i18n.ts";
import { formatDate } from "../format.ts";
import { formatScore } from "../score-total.ts";
import "../contest.css";

export type PublishedResults = InferResponseType<(typeof client.api.campaigns)[":id"]["results"]["$get"], 200>;

type Line = PublishedResults["items"][number];

/** The score a line is ranked by: judges and public votes combined where a campaign has both. */
export function shownScore(line: Line): number {
  return line.combined ?? line.judgeScore;
}

/** The published results, or null before there are any (the server's 404). */
export const getResults = query(async (campaignId: string): Promise<PublishedResults | null> => {
  try {
    return await parseResponse(client.api.campaigns[":id"].results.$get({ param: { id: encodeURIComponent(campaignId) } }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}, "campaignResults");

export function ResultsSection(props: { results: PublishedResults }): JSX.Element {
  const r = () => props.results;
  return (
    <section class="group results" aria-labelledby="results-heading" data-testid="results">
      <h2 id="results-heading">{tr("results.title")}</h2>
      <p class="card-line">
        <Show
          when={r().status === "publicity"}
          fallback={
            <span class="badge phase-closed" data-testid="results-status">
              {tr("results.final")}
            </span>
          }
        >
          <span class="badge phase-publicity" data-testid="results-status">
            {tr("results.publicity")}
          </span>
          <Show when={r().publicityEndsAt}>
            {(at) => <span class="deadline">{tr("results.publicityUntil", { date: formatDate(at()) })}</span>}
          </Show>
        </Show>
      </p>
      <p class="card-line">{r().roundName}</p>
      <Show when={r().items.length > 0} fallback={<p class="notice">{tr("results.empty")}</p>}>
        <ol class="ranking">
          <For each={r().items}>
            {(item) => (
              <li class="ranking-row" data-testid="result-row" data-entry={item.entryId}>
                <span class="ranking-rank" classList={{ top: item.rank <= 3 }}>
                  {tr("results.rank", { rank: item.rank })}
                </span>
                <span class="ranking-title">{item.title}</span>
                <span class="ranking-score">{tr("results.score", { score: formatScore(shownScore(item)) })}</span>
              </li>
            )}
          </For>
        </ol>
      </Show>
      <Show when={r().status === "publicity"}>
        <p class="help">{tr("results.publicityHelp")}</p>
      </Show>
    </section>
  );
}
