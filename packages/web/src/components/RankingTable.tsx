/**
 * A closed round's ranking: rank (shared ranks said so), the entry, its score, each judge's
 * total with the dropped ones struck through, recusals, and who goes on. On a phone the table
 * scrolls sideways inside its own box; the page does not.
 */
import { For, Show, createSignal, onCleanup, onMount, type JSX } from "solid-js";
import type { InferResponseType } from "hono/client";
import type { client } from "../api.ts";
import { tr } from "../i18n.ts";
import { unitLabel } from "./ContestNav.tsx";
import type { OrgUnit } from "../types.ts";

type RankingAnswer = InferResponseType<(typeof client.api.admin.rounds)[":roundId"]["ranking"]["$get"]>;
export type RankingLine = RankingAnswer["items"][number];

interface Column {
  key: string;
  label: string;
  judgeId?: string;
}

/** One column per judge: the round's judges in the order they were invited, then anyone else who scored. */
function columns(items: RankingLine[], judges: { userId: string; judge: string }[]): Column[] {
  const out: Column[] = judges.map((j) => ({ key: j.userId, label: j.judge, judgeId: j.userId }));
  for (const item of items) {
    for (const s of item.scores) if (!out.some((c) => c.judgeId === s.judgeId)) out.push({ key: s.judgeId, label: s.judge, judgeId: s.judgeId });
    // Recusals come by name only: a judge who recused from everything still gets her column.
    for (const name of item.recused) if (!out.some((c) => c.label === name)) out.push({ key: `recused:${name}`, label: name });
  }
  return out;
}

/** A total as typed (8.5, 27.25), never 8.500000001. */
const points = (n: number) => String(Math.round(n * 1000) / 1000);

export function RankingTable(props: {
  items: RankingLine[];
  judges: { userId: string; judge: string }[];
  units: OrgUnit[] | undefined;
  aggregate: string;
  advance?: number;
  forced?: boolean;
}): JSX.Element {
  const cols = () => columns(props.items, props.judges);
  const shared = (rank: number | null) => rank !== null && props.items.filter((i) => i.rank === rank).length > 1;
  const advancing = () => props.items.filter((i) => i.advances).length;
  const cutRank = () => props.items.find((i) => i.tiedAtCut)?.rank;
  const anyDropped = () => props.items.some((i) => i.scores.some((s) => s.dropped));
  const fellBack = () => props.aggregate === "trimmed_mean" && props.items.some((i) => i.fellBack);
  // The hint only when the table is wider than its box (a phone, or many judges on a laptop).
  const [overflows, setOverflows] = createSignal(false);
  let box: HTMLDivElement | undefined;
  onMount(() => {
    const measure = () => setOverflows(!!box && box.scrollWidth > box.clientWidth + 1);
    measure();
    if (typeof ResizeObserver === "function" && box) {
      const observer = new ResizeObserver(measure);
      observer.observe(box);
      onCleanup(() => observer.disconnect());
    }
  });

  return (
    <>
      <Show when={overflows()}>
        <p class="help scroll-hint" data-testid="ranking-scroll-hint">
          {tr("organiser.ranking.scrollHint")}
        </p>
      </Show>
      <div ref={box} class="table-scroll" role="region" aria-labelledby="ranking-heading" tabindex="0" data-testid="ranking-scroll">
        <table class="ranking-table" data-testid="ranking-table">
          <thead>
            <tr>
              <th scope="col">{tr("organiser.ranking.rank")}</th>
              <th scope="col">{tr("organiser.ranking.entry")}</th>
              <th scope="col">{tr("organiser.ranking.score")}</th>
              <For each={cols()}>
                {(c) => (
                  <th scope="col" class="judge-col">
                    {c.label}
                  </th>
                )}
              </For>
              <Show when={props.advance !== undefined}>
                <th scope="col">{tr("organiser.ranking.advances")}</th>
              </Show>
            </tr>
          </thead>
          <tbody>
            <For each={props.items}>
              {(item) => (
                <tr data-testid="ranking-row" data-entry={item.entryId} classList={{ advances: item.advances }}>
                  <td class="rank" data-testid="ranking-rank">
                    <Show when={item.rank !== null} fallback={<span aria-label={tr("organiser.ranking.unranked")}>—</span>}>
                      <strong>{item.rank}</strong>
                      <Show when={shared(item.rank)}>
                        <span class="tie"> {tr("organiser.ranking.tie")}</span>
                      </Show>
                    </Show>
                  </td>
                  <th scope="row" class="entry">
                    <span class="entry-title">{item.title || "—"}</span>
                    <span class="small">{unitLabel(props.units, item.orgUnit)}</span>
                  </th>
                  <td class="score" data-testid="ranking-score">
                    <Show when={item.score !== null} fallback="—">
                      <strong>{item.score!.toFixed(2)}</strong>
                      <Show when={props.aggregate === "trimmed_mean" && item.fellBack}>
                        <span class="small fell-back">{tr("organiser.ranking.fellBackMark")}</span>
                      </Show>
                    </Show>
                  </td>
                  <For each={cols()}>
                    {(c) => {
                      const given = () => (c.judgeId ? item.scores.find((s) => s.judgeId === c.judgeId) : undefined);
                      return (
                        <td class="judge-score" data-testid="ranking-judge-total">
                          <Show
                            when={given()}
                            fallback={
                              item.recused.includes(c.label) ? (
                                <span class="recused">{tr("organiser.ranking.recused")}</span>
                              ) : (
                                <span aria-label={tr("organiser.ranking.noScore")}>—</span>
                              )
                            }
                          >
                            {(s) => (
                              <Show when={s().dropped} fallback={points(s().total)}>
                                {/* <s> is not read out: the word is, for screen readers. */}
                                <span class="visually-hidden">{tr("organiser.ranking.droppedSr")}</span>
                                <s data-testid="ranking-dropped">{points(s().total)}</s>
                              </Show>
                            )}
                          </Show>
                        </td>
                      );
                    }}
                  </For>
                  <Show when={props.advance !== undefined}>
                    <td class="advance" data-testid="ranking-advance">
                      <Show when={item.advances}>
                        <span class="advance-mark">
                          <span aria-hidden="true">✓</span> {tr(item.tiedAtCut ? "organiser.ranking.advanceTied" : "organiser.ranking.advance")}
                        </span>
                      </Show>
                    </td>
                  </Show>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={anyDropped()}>
        <p class="help" data-testid="ranking-dropped-note">
          {tr("organiser.ranking.droppedNote")}
        </p>
      </Show>
      <Show when={cutRank() !== undefined && props.advance !== undefined}>
        <p class="notice notice-warn" data-testid="ranking-tie-note">
          {tr("organiser.ranking.tieAtCut", { rank: cutRank() ?? 0, n: advancing(), advance: props.advance ?? 0 })}
        </p>
      </Show>
      <Show when={fellBack()}>
        <p class="notice notice-warn" data-testid="ranking-fell-back-note">
          {tr("organiser.ranking.fellBack")}
        </p>
      </Show>
      <Show when={props.forced}>
        <p class="notice notice-warn" data-testid="ranking-forced-note">
          {tr("organiser.ranking.forced")}
        </p>
      </Show>
    </>
  );
}
