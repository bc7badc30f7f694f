/**
 * The review queue of a campaign's entries (teams, nominees, stories), by status: she approves
 * one, rejects it with a reason, or sends it back for changes. What she may see is the API's to
 * decide (a county's organiser gets her county's entries); personal answers come masked.
 */
import { For, Show, Suspense, createSignal, onMount, type JSX } from "solid-js";
import { action, createAsync, query, useAction, useParams, useSearchParams, type RoutePreloadFuncArgs } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import type { MessageKey } from "@jinguo/core/messages";
import { client, parseResponse } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { formatDateTime } from "../format.ts";
import { getOrgUnits } from "../session.ts";
import { RequireOrganiser } from "../components/RequireOrganiser.tsx";
import { Loading } from "../components/Layout.tsx";
import { ContestNav, contestHref, getContestCampaign, unitLabel } from "../components/ContestNav.tsx";
import type { CampaignDetail, FormField, OrgUnit } from "../types.ts";
import "../voting.css";

const PAGE_SIZE = 20;
/** The statuses an organiser works through, in the order of the tabs (withdrawn ones are hers, not the queue's). */
const STATUSES = ["submitted", "approved", "rejected", "changes_requested"] as const;
type QueueStatus = (typeof STATUSES)[number];
const isQueueStatus = (s: string | undefined): s is QueueStatus => STATUSES.includes(s as QueueStatus);

const entriesApi = client.api.admin.campaigns[":id"].entries;
type ReviewEntry = InferResponseType<typeof entriesApi.$get>["items"][number];

export const getReviewEntries = query(
  (campaignId: string, status: QueueStatus, cursor: string | undefined) =>
    parseResponse(entriesApi.$get({ param: { id: encodeURIComponent(campaignId) }, query: { status, limit: String(PAGE_SIZE), cursor } })),
  "reviewEntries",
);

type Decision = "approve" | "reject" | "requestChanges";

/** One review; afterwards every list on the page is read again, so the entry moves to its new tab. */
export const reviewEntry = action(async (input: { entryId: string; decision: Decision; reason?: string }) => {
  const entry = client.api.admin.entries[":id"];
  const param = { id: encodeURIComponent(input.entryId) };
  if (input.decision === "approve") return (await parseResponse(entry.approve.$post({ param }))).entry;
  const json = { reason: input.reason ?? "" };
  if (input.decision === "reject") return (await parseResponse(entry.reject.$post({ param, json }))).entry;
  return (await parseResponse(entry["request-changes"].$post({ param, json }))).entry;
}, "reviewEntry");

export function preloadOrganiserEntries({ params, location }: RoutePreloadFuncArgs): void {
  if (!params.id) return;
  const status = new URLSearchParams(location.search).get("status") ?? undefined;
  void getContestCampaign(params.id).catch(() => undefined);
  void getReviewEntries(params.id, isQueueStatus(status) ? status : "submitted", undefined).catch(() => undefined);
  void getOrgUnits().catch(() => undefined);
}

const statusKey = (s: string): MessageKey => `organiser.entries.status.${isQueueStatus(s) ? s : "submitted"}`;

/** An answer as words: units by name, choices by label; images are shown as photos, not here. */
function answerText(field: FormField, value: unknown, units: OrgUnit[] | undefined): string {
  if (value === undefined || value === null || value === "") return "";
  switch (field.type) {
    case "orgUnit":
      return typeof value === "string" ? unitLabel(units, value) : "";
    case "choice": {
      const option = field.options?.find((o) => o.value === value);
      return option ? pick(option.label, option.labelEn) : String(value);
    }
    case "multichoice":
      return Array.isArray(value)
        ? value.map((v) => {
            const option = field.options?.find((o) => o.value === v);
            return option ? pick(option.label, option.labelEn) : String(v);
          }).join(tr("common.listSeparator"))
        : "";
    case "consent":
      return value === true ? tr("organiser.entries.consented") : "";
    default:
      return typeof value === "object" ? "" : String(value);
  }
}

const photoIds = (field: FormField, value: unknown): string[] =>
  field.type === "image" && Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && /^[\w-]{1,80}$/.test(v)) : [];

