import { createMiddleware } from "hono/factory";
import * as Idempotency from "@jinguo/core/idempotency";
import type { AppEnv } from "../env.ts";
import { problem } from "../errors.ts";

/**
 * Honours `Idempotency-Key` on a creating POST: a repeat returns the first result and creates
 * nothing new. Keys are per person, so one woman's key cannot collide with another's. Only
 * final answers are remembered: "still running" (409 IN_PROGRESS), a limit (429), "busy" (503)
 * and our own failures (5xx) let the key be used again, so a retry runs for real.
 */
export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (!key) return next();
  if (key.length > 128 || !/^[\x21-\x7e]+$/.test(key)) return problem(c, "BAD_REQUEST", { header: "Idempotency-Key" });
  const { db, clock } = c.var.deps;
  const scope = c.var.userId ?? "anonymous";
  const print = Idempotency.fingerprint([c.req.method, new URL(c.req.url).pathname, await c.req.text()]);
  const claim = await Idempotency.claim(db, clock, scope, key, print);
  if (claim.state === "in_progress") return problem(c, "IN_PROGRESS");
  if (claim.state === "mismatch") return problem(c, "IDEMPOTENCY_KEY_REUSED");
  if (claim.state === "done") {
    const res = c.json(claim.response.body as object, claim.response.status as 200);
    res.headers.set("Idempotent-Replayed", "true");
    return res;
  }
  c.set("idempotencyKey", key);
  try {
    await next();
  } catch (err) {
    await Idempotency.release(db, scope, key, claim.token);
    throw err;
  }
  const body = await c.res.clone().json().catch(() => null);
  if (!isFinal(c.res.status, body)) return Idempotency.release(db, scope, key, claim.token);
  await Idempotency.complete(db, scope, key, claim.token, { status: c.res.status, body });
});

function isFinal(status: number, body: unknown): boolean {
  if (status >= 500 || status === 429) return false;
  return !(status === 409 && (body as { error?: { code?: string } } | null)?.error?.code === "IN_PROGRESS");
}
