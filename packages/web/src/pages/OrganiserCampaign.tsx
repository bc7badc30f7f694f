import { For, Show, Suspense, createSignal, onMount, type JSX } from "solid-js";
import {
  A,
  action,
  createAsync,
  query,
  useAction,
  useParams,
  useSearchParams,
  type RoutePreloadFuncArgs,
} from "@solidjs/router";
import { createAsyncStore } from "../async-store.ts";
import type { InferRequestType, InferResponseType } from "hono/client";
import { ApiError, client, newIdempotencyKey, parseResponse } from "../api.ts";
import { errorText, pick, tr, usePageTitle } from "../i18n.ts";
import { formatDateTime, formatTimeRange } from "../format.ts";
import { getMe, getOrgUnits, ownsUnit } from "../session.ts";
import { RequireOrganiser } from "../components/RequireOrganiser.tsx";
import { Loading } from "../components/Layout.tsx";
import { fieldErrorsFrom } from "../components/RegistrationForm.tsx";
import type { Message } from "../components/FormFields.tsx";
import type { AdminCampaign, OrgUnit, SessionView } from "../types.ts";
import { PhaseBadge, StatusBadge, unitName } from "../components/CampaignCards.tsx";
import { ContestLinks } from "../components/ContestNav.tsx";

const PAGE_SIZE = 50;
const MAX_CAPACITY = 100_000;

const campaignApi = client.api.admin.campaigns[":id"];
const byId = (id: string) => ({ param: { id: encodeURIComponent(id) } });

export const getAdminCampaign = query(async (id: string) => {
  const { campaign } = await parseResponse(campaignApi.$get(byId(id)));
  return campaign;
}, "adminCampaign");

export const getSessionRegistrations = query(
  (campaignId: string, sessionId: string, cursor: string | undefined) =>
    parseResponse(campaignApi.registrations.$get({ ...byId(campaignId), query: { sessionId, limit: String(PAGE_SIZE), cursor } })),
  "adminRegistrations",
);

type AdminRegistration = InferResponseType<typeof campaignApi.registrations.$get>["items"][number];

export const updateSession = action(
  async (input: { campaignId: string; sessionId: string; change: { capacity?: number; waitlist?: boolean } }) => {
    const { session } = await parseResponse(
      campaignApi.sessions[":sessionId"].$patch({
        param: { id: encodeURIComponent(input.campaignId), sessionId: encodeURIComponent(input.sessionId) },
        json: input.change,
      }),
    );
    return session;
  },
  "updateSession",
);

type NewSession = InferRequestType<typeof campaignApi.sessions.$post>["json"];

export const addSession = action(async (input: { campaignId: string; session: NewSession; idempotencyKey: string }) => {
  const { session } = await parseResponse(
    campaignApi.sessions.$post({ ...byId(input.campaignId), json: input.session }, { headers: { "Idempotency-Key": input.idempotencyKey } }),
  );
  return session;
}, "addSession");

export function preloadOrganiserCampaign({ params }: RoutePreloadFuncArgs): void {
  if (params.id) void getAdminCampaign(params.id).catch(() => undefined);
  void getOrgUnits().catch(() => undefined);
}

/** A whole number of places the API accepts, or undefined. */
function parseCapacity(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,6}$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return n <= MAX_CAPACITY ? n : undefined;
}

/** The answer keys that hold her name and her phone (the server masks exactly these). */
function personKeys(campaign: AdminCampaign): { name?: string; phone?: string } {
  const fields = campaign.form.fields;
  return {
    name: fields.find((f) => f.type === "text" && /(^name$|Name$)/.test(f.key) && !/^(team|dance|story|title)/i.test(f.key))?.key,
    phone: fields.find((f) => f.type === "phone")?.key,
  };
}

const answerText = (r: AdminRegistration, key: string | undefined) => {
  const value = key ? r.answers[key] : undefined;
  return typeof value === "string" ? value : "";
};

