import { guards } from "./guards.ts";
import { randomUUID } from "node:crypto";
import { getItem, query, updateItem, isConditionFailed, type Db, type Key, type TxOp } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { chinaTimeText, type Clock } from "../clock/index.ts";
import type { SmsSender } from "../sms/index.ts";
import { getUser } from "../identity/users.ts";
import { getCampaign } from "../campaigns/index.ts";
import { registrationId } from "../registration/model.ts";
import type { Campaign, Session } from "../campaigns/model.ts";
import { t } from "../messages/index.ts";

/**
 * Messages that must reach a person (DESIGN.md, "Side effects through an outbox"). The change
 * that causes a message writes its notice in the same transaction (`noticeOp`), so a promotion
 * that commits is always told and one that rolls back never is. A dispatcher then delivers each
 * notice once: in-process locally (`startDispatcher`), from the table's stream in the cloud
 * (`deliver` per item).
 *
 * A notice holds ids only: her number and the words are looked up when it is sent, so nothing
 * personal sits in the outbox or its logs.
 */

export { writeReminders, tomorrowInChina, type ReminderWindow, type ReminderRun } from "./reminders.ts";

/** Each kind has an approved SMS template of the same name (sms/NoticeTemplate). */
export type NoticeKind = "waitlist_promoted" | "session_reminder";
export type NoticeStatus = "pending" | "sending" | "sent" | "failed";

/** What a notice is about, by id. */
export interface NoticeRefs {
  campaignId: string;
  sessionId: string;
  registrationId: string;
}

export interface NoticeInput {
  userId: string;
  kind: NoticeKind;
  refs: NoticeRefs;
  /** ISO time of the change that causes it (orders her notices and the pending index) */
  at: string;
}

export interface Notice {
  id: string;
  userId: string;
  kind: NoticeKind;
  refs: NoticeRefs;
  status: NoticeStatus;
  createdAt: string;
  /** failed sends so far */
  tries: number;
  /** a pending notice that failed is not tried again before this */
  nextAttemptAt?: string;
  /** the claim of the dispatcher sending it, and until when that claim holds */
  lease?: string;
  leaseUntil?: string;
  /** the words as sent */
  text?: string;
  sentAt?: string;
  failedAt?: string;
  reason?: "send_failed" | "recipient_gone" | "subject_gone";
}

type StoredNotice = Notice & Key;

export const deliveryPolicy = {
  /** how long a claim holds before another dispatcher may take the notice over */
  leaseMs: 60_000,
  /** failed sends before a notice is given up (kept, status "failed") */
  maxTries: 8,
  /** the pause after the first failure, doubling after each further one, up to maxRetryMs */
  firstRetryMs: 10_000,
  maxRetryMs: 30 * 60_000,
} as const;

/**
 * The write that puts a new notice in the outbox; the caller adds it to the transaction of the
 * change that causes it (append it, so the indexes of the other operations stay as they were).
 */
export function noticeOp(input: NoticeInput, id = newId("n")): TxOp {
  const { userId, kind, at } = input;
  // Copied field by field: only ids go in, whatever else the caller's object carries.
  const refs: NoticeRefs = {
    campaignId: input.refs.campaignId,
    sessionId: input.refs.sessionId,
    registrationId: input.refs.registrationId,
  };
  const notice: Notice = { id, userId, kind, refs, status: "pending", createdAt: at, tries: 0 };
  return {
    put: { ...keys.notice(userId, at, id), ...keys.pendingNotice(at, id), ...notice },
    condition: { expression: "attribute_not_exists(pk)" },
  };
}

export interface OutboxDeps {
  db: Db;
  clock: Clock;
  sms: SmsSender;
  /** where people open the web app; without it the message carries no link */
  publicUrl?: string;
  /** where delivery problems are reported (ids only); default console.error */
  log?: (line: string) => void;
}

export type DeliveryOutcome = "sent" | "retry" | "failed" | "skipped";

// The attributes that put a notice in the pending index, named by the key that sets them.
const pendingIndexAttributes = Object.keys(keys.pendingNotice("", "")).join(", ");
const names = { "#status": "status", "#lease": "lease", "#leaseUntil": "leaseUntil", "#next": "nextAttemptAt" };

