import { createHash, randomBytes } from "node:crypto";
import { deleteItem, getItem, isConditionFailed, putItem, updateItem, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import type { Clock } from "../clock/index.ts";

const KEEP_SECONDS = 24 * 3600;
/**
 * How long a claim holds before a repeat may take it over. Longer than any request runs (API
 * Gateway gives up on a Lambda after 29 s), so only a request that died loses its claim.
 */
export const LEASE_MS = 30_000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim =
  | { state: "new"; token: string }
  | { state: "done"; response: StoredResponse }
  | { state: "in_progress" }
  | { state: "mismatch" };

interface ClaimItem {
  state: "in_progress" | "done";
  print: string;
  token?: string;
  leaseUntil?: number;
  response?: StoredResponse;
}

export const fingerprint = (parts: string[]) => createHash("sha256").update(parts.join("\n")).digest("base64url");

/**
 * Claims an Idempotency-Key for one person. The first request to claim it runs; a repeat gets
 * the first result once there is one, or IN_PROGRESS while the first still runs. A claim whose
 * request died (its lease ran out with no answer) is taken over by the repeat, which runs again.
 * The same key with another body is refused, as Stripe does: a key names one request.
 */
export async function claim(db: Db, clock: Clock, scope: string, key: string, print: string): Promise<Claim> {
  for (let look = 0; look < 3; look++) {
    const now = clock.now().getTime();
    const token = randomBytes(9).toString("base64url");
    try {
      await putItem(
        db,
        { ...keys.idempotency(scope, key), state: "in_progress", print, token, leaseUntil: now + LEASE_MS, expiresAt: Math.floor(now / 1000) + KEEP_SECONDS },
        { expression: "attribute_not_exists(pk)" },
      );
      return { state: "new", token };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
    const item = await getItem<ClaimItem>(db, keys.idempotency(scope, key));
    if (!item) continue; // released meanwhile: claim it afresh
    if (item.print !== print) return { state: "mismatch" };
    if (item.state === "done" && item.response) return { state: "done", response: item.response };
    if ((item.leaseUntil ?? 0) > now) return { state: "in_progress" };
    try {
      await updateItem(db, {
        key: keys.idempotency(scope, key),
        update: "SET #token = :token, leaseUntil = :lease",
        // Only the one repeat that saw this very lease takes it over.
        condition: "#state = :inProgress AND (attribute_not_exists(leaseUntil) OR leaseUntil = :seen)",
        names: { "#token": "token", "#state": "state" },
        values: { ":token": token, ":lease": now + LEASE_MS, ":inProgress": "in_progress", ":seen": item.leaseUntil ?? 0 },
      });
      return { state: "new", token };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }
  return { state: "in_progress" };
}

/** Remembers the final answer — only for the request that still holds the claim. */
export async function complete(db: Db, scope: string, key: string, token: string, response: StoredResponse): Promise<void> {
  try {
    await updateItem(db, {
      key: keys.idempotency(scope, key),
      update: "SET #state = :done, #response = :response REMOVE leaseUntil",
      condition: "#token = :token",
      names: { "#state": "state", "#response": "response", "#token": "token" },
      values: { ":done": "done", ":response": response, ":token": token },
    });
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}

/** Lets the key be used again: the answer was not final (busy, a limit, our own failure). */
export async function release(db: Db, scope: string, key: string, token: string): Promise<void> {
  try {
    await deleteItem(db, keys.idempotency(scope, key), { expression: "#token = :token", names: { "#token": "token" }, values: { ":token": token } });
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}