function RegistrationRow(props: { registration: AdminRegistration; keys: { name?: string; phone?: string } }): JSX.Element {
  const r = () => props.registration;
  return (
    <li class="reg-row" data-testid="registration-row" data-status={r().status} data-id={r().id}>
      <p class="reg-name">
        <strong>{answerText(r(), props.keys.name) || tr("organiser.reg.noName")}</strong>
        <span class={`status status-${r().status}`} data-testid="registration-row-status">
          {tr(`organiser.reg.${r().status}`)}
        </span>
      </p>
      <Show when={answerText(r(), props.keys.phone)}>
        {(phone) => (
          <p class="card-line mono" data-testid="registration-row-phone">
            {tr("organiser.reg.phone", { phone: phone() })}
          </p>
        )}
      </Show>
      <Show when={r().checkedInAt}>
        {(at) => (
          <p class="reg-checked-in" data-testid="registration-row-checked-in">
            <span aria-hidden="true">✓</span> {tr("organiser.reg.checkedIn", { time: formatDateTime(at()) })}
          </p>
        )}
      </Show>
      <p class="card-line small">{tr("organiser.reg.at", { time: formatDateTime(r().createdAt) })}</p>
    </li>
  );
}

/** One page of 50; the last page loaded offers the next. */
function RegistrationPage(props: {
  campaign: AdminCampaign;
  sessionId: string;
  cursor: string | undefined;
  first: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
}): JSX.Element {
  const page = createAsync(() => getSessionRegistrations(props.campaign.id, props.sessionId, props.cursor));
  const keys = () => personKeys(props.campaign);
  return (
    <Show when={page()}>
      {(p) => (
        <>
          <Show when={props.first && p().items.length === 0}>
            <p class="notice" data-testid="registrations-empty">
              {tr("organiser.noRegistrations")}
            </p>
          </Show>
          <ul class="reg-list">
            <For each={p().items}>{(r) => <RegistrationRow registration={r} keys={keys()} />}</For>
          </ul>
          <Show when={props.last && p().cursor}>
            {(next) => (
              <button
                type="button"
                class="button button-secondary"
                data-testid="registrations-more"
                onClick={() => props.onMore(next())}
              >
                {tr("organiser.loadMore")}
              </button>
            )}
          </Show>
        </>
      )}
    </Show>
  );
}

function RegistrationList(props: { campaign: AdminCampaign; session: SessionView }): JSX.Element {
  // Each page keeps its own cursor, so "加载更多" appends and what is shown stays put.
  const [cursors, setCursors] = createSignal<(string | undefined)[]>([undefined]);
  return (
    <section class="registrations" aria-label={tr("organiser.registrations")} data-testid={`registrations-${props.session.id}`}>
      <h4>{tr("organiser.registrations")}</h4>
      <For each={cursors()}>
        {(cursor, i) => (
          <Suspense fallback={<Loading />}>
            <RegistrationPage
              campaign={props.campaign}
              sessionId={props.session.id}
              cursor={cursor}
              first={i() === 0}
              last={i() === cursors().length - 1}
              onMore={(next) => setCursors([...cursors(), next])}
            />
          </Suspense>
        )}
      </For>
    </section>
  );
}