/**
 * Delivers one notice, given its key: claim it, send it, mark it sent under the claim. A notice
 * that is not due, already sent, or claimed by another is left alone ("skipped"), so a stream
 * that hands the same item over twice, or two dispatchers reading the same index, send it once.
 */
export async function deliver(deps: OutboxDeps, key: Key): Promise<DeliveryOutcome> {
  const { db, clock } = deps;
  const notice = await claim(db, key, clock.now());
  if (!notice) return "skipped";

  let sent: { text: string } | { reason: "recipient_gone" | "subject_gone" } | { error: unknown };
  try {
    const [user, words] = await Promise.all([getUser(db, notice.userId), render(db, notice, deps.publicUrl)]);
    if (!user) sent = { reason: "recipient_gone" };
    else if (words === undefined) sent = { reason: "subject_gone" };
    else {
      await deps.sms.sendNotice(user.phone, words.text, { template: notice.kind, params: words.params });
      sent = { text: words.text };
    }
  } catch (error) {
    sent = { error };
  }
  if ("text" in sent) return markSent(deps, notice, sent.text);
  if ("reason" in sent) return giveUp(deps, notice, sent.reason, notice.tries);
  return tryLater(deps, notice, sent.error);
}

async function claim(db: Db, key: Key, now: Date): Promise<StoredNotice | undefined> {
  try {
    return await updateItem<StoredNotice>(db, {
      key,
      update: "SET #status = :sending, #lease = :token, #leaseUntil = :until",
      condition: guards.claim,
      names,
      values: {
        ":pending": "pending",
        ":sending": "sending",
        ":now": now.toISOString(),
        ":token": randomUUID(),
        ":until": new Date(now.getTime() + deliveryPolicy.leaseMs).toISOString(),
      },
    });
  } catch (err) {
    if (isConditionFailed(err)) return undefined;
    throw err;
  }
}

/** Every later write is conditioned on still holding the claim: a dispatcher whose lease ran out changes nothing. */
const underClaim = (notice: StoredNotice) => ({
  condition: "#status = :sending AND #lease = :token",
  values: { ":sending": "sending", ":token": notice.lease! },
});

async function markSent(deps: OutboxDeps, notice: StoredNotice, text: string): Promise<DeliveryOutcome> {
  const claimed = underClaim(notice);
  try {
    await updateItem(deps.db, {
      key: { pk: notice.pk, sk: notice.sk },
      update: `SET #status = :sent, #text = :text, sentAt = :at REMOVE ${pendingIndexAttributes}, #lease, #leaseUntil, #next`,
      condition: claimed.condition,
      names: { ...names, "#text": "text" },
      values: { ...claimed.values, ":sent": "sent", ":text": text, ":at": deps.clock.now().toISOString() },
    });
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    // Sent while another dispatcher had already taken the notice over: it may go out twice.
    logOf(deps)(`[outbox] notice ${notice.id} for ${notice.userId}: sent after its claim ran out`);
  }
  return "sent";
}