/** Reject or send back: the reason is required, and she is told the entrant reads it. */
function ReasonForm(props: {
  entry: ReviewEntry;
  decision: "reject" | "requestChanges";
  onSent: () => void;
  onClose: () => void;
}): JSX.Element {
  const id = () => `${props.decision}-${props.entry.id}`;
  const [reason, setReason] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [pending, setPending] = createSignal(false);
  const send = useAction(reviewEntry);
  let input: HTMLTextAreaElement | undefined;
  onMount(() => input?.focus());

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (pending()) return;
    if (!reason().trim()) {
      setError(tr("organiser.entries.reasonRequired"));
      input?.focus();
      return;
    }
    setPending(true);
    setError(undefined);
    try {
      await send({ entryId: props.entry.id, decision: props.decision, reason: reason().trim() });
      props.onSent();
    } catch (e) {
      setError(errorText(e));
      input?.focus();
    } finally {
      setPending(false);
    }
  };

  return (
    <form class="edit-panel" novalidate onSubmit={onSubmit} data-testid={`entry-${props.decision}-form-${props.entry.id}`}>
      <div class="field" classList={{ "has-error": !!error() }}>
        <label for={`reason-${id()}`}>
          {tr(props.decision === "reject" ? "organiser.entries.rejectReason" : "organiser.entries.changesReason")}
        </label>
        <p class="help" id={`reason-help-${id()}`}>
          {tr("organiser.entries.reasonHelp")}
        </p>
        <textarea
          ref={input}
          id={`reason-${id()}`}
          maxLength={500}
          data-testid={`entry-reason-${props.entry.id}`}
          value={reason()}
          aria-invalid={error() ? "true" : undefined}
          aria-describedby={error() ? `reason-help-${id()} reason-error-${id()}` : `reason-help-${id()}`}
          onInput={(e) => {
            setReason(e.currentTarget.value);
            setError(undefined);
          }}
        />
        <Show when={error()}>
          <p class="field-error" id={`reason-error-${id()}`} role="alert" data-testid={`entry-reason-error-${props.entry.id}`}>
            {error()}
          </p>
        </Show>
      </div>
      <button
        type="submit"
        class={props.decision === "reject" ? "button button-danger" : "button button-warn"}
        data-testid={`entry-${props.decision}-send-${props.entry.id}`}
        disabled={pending()}
      >
        {pending()
          ? tr("organiser.saving")
          : tr(props.decision === "reject" ? "organiser.entries.rejectSend" : "organiser.entries.changesSend")}
      </button>
      <button type="button" class="button button-secondary" onClick={() => props.onClose()}>
        {tr("organiser.entries.cancel")}
      </button>
    </form>
  );
}

