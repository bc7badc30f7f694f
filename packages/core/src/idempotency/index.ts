import { createHash } from "node:crypto";
import { deleteItem, getItem, isConditionFailed, putItem, updateItem, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import type { Clock } from "../clock/index.ts";

const KEEP_SECONDS = 24 * 3600;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim =
  | { state: "new" }
  | { state: "done"; response: StoredResponse }
  | { state: "in_progress" }
  | { state: "mismatch" };

export const fingerprint = (parts: string[]) => createHash("sha256").update(parts.join("\n")).digest("base64url");

/**
 * Claims an Idempotency-Key for one person. The first request to claim it runs; a repeat gets
 * the first result, or IN_PROGRESS while the first still runs. The same key with another body
 * is refused, as Stripe does: a key names one request.
 */
export async function claim(db: Db, clock: Clock, scope: string, key: string, print: string): Promise<Claim> {
  const now = Math.floor(clock.now().getTime() / 1000);
  try {
    await putItem(
      db,
      { ...keys.idempotency(scope, key), state: "in_progress", print, expiresAt: now + KEEP_SECONDS },
      { expression: "attribute_not_exists(pk)" },
    );
    return { state: "new" };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  const item = await getItem<{ state: string; print: string; response?: StoredResponse }>(db, keys.idempotency(scope, key));
  if (!item) return claim(db, clock, scope, key, print);
  if (item.print !== print) return { state: "mismatch" };
  return item.state === "done" && item.response ? { state: "done", response: item.response } : { state: "in_progress" };
}

export async function complete(db: Db, scope: string, key: string, response: StoredResponse): Promise<void> {
  await updateItem(db, {
    key: keys.idempotency(scope, key),
    update: "SET #state = :done, #response = :response",
    names: { "#state": "state", "#response": "response" },
    values: { ":done": "done", ":response": response },
  });
}

/** Lets the key be used again (the first attempt failed on our side, not on a rule). */
export const release = (db: Db, scope: string, key: string) => deleteItem(db, keys.idempotency(scope, key));
