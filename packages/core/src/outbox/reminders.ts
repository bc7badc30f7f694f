import { isConditionFailed, putItem, queryAll, type Db, type Key } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { chinaDay, type Clock } from "../clock/index.ts";
import { getCampaignWithSessions, hasCapability, listCampaigns } from "../campaigns/index.ts";
import type { Session } from "../campaigns/model.ts";
import { registrationId, type Registration } from "../registration/model.ts";
import { noticeOp } from "./index.ts";

/**
 * Day-before reminders: a schedule (hourly locally, a daily rule in the cloud) writes one
 * "session_reminder" notice per confirmed seat of every session that starts tomorrow; the
 * outbox delivers them like any notice. The notice's key depends only on the registration and
 * the session's day, and is written only if absent, so however often the schedule runs — twice
 * by a retried rule, or every hour — each woman is reminded once per session.
 */

const DAY_MS = 86_400_000;
/** Writes under way at once: a full lecture hall is a few hundred, and the table takes them easily. */
const PARALLEL_WRITES = 20;

/** A span of time, `from` included, `to` not. */
export interface ReminderWindow {
  from: Date;
  to: Date;
}

/** The midnight (China time) that begins the China day of `d`. */
const chinaMidnight = (d: Date) => new Date(`${chinaDay(d)}T00:00:00+08:00`);

/** Tomorrow as the federation counts days: midnight to midnight, China time. */
export function tomorrowInChina(now: Date): ReminderWindow {
  const from = new Date(chinaMidnight(now).getTime() + DAY_MS);
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

export interface ReminderRun {
  /** sessions found in the window */
  sessions: number;
  /** reminders written by this run */
  written: number;
  /** reminders an earlier run had already written */
  alreadyWritten: number;
}

/**
 * Writes the reminders for the sessions that start in `window` (default: tomorrow, China day).
 * No Scan: the campaign listing, each event campaign's sessions (its own partition), then each
 * session's registrations (the session's partition, REG# prefix) — a federation runs tens of
 * campaigns, so this is a few dozen Queries.
 */
export async function writeReminders(db: Db, clock: Clock, options: { window?: ReminderWindow } = {}): Promise<ReminderRun> {
  const window = options.window ?? tomorrowInChina(clock.now());
  const run: ReminderRun = { sessions: 0, written: 0, alreadyWritten: 0 };
  for (const campaign of await listCampaigns(db, clock)) {
    if (!hasCapability(campaign, "sessions")) continue;
    const found = await getCampaignWithSessions(db, campaign.id);
    for (const session of found?.sessions ?? []) {
      const start = Date.parse(session.startsAt);
      if (!(start >= window.from.getTime() && start < window.to.getTime())) continue;
      run.sessions++;
      const regs = await queryAll<Registration & Key>(db, { partition: keys.registrationPartition(session.id), prefix: keys.registrationPrefix() });
      const seated = regs.filter((r) => r.status === "confirmed");
      for (let i = 0; i < seated.length; i += PARALLEL_WRITES) {
        const outcomes = await Promise.all(seated.slice(i, i + PARALLEL_WRITES).map((r) => writeReminder(db, campaign.id, session, r.userId)));
        for (const o of outcomes) run[o]++;
      }
    }
  }
  return run;
}

async function writeReminder(db: Db, campaignId: string, session: Session, userId: string): Promise<"written" | "alreadyWritten"> {
  const id = registrationId(session.id, userId);
  // Dated the midnight before the session's day: the same on every run, so the key is too.
  // A session moved to another day gets a reminder for its new day.
  const at = new Date(chinaMidnight(new Date(session.startsAt)).getTime() - DAY_MS).toISOString();
  const op = noticeOp({ userId, kind: "session_reminder", refs: { campaignId, sessionId: session.id, registrationId: id }, at }, `reminder.${id}`);
  if (!("put" in op)) throw new Error("noticeOp is a put");
  try {
    await putItem(db, op.put, op.condition);
    return "written";
  } catch (err) {
    if (isConditionFailed(err)) return "alreadyWritten";
    throw err;
  }
}
