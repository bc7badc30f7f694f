import type { Context } from "hono";

/**
 * Who is asking, for per-client limits: the first address of X-Forwarded-For (set by the API
 * gateway in the cloud), else the socket's address given by the local server.
 */
export function clientAddress(c: Context): string {
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded) return forwarded;
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}