async function tryLater(deps: OutboxDeps, notice: StoredNotice, error: unknown): Promise<DeliveryOutcome> {
  const tries = notice.tries + 1;
  // The error's name only: a provider's message may quote the number.
  const why = (error as Error | undefined)?.name ?? "Error";
  if (tries >= deliveryPolicy.maxTries) return giveUp(deps, notice, "send_failed", tries, why);
  const pause = Math.min(deliveryPolicy.firstRetryMs * 2 ** (tries - 1), deliveryPolicy.maxRetryMs);
  const next = new Date(deps.clock.now().getTime() + pause).toISOString();
  const claimed = underClaim(notice);
  try {
    await updateItem(deps.db, {
      key: { pk: notice.pk, sk: notice.sk },
      update: "SET #status = :pending, tries = :tries, #next = :nextAt REMOVE #lease, #leaseUntil",
      condition: claimed.condition,
      names,
      values: { ...claimed.values, ":pending": "pending", ":tries": tries, ":nextAt": next },
    });
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  logOf(deps)(`[outbox] notice ${notice.id} for ${notice.userId} not sent (try ${tries} of ${deliveryPolicy.maxTries}, ${why}); next try at ${next}`);
  return "retry";
}

async function giveUp(
  deps: OutboxDeps,
  notice: StoredNotice,
  reason: NonNullable<Notice["reason"]>,
  tries: number,
  why?: string,
): Promise<DeliveryOutcome> {
  const claimed = underClaim(notice);
  try {
    await updateItem(deps.db, {
      key: { pk: notice.pk, sk: notice.sk },
      update: `SET #status = :failed, tries = :tries, reason = :reason, failedAt = :at REMOVE ${pendingIndexAttributes}, #lease, #leaseUntil, #next`,
      condition: claimed.condition,
      names,
      values: { ...claimed.values, ":failed": "failed", ":tries": tries, ":reason": reason, ":at": deps.clock.now().toISOString() },
    });
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  logOf(deps)(`[outbox] notice ${notice.id} for ${notice.userId} given up: ${reason}${why ? ` (${why})` : ""} after ${tries} tries`);
  return "failed";
}

const logOf = (deps: OutboxDeps) => deps.log ?? ((line: string) => console.error(line));

// Reads shared by the notices of one listing (hers often name the same campaign).
type Reads = Map<string, Promise<unknown>>;
const once = <T>(reads: Reads, key: string, read: () => Promise<T>): Promise<T> => {
  if (!reads.has(key)) reads.set(key, read());
  return reads.get(key) as Promise<T>;
};

async function readSession(db: Db, campaignId: string, sessionId: string): Promise<Session | undefined> {
  const item = await getItem<Session & Key>(db, keys.session(campaignId, sessionId));
  if (!item) return undefined;
  const { pk, sk, ...session } = item;
  return session;
}

/**
 * Her ticket on the site, full screen (the web app's /me/tickets/:registrationId,
 * packages/web/src/routes.ts): the one page she needs at the door, one tap from the text.
 */
export const ticketLink = (publicUrl: string, registrationId: string) =>
  `${publicUrl.replace(/\/+$/, "")}/me/tickets/${encodeURIComponent(registrationId)}`;

/**
 * The words of a notice as they are now, and the same facts as its SMS template's parameters
 * (in the template's order). The site's address is written into the approved template, which
 * ends `…电子票：https://<site>/me/tickets/{n}`; only the registration id, the last parameter,
 * fills it in (a console approves no whole link in a variable). Undefined when what it is about
 * is gone.
 */
async function render(
  db: Db,
  notice: Notice,
  publicUrl: string | undefined,
  reads: Reads = new Map(),
): Promise<{ text: string; params: string[] } | undefined> {
  const { campaignId, sessionId } = notice.refs;
  const [campaign, session] = await Promise.all([
    once<Campaign | undefined>(reads, `c#${campaignId}`, () => getCampaign(db, campaignId)),
    once<Session | undefined>(reads, `s#${campaignId}#${sessionId}`, () => readSession(db, campaignId, sessionId)),
  ]);
  if (!campaign || !session) return undefined;
  // Her registration's key (one per session and woman), as refs.registrationId holds it.
  const registration = registrationId(sessionId, notice.userId);
  const ticket = publicUrl ? t("notice.ticket", "zh-CN", { link: ticketLink(publicUrl, registration) }) : t("notice.ticketNoLink");
  const when = chinaTimeText(session.startsAt);
  switch (notice.kind) {
    case "waitlist_promoted":
      return {
        text: t("notice.promoted", "zh-CN", { campaign: campaign.title, session: session.title, when, ticket }),
        params: [campaign.title, session.title, when, registration],
      };
    case "session_reminder": {
      // Only a seat she still holds is worth a reminder: cancelled since it was written, it is not sent.
      const reg = await getItem<{ status: string }>(db, keys.registration(sessionId, notice.userId));
      if (reg?.status !== "confirmed") return undefined;
      return {
        text: t("notice.reminder", "zh-CN", { campaign: campaign.title, session: session.title, when, venue: session.venue, ticket }),
        params: [campaign.title, session.title, when, session.venue, registration],
      };
    }
  }
}

/** What she sees of her notices. */
export interface NoticeView {
  id: string;
  kind: NoticeKind;
  refs: NoticeRefs;
  text: string;
  /** "sending" is the dispatcher's business: to her it is still pending */
  status: "pending" | "sent" | "failed";
  createdAt: string;
  sentAt?: string;
}

/** Her notices, newest first: the words as sent, or as they would be sent now. */
export async function listNotices(
  db: Db,
  userId: string,
  limit = 50,
  cursor?: Record<string, any>,
  options: { publicUrl?: string } = {},
): Promise<{ items: NoticeView[]; next?: Record<string, any> }> {
  const page = await query<StoredNotice>(db, { partition: keys.noticesPartition(userId), newestFirst: true, limit, cursor });
  const reads: Reads = new Map();
  const items = await Promise.all(
    page.items.map(
      async (n): Promise<NoticeView> => ({
        id: n.id,
        kind: n.kind,
        refs: n.refs,
        text: n.text ?? (await render(db, n, options.publicUrl, reads))?.text ?? "",
        status: n.status === "sending" ? "pending" : n.status,
        createdAt: n.createdAt,
        ...(n.sentAt ? { sentAt: n.sentAt } : {}),
      }),
    ),
  );
  return { items, next: page.next };
}

export interface Dispatcher {
  /** look at the outbox soon (after a change that may have written to it) */
  kick(): void;
  /** deliver everything due now, then resolve (tests) */
  drain(): Promise<void>;
  /** no more runs; resolves when the current one is over */
  stop(): Promise<void>;
}

/** Passes of one drain at most: each pass delivers what is due, so more than a few means a flood. */
const MAX_DRAIN_PASSES = 100;

/**
 * The local stage's dispatcher: reads the pending index every `intervalMs` (and soon after a
 * kick) and delivers what is due, one run at a time. Several dispatchers on one table are safe;
 * the claim decides who sends.
 */
export function startDispatcher(deps: OutboxDeps, options: { intervalMs: number }): Dispatcher {
  const log = logOf(deps);
  let stopped = false;
  let queued = false;
  let tail: Promise<unknown> = Promise.resolve();
  const serially = <T>(run: () => Promise<T>): Promise<T> => {
    const next = tail.then(run, run);
    tail = next.catch(() => {});
    return next;
  };

  /** One read of the pending index, delivering what is due; how many notices it acted on. */
  async function pass(): Promise<number> {
    let acted = 0;
    let cursor: Record<string, any> | undefined;
    do {
      const page = await query<StoredNotice>(deps.db, { index: "gsi1", partition: keys.pendingNoticesPartition(), limit: 100, cursor });
      for (const n of page.items) {
        if (stopped) return acted;
        // The index may lag behind the item; the claim reads the item itself.
        if (!isDue(n, deps.clock.now().toISOString())) continue;
        try {
          if ((await deliver(deps, { pk: n.pk, sk: n.sk })) !== "skipped") acted++;
        } catch (err) {
          log(`[outbox] notice ${n.id} for ${n.userId}: delivery stopped by ${(err as Error).name}`);
        }
      }
      cursor = page.next;
    } while (cursor);
    return acted;
  }

  function kick() {
    if (stopped || queued) return;
    // A kick while a run is under way queues one more: the change may have come after its read.
    queued = true;
    serially(async () => {
      queued = false;
      if (!stopped) await pass();
    }).catch((err) => log(`[outbox] dispatcher run failed: ${(err as Error).name}: ${(err as Error).message}`));
  }

  const timer = setInterval(kick, options.intervalMs);
  // The dispatcher never keeps a process alive by itself.
  timer.unref?.();
  // Whatever was left pending when the platform last stopped goes out now.
  kick();

  return {
    kick,
    drain: () =>
      serially(async () => {
        for (let i = 0; i < MAX_DRAIN_PASSES && !stopped; i++) if ((await pass()) === 0) return;
      }),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await tail;
    },
  };
}

function isDue(n: Notice, now: string): boolean {
  if (n.status === "pending") return !n.nextAttemptAt || n.nextAttemptAt <= now;
  if (n.status === "sending") return !n.leaseUntil || n.leaseUntil < now;
  return false;
}
