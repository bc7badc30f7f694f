import { updateItem, isConditionFailed, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import type { Clock } from "../clock/index.ts";

export interface Limit {
  /** What is limited, e.g. "otp-number", "otp-client". */
  scope: string;
  windowSeconds: number;
  max: number;
}

/**
 * Counts one hit in the current fixed window and says whether it is still within the limit.
 * One conditional update: the counter never goes past `max`, whatever the concurrency.
 */
export async function hit(db: Db, clock: Clock, limit: Limit, subject: string): Promise<boolean> {
  const nowSec = Math.floor(clock.now().getTime() / 1000);
  const windowStart = nowSec - (nowSec % limit.windowSeconds);
  try {
    await updateItem(db, {
      key: keys.rateWindow(limit.scope, subject, String(windowStart)),
      update: "ADD #count :one SET expiresAt = :ttl",
      condition: "attribute_not_exists(#count) OR #count < :max",
      names: { "#count": "count" },
      values: { ":one": 1, ":max": limit.max, ":ttl": windowStart + limit.windowSeconds + 60 },
    });
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}
