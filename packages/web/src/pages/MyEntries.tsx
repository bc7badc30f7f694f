/**
 * 我的作品: what she entered (teams, nominations, stories), where each stands in plain words
 * (the reviewer's reason with it), changed while entries are open, withdrawn, and its result
 * once published.
 */
import { For, Match, Show, Suspense, Switch, createSignal, type JSX } from "solid-js";
import { A, action, createAsync, query, useAction } from "@solidjs/router";
import { createAsyncStore } from "../async-store.ts";
import type { MessageKey } from "@jinguo/core/messages";
import { client, parseResponse } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { formatDateTime } from "../format.ts";
import { formatScore } from "../score-total.ts";
import { getOrgUnits } from "../session.ts";
import { RequireSignIn } from "../components/RequireSignIn.tsx";
import { Loading } from "../components/Layout.tsx";
import { EntryForm, type MyEntry } from "../components/EntryForm.tsx";
import { getResults, shownScore } from "../components/Results.tsx";
import type { CampaignDetail, OrgUnit } from "../types.ts";
import { getCampaign } from "./Campaign.tsx";
import { ConfirmBox } from "../components/ConfirmBox.tsx";

export const getMyEntries = query(async () => {
  const { items } = await parseResponse(client.api.me.entries.$get({ query: { limit: "100" } }));
  return items;
}, "myEntries");

export const withdrawEntry = action(async (id: string) => {
  const { entry } = await parseResponse(client.api.entries[":id"].$delete({ param: { id: encodeURIComponent(id) } }));
  return entry;
}, "withdrawEntry");

export function preloadMyEntries(): void {
  // Only worth it when signed in; a 401 here is simply ignored (the page sends to sign-in).
  void getMyEntries().catch(() => undefined);
}

const editable = (e: MyEntry) => e.status === "submitted" || e.status === "changes_requested";

const statusKeys: Record<MyEntry["status"], MessageKey> = {
  submitted: "myEntries.status.submitted",
  approved: "myEntries.status.approved",
  rejected: "myEntries.status.rejected",
  changes_requested: "myEntries.status.changes_requested",
  withdrawn: "myEntries.status.withdrawn",
};

/** 已提交，等待审核 / 已通过 / 未通过：<reason> / 请修改：<reason> / 已撤回. */
function statusText(e: MyEntry): string {
  const status = tr(statusKeys[e.status]);
  const reason = e.reviewReason?.trim();
  return reason && (e.status === "rejected" || e.status === "changes_requested") ? tr("myEntries.withReason", { status, reason }) : status;
}

/** Her result once the campaign's results are out: her place and score, or a link to them. */
function EntryResult(props: { entry: MyEntry }): JSX.Element {
  const results = createAsync(() => getResults(props.entry.campaignId).catch(() => null));
  const mine = () => results()?.items.find((i) => i.entryId === props.entry.id);
  return (
    <Show when={results()}>
      <div class="entry-result" data-testid="entry-result-line">
        <Show when={mine()} fallback={<p>{tr("myEntries.resultsOut")}</p>}>
          {(m) => <p class="entry-rank">{tr("myEntries.result", { rank: m().rank, score: formatScore(shownScore(m())) })}</p>}
        </Show>
        <A href={`/campaigns/${encodeURIComponent(props.entry.campaignId)}`} class="button button-secondary">
          {tr("myEntries.seeResults")}
        </A>
      </div>
    </Show>
  );
}

/** Changing her entry: only while its campaign takes entries, read when she may change it. */
function EditArea(props: { entry: MyEntry; units: OrgUnit[]; onSaved: () => void }): JSX.Element {
  const campaign = createAsync(() => getCampaign(props.entry.campaignId).catch(() => undefined));
  const [open, setOpen] = createSignal(false);
  let button: HTMLButtonElement | undefined;
  return (
    <Show when={campaign()}>
      {(c) => (
        <Show when={c().intake.open} fallback={<p class="help">{tr("myEntries.editClosed")}</p>}>
          <Show
            when={open()}
            fallback={
              <button ref={button} type="button" class="button button-primary" data-testid="edit-entry" onClick={() => setOpen(true)}>
                {tr("myEntries.edit")}
              </button>
            }
          >
            <div class="edit-panel">
              <EntryForm
                campaign={c() as CampaignDetail}
                units={props.units}
                entry={props.entry}
                level={3}
                onBack={() => {
                  setOpen(false);
                  button?.focus();
                }}
                onSaved={() => {
                  setOpen(false);
                  props.onSaved();
                }}
              />
            </div>
          </Show>
        </Show>
      )}
    </Show>
  );
}