function SessionEditForm(props: { campaign: AdminCampaign; session: SessionView; onDone: () => void; onClose: () => void }): JSX.Element {
  const id = () => props.session.id;
  const taken = () => props.session.capacity - props.session.seatsLeft;
  const [capacity, setCapacity] = createSignal(String(props.session.capacity));
  const [waitlist, setWaitlist] = createSignal(props.session.waitlist);
  const [error, setError] = createSignal<string>();
  const [pending, setPending] = createSignal(false);
  const save = useAction(updateSession);
  let input: HTMLInputElement | undefined;

  onMount(() => input?.focus());

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (pending()) return;
    const n = parseCapacity(capacity());
    if (n === undefined) {
      setError(tr("organiser.capacityInvalid"));
      input?.focus();
      return;
    }
    setError(undefined);
    setPending(true);
    try {
      await save({ campaignId: props.campaign.id, sessionId: id(), change: { capacity: n, waitlist: waitlist() } });
      props.onDone();
    } catch (e) {
      setError(errorText(e));
      input?.focus();
    } finally {
      setPending(false);
    }
  };

  return (
    <form class="edit-panel" novalidate onSubmit={onSubmit} data-testid={`session-edit-form-${id()}`}>
      <div class="field" classList={{ "has-error": !!error() }}>
        <label for={`capacity-${id()}`}>{tr("organiser.capacity")}</label>
        <p class="help" id={`capacity-help-${id()}`}>
          {tr("organiser.capacityHelp", { taken: taken() })}
        </p>
        <input
          ref={input}
          id={`capacity-${id()}`}
          type="text"
          inputmode="numeric"
          autocomplete="off"
          class="big-input"
          data-testid={`session-capacity-${id()}`}
          value={capacity()}
          aria-invalid={error() ? "true" : undefined}
          aria-describedby={error() ? `capacity-help-${id()} capacity-error-${id()}` : `capacity-help-${id()}`}
          onInput={(e) => {
            setCapacity(e.currentTarget.value);
            setError(undefined);
          }}
        />
        <Show when={error()}>
          <p class="field-error" id={`capacity-error-${id()}`} role="alert" data-testid={`session-edit-error-${id()}`}>
            {error()}
          </p>
        </Show>
      </div>
      <label class="option" classList={{ checked: waitlist() }}>
        <input
          type="checkbox"
          checked={waitlist()}
          data-testid={`session-waitlist-${id()}`}
          onChange={(e) => setWaitlist(e.currentTarget.checked)}
        />
        <span>{tr("organiser.waitlistOn")}</span>
      </label>
      <button type="submit" class="button button-primary" data-testid={`session-save-${id()}`} disabled={pending()}>
        {pending() ? tr("organiser.saving") : tr("organiser.save")}
      </button>
      <button type="button" class="button button-secondary" onClick={() => props.onClose()}>
        {tr("organiser.editClose")}
      </button>
    </form>
  );
}

function SessionCard(props: {
  campaign: AdminCampaign;
  session: SessionView;
  showingRegistrations: boolean;
  onToggleRegistrations: () => void;
}): JSX.Element {
  const id = () => props.session.id;
  const taken = () => props.session.capacity - props.session.seatsLeft;
  const [editing, setEditing] = createSignal(false);
  const [saved, setSaved] = createSignal(false);
  let editButton: HTMLButtonElement | undefined;

  return (
    <li class="card session" data-testid={`admin-session-${id()}`}>
      <h3 class="card-title">{pick(props.session.title, props.session.titleEn)}</h3>
      <p class="card-line when">{formatTimeRange(props.session.startsAt, props.session.endsAt)}</p>
      <p class="card-line">{tr("campaign.venue", { venue: props.session.venue })}</p>
      <p class="seats" data-testid={`session-counts-${id()}`}>
        {tr("organiser.counts", { taken: taken(), capacity: props.session.capacity })}
      </p>
      <p class="card-line" data-testid={`session-waiting-${id()}`}>
        {props.session.waitlist || props.session.waiting > 0
          ? tr("organiser.waiting", { n: props.session.waiting })
          : tr("organiser.noWaitlist")}
      </p>
      <div aria-live="polite">
        <Show when={saved() && !editing()}>
          <p class="info" data-testid={`session-saved-${id()}`}>
            <span aria-hidden="true">✓</span> {tr("organiser.saved")}
          </p>
        </Show>
      </div>

      <button
        type="button"
        class="button button-secondary"
        data-testid={`session-registrations-${id()}`}
        aria-expanded={props.showingRegistrations}
        onClick={() => props.onToggleRegistrations()}
      >
        {props.showingRegistrations ? tr("organiser.hideRegistrations") : tr("organiser.showRegistrations")}
      </button>
      <Show when={props.showingRegistrations}>
        <RegistrationList campaign={props.campaign} session={props.session} />
      </Show>

      <Show
        when={editing()}
        fallback={
          <button
            ref={editButton}
            type="button"
            class="button button-secondary"
            data-testid={`session-edit-${id()}`}
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            {tr("organiser.edit")}
          </button>
        }
      >
        <SessionEditForm
          campaign={props.campaign}
          session={props.session}
          onDone={() => {
            setSaved(true);
            setEditing(false);
            editButton?.focus();
          }}
          onClose={() => {
            setEditing(false);
            editButton?.focus();
          }}
        />
      </Show>
    </li>
  );
}

