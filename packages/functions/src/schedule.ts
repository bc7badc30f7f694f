import type { Db } from "@jinguo/core/db";
import type { Clock } from "@jinguo/core/clock";
import { writeReminders, type ReminderRun } from "@jinguo/core/outbox";
import { cloudParts, onColdStart } from "./cloud.ts";

/**
 * The day-before reminders, on a daily schedule (infra/: EventBridge, in the China morning).
 * It only writes reminder notices (core/outbox `writeReminders`, once per seat per session by
 * key, so a retried or doubled run writes nothing twice); the table's stream then hands each
 * to the outbox (stream.ts), which sends it. So this function needs no SMS settings and no
 * session secret, only the table.
 */
export function createReminderHandler(deps: { db: Db; clock: Clock; log?: (line: string) => void }) {
  const log = deps.log ?? ((line: string) => console.log(line));
  return async (): Promise<ReminderRun> => {
    const run = await writeReminders(deps.db, deps.clock);
    log(`[reminders] ${run.sessions} sessions tomorrow: ${run.written} reminders written, ${run.alreadyWritten} already there`);
    return run;
  };
}

const parts = onColdStart(() => cloudParts({ session: false, sms: false }));

export const handler = async () => createReminderHandler(await parts())();