function EntryCard(props: { entry: MyEntry; units: OrgUnit[] }): JSX.Element {
  const e = () => props.entry;
  const [confirming, setConfirming] = createSignal(false);
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [note, setNote] = createSignal<string>();
  const withdraw = useAction(withdrawEntry);
  let withdrawButton: HTMLButtonElement | undefined;
  let statusLine: HTMLParagraphElement | undefined;

  const onConfirm = async () => {
    if (pending()) return;
    setPending(true);
    setError(undefined);
    try {
      await withdraw(e().id);
      setConfirming(false);
      setNote(tr("myEntries.withdrawnDone"));
      statusLine?.focus();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setPending(false);
    }
  };

  return (
    <li class="card entry-card" data-testid="entry-card" data-status={e().status} data-id={e().id}>
      <h2 class="card-title">{e().title || pick(e().campaignTitle, e().campaignTitleEn)}</h2>
      <p class="card-line">{tr("myEntries.campaign", { title: pick(e().campaignTitle, e().campaignTitleEn) })}</p>
      <p class="card-line">{tr("myEntries.sentAt", { time: formatDateTime(e().createdAt) })}</p>
      <p ref={statusLine} tabindex="-1" class={`status entry-status-${e().status}`} data-testid="entry-status">
        {statusText(e())}
      </p>
      <div aria-live="polite">
        <Show when={note()}>
          <p class="info" data-testid="entry-note">
            {note()}
          </p>
        </Show>
      </div>

      <Show when={e().status === "approved"}>
        <Suspense>
          <EntryResult entry={e()} />
        </Suspense>
      </Show>

      <Show when={editable(e())}>
        <Suspense fallback={<Loading />}>
          <EditArea
            entry={e()}
            units={props.units}
            onSaved={() => {
              setNote(tr("myEntries.saved"));
              statusLine?.focus();
            }}
          />
        </Suspense>
      </Show>

      <Show when={e().status !== "withdrawn"}>
        <Switch>
          <Match when={!confirming()}>
            <button
              ref={withdrawButton}
              type="button"
              class="button button-secondary"
              data-testid="withdraw-entry"
              onClick={() => {
                setConfirming(true);
              }}
            >
              {tr("myEntries.withdraw")}
            </button>
          </Match>
          <Match when={confirming()}>
            <ConfirmBox
              id={e().id}
              question={tr("myEntries.confirmWithdraw")}
              yes={tr("myEntries.confirmYes")}
              pendingYes={tr("myEntries.withdrawing")}
              no={tr("myEntries.confirmNo")}
              pending={pending()}
              yesTestId="confirm-withdraw"
              noTestId="keep-entry"
              onYes={onConfirm}
              onNo={() => {
                setConfirming(false);
                setError(undefined);
                withdrawButton?.focus();
              }}
            />
          </Match>
        </Switch>
      </Show>
      <Show when={error()}>
        <p class="field-error" role="alert">
          {error()}
        </p>
      </Show>
    </li>
  );
}

function List(): JSX.Element {
  // A store reconciled by id: after a change the list is fetched again and each card keeps its state.
  const items = createAsyncStore(() => getMyEntries());
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  return (
    <Show when={items()}>
      {(list) => (
        <Show
          when={list().length > 0}
          fallback={
            <div class="notice">
              <p>{tr("myEntries.empty")}</p>
              <A href="/" class="button button-primary">
                {tr("mine.browse")}
              </A>
            </div>
          }
        >
          <ul class="cards">
            <For each={list()}>{(e) => <EntryCard entry={e} units={units() ?? []} />}</For>
          </ul>
        </Show>
      )}
    </Show>
  );
}

export default function MyEntries(): JSX.Element {
  usePageTitle(() => tr("myEntries.title"));
  return (
    <div class="page">
      <h1 tabindex="-1">{tr("myEntries.title")}</h1>
      <RequireSignIn>{() => <List />}</RequireSignIn>
    </div>
  );
}