function EntryCard(props: {
  entry: ReviewEntry;
  campaign: CampaignDetail;
  units: OrgUnit[] | undefined;
  onReviewed: (title: string, decision: Decision) => void;
}): JSX.Element {
  const e = () => props.entry;
  const [open, setOpen] = createSignal<"reject" | "requestChanges">();
  const [error, setError] = createSignal<string>();
  const [pending, setPending] = createSignal(false);
  const send = useAction(reviewEntry);
  const answers = () => (e().answers ?? {}) as Record<string, unknown>;
  // The title and the unit are said above already; the consent is in every entry.
  const shown = () =>
    props.campaign.form.fields
      .filter((f) => f.type !== "consent" && !(f.type === "text" && answers()[f.key] === e().title) && !(f.type === "orgUnit" && answers()[f.key] === e().orgUnit))
      .map((f) => ({ field: f, text: answerText(f, answers()[f.key], props.units), photos: photoIds(f, answers()[f.key]) }))
      .filter((a) => (a.field.type === "image" ? a.photos.length > 0 : a.text !== ""));
  const title = () => e().title || tr("organiser.entries.noTitle");
  // An approval is final; anything else can still be decided again (another reason, or approved after all).
  const reviewable = () => e().status !== "approved" && e().status !== "withdrawn";

  const approve = async () => {
    if (pending()) return;
    setPending(true);
    setError(undefined);
    try {
      await send({ entryId: e().id, decision: "approve" });
      props.onReviewed(title(), "approve");
    } catch (err) {
      setError(errorText(err));
    } finally {
      setPending(false);
    }
  };

  return (
    <li class="card review-card" data-testid="entry-card" data-id={e().id} data-status={e().status}>
      <h3 class="card-title" data-testid="entry-title">
        {title()}
      </h3>
      <p class="card-line">
        <span class={`status review-status-${e().status}`} data-testid="entry-status">
          {tr(statusKey(e().status))}
        </span>
      </p>
      <p class="card-line" data-testid="entry-unit">
        {tr("organiser.entries.unit", { unit: unitLabel(props.units, e().orgUnit) })}
      </p>
      <p class="card-line small">{tr("organiser.entries.at", { time: formatDateTime(e().createdAt) })}</p>
      <Show when={e().reviewReason}>
        {(reason) => (
          <p class="notice notice-warn review-reason" data-testid="entry-review-reason">
            <strong>{tr("organiser.entries.reasonShown")}</strong> {reason()}
          </p>
        )}
      </Show>
      <dl class="answers">
        <For each={shown()}>
          {(a) => (
            <div class="answer">
              <dt>{pick(a.field.label, a.field.labelEn)}</dt>
              <dd classList={{ description: a.field.type === "textarea", "entry-photos": a.field.type === "image" }} data-testid={`entry-answer-${a.field.key}`}>
                <Show when={a.field.type === "image"} fallback={a.text}>
                  <For each={a.photos}>
                    {(id) => (
                      <img
                        src={`/api/uploads/${encodeURIComponent(id)}`}
                        alt={tr("organiser.entries.photoAlt", { title: title() })}
                        loading="lazy"
                        decoding="async"
                        data-testid="entry-photo"
                      />
                    )}
                  </For>
                </Show>
              </dd>
            </div>
          )}
        </For>
      </dl>
      <Show when={reviewable() && (e().screening ?? []).length > 0}>
        <ScreeningMarks campaign={props.campaign} marks={e().screening ?? []} />
      </Show>
      <Show when={error()}>
        <p class="field-error" role="alert" data-testid={`entry-error-${e().id}`}>
          {error()}
        </p>
      </Show>
      <Show when={reviewable()}>
        <Show
          when={open()}
          fallback={
            <div class="entry-actions">
              <button type="button" class="button button-primary" data-testid={`entry-approve-${e().id}`} disabled={pending()} onClick={approve}>
                {pending() ? tr("organiser.saving") : tr("organiser.entries.approve")}
              </button>
              <Show when={e().status !== "changes_requested"}>
                <button
                  type="button"
                  class="button button-secondary"
                  data-testid={`entry-request-changes-${e().id}`}
                  onClick={() => setOpen("requestChanges")}
                >
                  {tr("organiser.entries.requestChanges")}
                </button>
              </Show>
              <Show when={e().status !== "rejected"}>
                <button type="button" class="button button-secondary" data-testid={`entry-reject-${e().id}`} onClick={() => setOpen("reject")}>
                  {tr("organiser.entries.reject")}
                </button>
              </Show>
            </div>
          }
        >
          {(decision) => (
            <ReasonForm
              entry={e()}
              decision={decision()}
              onSent={() => props.onReviewed(title(), decision())}
              onClose={() => setOpen(undefined)}
            />
          )}
        </Show>
      </Show>
    </li>
  );
}

/** Words from the sensitive-word list, each where it was found: read before approving. */
function ScreeningMarks(props: { campaign: CampaignDetail; marks: NonNullable<ReviewEntry["screening"]> }): JSX.Element {
  const label = (key: string) => {
    const f = props.campaign.form.fields.find((x) => x.key === key);
    return f ? pick(f.label, f.labelEn) : key;
  };
  // The excerpt around the word, with the word itself marked.
  const parts = (excerpt: string, word: string) => {
    const at = excerpt.toLowerCase().indexOf(word.toLowerCase());
    return at < 0 ? { before: excerpt, word: "", after: "" } : { before: excerpt.slice(0, at), word: excerpt.slice(at, at + word.length), after: excerpt.slice(at + word.length) };
  };
  return (
    <div class="screening" role="note" data-testid="entry-screening">
      <strong>
        <span aria-hidden="true">⚠ </span>
        {tr("organiser.screening.title")}
      </strong>
      <p>{tr("organiser.screening.help")}</p>
      <ul>
        <For each={props.marks}>
          {(m) => {
            const p = parts(m.excerpt, m.word);
            return (
              <li data-testid="screening-mark">
                {tr("organiser.screening.mark", { field: label(m.field), word: m.word })}
                {p.before}
                <Show when={p.word}>
                  <mark>{p.word}</mark>
                </Show>
                {p.after}
              </li>
            );
          }}
        </For>
      </ul>
    </div>
  );
}