type NewSessionField = "title" | "date" | "time" | "venue" | "capacity";

function NewSessionForm(props: { campaign: AdminCampaign; onDone: (title: string) => void; onClose: () => void }): JSX.Element {
  const [values, setValues] = createSignal({ title: "", date: "", time: "", venue: "", capacity: "", waitlist: true });
  const [errors, setErrors] = createSignal<Partial<Record<NewSessionField, Message>>>({});
  const [formError, setFormError] = createSignal<string>();
  const [pending, setPending] = createSignal(false);
  const send = useAction(addSession);
  // One key per opened form: a double tap or a retry after a lost answer adds one session only.
  let idempotencyKey = newIdempotencyKey();
  let heading: HTMLHeadingElement | undefined;

  onMount(() => heading?.focus());

  const set = (key: keyof ReturnType<typeof values>, value: string | boolean) => {
    setValues({ ...values(), [key]: value });
    // A field she has just changed is no longer marked; the others keep their marks until she sends.
    const { [key as NewSessionField]: _fixed, ...rest } = errors();
    setErrors(rest);
  };

  const check = (): Partial<Record<NewSessionField, Message>> => {
    const v = values();
    const out: Partial<Record<NewSessionField, Message>> = {};
    if (!v.title.trim()) out.title = () => tr("FIELD_REQUIRED");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.date)) out.date = () => tr(v.date ? "FIELD_DATE" : "FIELD_REQUIRED");
    if (!/^\d{2}:\d{2}$/.test(v.time)) out.time = () => tr(v.time ? "FIELD_INVALID" : "FIELD_REQUIRED");
    if (!v.venue.trim()) out.venue = () => tr("FIELD_REQUIRED");
    if (parseCapacity(v.capacity) === undefined) out.capacity = () => tr(v.capacity.trim() ? "organiser.capacityInvalid" : "FIELD_REQUIRED");
    return out;
  };

  const focusFirst = (found: Partial<Record<NewSessionField, Message>>) => {
    const first = (["title", "date", "time", "venue", "capacity"] as const).find((k) => found[k]);
    if (first) document.getElementById(`new-session-${first}`)?.focus();
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (pending()) return;
    const found = check();
    setErrors(found);
    setFormError(undefined);
    if (Object.keys(found).length > 0) return focusFirst(found);
    const v = values();
    const session: NewSession = {
      title: v.title.trim(),
      // What she types is China time, wherever her phone thinks it is.
      startsAt: `${v.date}T${v.time}:00+08:00`,
      venue: v.venue.trim(),
      capacity: parseCapacity(v.capacity) as number,
      waitlist: v.waitlist,
    };
    setPending(true);
    try {
      await send({ campaignId: props.campaign.id, session, idempotencyKey });
      props.onDone(session.title);
    } catch (e) {
      // The server answered: what she sends next is a new request (the old key stays with the old body).
      if (e instanceof ApiError && e.status > 0) idempotencyKey = newIdempotencyKey();
      const fromServer = e instanceof ApiError && e.code === "VALIDATION" ? fieldErrorsFrom(e.details) : {};
      const mapped: Partial<Record<NewSessionField, Message>> = {};
      for (const [key, message] of Object.entries(fromServer)) {
        if (key === "startsAt") mapped.date = message;
        else if (key === "title" || key === "venue" || key === "capacity") mapped[key] = message;
      }
      setErrors(mapped);
      setFormError(errorText(e));
      focusFirst(mapped);
    } finally {
      setPending(false);
    }
  };

  const field = (key: NewSessionField, label: string, input: (attrs: Record<string, unknown>) => JSX.Element, help?: string) => (
    <div class="field" classList={{ "has-error": !!errors()[key] }}>
      <label for={`new-session-${key}`}>{label}</label>
      <Show when={help}>
        <p class="help">{help}</p>
      </Show>
      {input({
        id: `new-session-${key}`,
        "data-testid": `new-session-${key}`,
        // Getters: the spread reads them reactively, so the marks follow the errors.
        get "aria-invalid"() {
          return errors()[key] ? "true" : undefined;
        },
        get "aria-describedby"() {
          return errors()[key] ? `new-session-${key}-error` : undefined;
        },
      })}
      <Show when={errors()[key]}>
        {(message) => (
          <p class="field-error" id={`new-session-${key}-error`}>
            {message()()}
          </p>
        )}
      </Show>
    </div>
  );

  return (
    <form class="edit-panel" novalidate onSubmit={onSubmit} data-testid="new-session-form">
      <h3 ref={heading} tabindex="-1">
        {tr("organiser.newSession")}
      </h3>
      {field(
        "title",
        tr("organiser.newSessionName"),
        (attrs) => <input {...attrs} type="text" maxLength={100} value={values().title} onInput={(e) => set("title", e.currentTarget.value)} />,
        tr("organiser.newSessionNameHelp"),
      )}
      {field("date", tr("organiser.date"), (attrs) => (
        <input {...attrs} type="date" value={values().date} onInput={(e) => set("date", e.currentTarget.value)} />
      ))}
      {field("time", tr("organiser.time"), (attrs) => (
        <input {...attrs} type="time" value={values().time} onInput={(e) => set("time", e.currentTarget.value)} />
      ))}
      {field("venue", tr("organiser.venue"), (attrs) => (
        <input {...attrs} type="text" maxLength={200} value={values().venue} onInput={(e) => set("venue", e.currentTarget.value)} />
      ))}
      {field("capacity", tr("organiser.capacity"), (attrs) => (
        <input
          {...attrs}
          type="text"
          inputmode="numeric"
          autocomplete="off"
          value={values().capacity}
          onInput={(e) => set("capacity", e.currentTarget.value)}
        />
      ))}
      <label class="option" classList={{ checked: values().waitlist }}>
        <input
          type="checkbox"
          checked={values().waitlist}
          data-testid="new-session-waitlist"
          onChange={(e) => set("waitlist", e.currentTarget.checked)}
        />
        <span>{tr("organiser.waitlistOn")}</span>
      </label>
      <Show when={formError()}>
        <p class="field-error" role="alert" data-testid="new-session-error">
          {formError()}
        </p>
      </Show>
      <button type="submit" class="button button-primary" data-testid="new-session-submit" disabled={pending()}>
        {pending() ? tr("organiser.creating") : tr("organiser.create")}
      </button>
      <button type="button" class="button button-secondary" onClick={() => props.onClose()}>
        {tr("organiser.cancelNew")}
      </button>
    </form>
  );
}

