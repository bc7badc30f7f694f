import type { Context } from "hono";

/**
 * Who is asking, for per-client limits. In Lambda: the address API Gateway saw the request
 * come from (`requestContext.http.sourceIp`); X-Forwarded-For is not used, since its first
 * entry is whatever the client wrote. Locally: the socket's address.
 */
export function clientAddress(c: Context): string {
  const env = c.env as
    | { requestContext?: { http?: { sourceIp?: string } }; incoming?: { socket?: { remoteAddress?: string } } }
    | undefined;
  return env?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? "unknown";
}