/** One page of entries; the last page loaded offers the next. */
function EntryPage(props: {
  campaign: CampaignDetail;
  status: QueueStatus;
  cursor: string | undefined;
  first: boolean;
  last: boolean;
  units: OrgUnit[] | undefined;
  onMore: (cursor: string) => void;
  onReviewed: (title: string, decision: Decision) => void;
}): JSX.Element {
  const page = createAsync(() => getReviewEntries(props.campaign.id, props.status, props.cursor));
  return (
    <Show when={page()}>
      {(p) => (
        <>
          <Show when={props.first && p().items.length === 0}>
            <p class="notice" data-testid="entries-empty">
              {tr(`organiser.entries.empty.${props.status}`)}
            </p>
          </Show>
          <ul class="cards">
            <For each={p().items}>
              {(entry) => <EntryCard entry={entry} campaign={props.campaign} units={props.units} onReviewed={props.onReviewed} />}
            </For>
          </ul>
          <Show when={props.last && p().cursor}>
            {(next) => (
              <button type="button" class="button button-secondary" data-testid="entries-more" onClick={() => props.onMore(next())}>
                {tr("organiser.loadMore")}
              </button>
            )}
          </Show>
        </>
      )}
    </Show>
  );
}

const doneKey: Record<Decision, MessageKey> = {
  approve: "organiser.entries.approved",
  reject: "organiser.entries.rejected",
  requestChanges: "organiser.entries.changesRequested",
};

function EntriesQueue(props: { campaignId: string }): JSX.Element {
  const campaign = createAsync(() => getContestCampaign(props.campaignId));
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  const [search] = useSearchParams<{ status?: string }>();
  const status = (): QueueStatus => (isQueueStatus(search.status) ? search.status : "submitted");
  const [done, setDone] = createSignal<{ title: string; decision: Decision }>();
  let notice: HTMLDivElement | undefined;

  return (
    <Show when={campaign()}>
      {(c) => (
        <>
          <nav class="tabs tabs-4" aria-label={tr("organiser.entries.byStatus")}>
            <For each={STATUSES}>
              {(s) => (
                <a
                  href={`${contestHref(c().id, "entries")}${s === "submitted" ? "" : `?status=${s}`}`}
                  class="tab"
                  classList={{ "tab-current": status() === s }}
                  aria-current={status() === s ? "page" : undefined}
                  data-testid={`entries-tab-${s}`}
                  onClick={() => setDone(undefined)}
                >
                  {tr(statusKey(s))}
                </a>
              )}
            </For>
          </nav>
          <div ref={notice} tabindex="-1" aria-live="polite" class="live-notice">
            <Show when={done()}>
              {(d) => (
                <p class="info" data-testid="entry-reviewed">
                  <span aria-hidden="true">✓</span> {tr(doneKey[d().decision], { title: d().title })}
                </p>
              )}
            </Show>
          </div>
          {/* A new list for each tab: its own pages, from the first. */}
          <Show when={status()} keyed>
            {(s) => {
              const [cursors, setCursors] = createSignal<(string | undefined)[]>([undefined]);
              return (
                <section aria-label={tr(statusKey(s))} data-testid={`entries-${s}`}>
                  <For each={cursors()}>
                    {(cursor, i) => (
                      <Suspense fallback={<Loading />}>
                        <EntryPage
                          campaign={c()}
                          status={s}
                          cursor={cursor}
                          first={i() === 0}
                          last={i() === cursors().length - 1}
                          units={units()}
                          onMore={(next) => setCursors([...cursors(), next])}
                          onReviewed={(title, decision) => {
                            setDone({ title, decision });
                            // The card she acted on leaves the list: focus stays near, on what happened.
                            notice?.focus();
                          }}
                        />
                      </Suspense>
                    )}
                  </For>
                </section>
              );
            }}
          </Show>
        </>
      )}
    </Show>
  );
}

export default function OrganiserEntries(): JSX.Element {
  const params = useParams<{ id: string }>();
  usePageTitle(() => tr("organiser.entries.title"));
  return (
    <article class="page">
      <RequireOrganiser>
        {() => (
          <>
            <ContestNav campaignId={params.id} current="entries" />
            <h1 tabindex="-1" data-testid="entries-title">
              {tr("organiser.entries.title")}
            </h1>
            <EntriesQueue campaignId={params.id} />
          </>
        )}
      </RequireOrganiser>
    </article>
  );
}