function Sessions(props: { campaign: AdminCampaign }): JSX.Element {
  const [search, setSearch] = useSearchParams<{ session?: string }>();
  const [adding, setAdding] = createSignal(false);
  const [added, setAdded] = createSignal<string>();
  let addButton: HTMLButtonElement | undefined;
  const sessions = () => props.campaign.sessions ?? [];

  return (
    <section class="group" aria-labelledby="admin-sessions-heading">
      <h2 id="admin-sessions-heading">{tr("organiser.sessions")}</h2>
      <Show when={sessions().length > 0} fallback={<p class="notice">{tr("organiser.noSessions")}</p>}>
        <ul class="cards">
          <For each={sessions()}>
            {(session) => (
              <SessionCard
                campaign={props.campaign}
                session={session}
                showingRegistrations={search.session === session.id}
                onToggleRegistrations={() => setSearch({ session: search.session === session.id ? undefined : session.id })}
              />
            )}
          </For>
        </ul>
      </Show>
      <div aria-live="polite">
        <Show when={added() && !adding()}>
          <p class="info" data-testid="new-session-result">
            <span aria-hidden="true">✓</span> {tr("organiser.created", { title: added() ?? "" })}
          </p>
        </Show>
      </div>
      <Show
        when={adding()}
        fallback={
          <button
            ref={addButton}
            type="button"
            class="button button-primary"
            data-testid="new-session"
            onClick={() => {
              setAdded(undefined);
              setAdding(true);
            }}
          >
            <span aria-hidden="true">+</span> {tr("organiser.newSession")}
          </button>
        }
      >
        <NewSessionForm
          campaign={props.campaign}
          onDone={(title) => {
            setAdded(title);
            setAdding(false);
            addButton?.focus();
          }}
          onClose={() => {
            setAdding(false);
            addButton?.focus();
          }}
        />
      </Show>
    </section>
  );
}

