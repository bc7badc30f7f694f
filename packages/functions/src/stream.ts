import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { deliver, startDispatcher, type OutboxDeps } from "@jinguo/core/outbox";
import { cloudParts, onColdStart } from "./cloud.ts";
import { pendingNoticeKey } from "./stream-filter.ts";

export { pendingNoticeFilter, pendingNoticeKey } from "./stream-filter.ts";

/**
 * The outbox in the cloud (DESIGN.md, "Side effects through an outbox"). Two handlers of one
 * bundle, two functions (infra/):
 *
 * - `handler`, on the table's stream: every write that leaves a notice pending (a new one, or
 *   one put back after a failed try) is handed to `deliver`, whose conditional claim sends it
 *   once however often the stream hands the record over. The event source mapping filters the
 *   stream down to those writes (stream-filter.ts); a record that still is not one is
 *   passed over here.
 * - `sweep`, every few minutes: the stream only fires on writes, so a notice whose retry time
 *   has come, or whose sender died holding its claim, waits for this.
 */

/**
 * One batch, in order. A delivery that throws (the table unreachable, not a failed text: that
 * is `deliver`'s own retry) ends the batch there and reports that record (partial batch
 * response): Lambda retries from it, bisecting, up to the mapping's retry limit, then the
 * record goes to the dead-letter queue. Whatever was delivered before it is not sent again on
 * the retry: its claim says so.
 */
export function createStreamHandler(deps: OutboxDeps) {
  const log = deps.log ?? ((line: string) => console.error(line));
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records ?? []) {
      const key = pendingNoticeKey(record);
      if (!key) continue;
      try {
        await deliver(deps, key);
      } catch (err) {
        // Ids only: the key holds her user id, never her number.
        log(`[outbox] ${key.pk} ${key.sk}: delivery stopped by ${(err as Error).name}; the batch resumes here`);
        const id = record.dynamodb?.SequenceNumber;
        return { batchItemFailures: id ? [{ itemIdentifier: id }] : [] };
      }
    }
    return { batchItemFailures: [] };
  };
}

/** Delivers every notice that is due now (core/outbox's dispatcher, for one drain). */
export function createSweep(deps: OutboxDeps) {
  return async (): Promise<void> => {
    // No timer of its own: one drain, then stop.
    const dispatcher = startDispatcher(deps, { intervalMs: 2 ** 31 - 1 });
    try {
      await dispatcher.drain();
    } finally {
      await dispatcher.stop();
    }
  };
}

const outboxDeps = onColdStart(async (): Promise<OutboxDeps> => {
  const { config, db, clock, sms } = await cloudParts({ session: false, sms: true });
  return { db, clock, sms, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) };
});

export const handler = async (event: DynamoDBStreamEvent) => createStreamHandler(await outboxDeps())(event);
export const sweep = async () => createSweep(await outboxDeps())();