const inWeChat = () => typeof navigator !== "undefined" && navigator.userAgent.includes("MicroMessenger");

function Downloads(props: { campaign: AdminCampaign }): JSX.Element {
  const me = createAsync(() => getMe().catch(() => null));
  const csv = (full?: "1") => campaignApi["registrations.csv"].$path({ ...byId(props.campaign.id), query: { full } });
  return (
    <section class="group" aria-labelledby="downloads-heading">
      <h2 id="downloads-heading">{tr("organiser.downloads")}</h2>
      <p>{tr("organiser.downloadHelp")}</p>
      {/* WeChat's own browser does not download files: tell her how to get to one that does. */}
      <Show when={inWeChat()}>
        <p class="notice notice-warn" data-testid="download-wechat">
          {tr("organiser.downloadWeChat")}
        </p>
      </Show>
      <a href={csv()} download="" class="button button-secondary" data-testid="download-csv">
        {tr("organiser.download")}
      </a>
      {/* Only her own unit's campaign: a unit above manages it but may not take the full numbers. */}
      <Show when={ownsUnit(me(), props.campaign.orgUnit)}>
        <p class="notice notice-warn" data-testid="download-full-warning">
          {tr("organiser.downloadFullWarning")}
        </p>
        <a href={csv("1")} download="" class="button button-secondary" data-testid="download-csv-full">
          {tr("organiser.downloadFull")}
        </a>
      </Show>
    </section>
  );
}

function CampaignAdmin(props: { id: string }): JSX.Element {
  // A store reconciled by id: after a change the campaign is fetched again and each session card keeps its state.
  const campaign = createAsyncStore(() => getAdminCampaign(props.id));
  const units = createAsync(() => getOrgUnits().catch(() => [] as OrgUnit[]));
  usePageTitle(() => {
    const c = campaign();
    return c ? pick(c.title, c.titleEn) : tr("organiser.title");
  });
  return (
    <Show when={campaign()}>
      {(c) => (
        <>
          <h1 tabindex="-1" data-testid="organiser-campaign-title">{pick(c().title, c().titleEn)}</h1>
          <p class="card-line">
            <span class="badge kind">{tr(`kind.${c().kind}`)}</span> <StatusBadge status={c().status} />{" "}
            <PhaseBadge phase={c().phase} />
          </p>
          <Show when={unitName(units(), c().orgUnit)}>{(name) => <p class="card-line">{tr("home.org", { name: name() })}</p>}</Show>
          <Show when={c().status === "published"}>
            <p>
              <A href={`/campaigns/${encodeURIComponent(c().id)}`} class="back-link">
                {tr("organiser.viewPublic")} <span aria-hidden="true">›</span>
              </A>
            </p>
          </Show>
          <Show when={c().capabilities.includes("sessions")}>
            <Sessions campaign={c()} />
            <Downloads campaign={c()} />
          </Show>
          <Show when={c().capabilities.includes("entries") || c().capabilities.includes("rounds")}>
            <ContestLinks campaign={c()} />
          </Show>
          <Show when={!c().capabilities.some((cap) => cap === "sessions" || cap === "entries" || cap === "rounds")}>
            <p class="notice">{tr("organiser.laterNote")}</p>
          </Show>
        </>
      )}
    </Show>
  );
}

export default function OrganiserCampaign(): JSX.Element {
  const params = useParams<{ id: string }>();
  usePageTitle(() => tr("organiser.title"));
  return (
    <article class="page">
      <p>
        <A href="/organiser" class="back-link" end data-testid="back-to-organiser">
          <span aria-hidden="true">‹</span> {tr("organiser.backToList")}
        </A>
      </p>
      <RequireOrganiser>{() => <CampaignAdmin id={params.id} />}</RequireOrganiser>
    </article>
  );
}
