import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/** The longest textual IP address (an IPv4-mapped IPv6 address). */
const MAX_ADDRESS_LENGTH = 45;

/**
 * Who is asking, for per-client limits.
 *
 * Behind CloudFront (`/api/*` of the web distribution) the address API Gateway sees
 * (`requestContext.http.sourceIp`) is a CloudFront edge's, shared by everyone that edge
 * serves. So when the stack says CloudFront is in front (`TRUST_CLOUDFRONT_VIEWER_ADDRESS=on`,
 * set by infra/cdk and infra/api.ts, read into `Deps` by lambda.ts), the address is taken from `CloudFront-Viewer-Address`,
 * which CloudFront itself writes (`ip:port`) because the /api origin request policy asks for it.
 *
 * That header is only as trustworthy as the path to the function: a request sent straight to
 * the API Gateway URL can carry any value. The direct URL is therefore not to be published;
 * a forged value only moves the caller to another per-client bucket (the per-number limits
 * still hold), and a malformed one falls back to the source address, never to an error.
 *
 * X-Forwarded-For is never used: its first entry is whatever the client wrote.
 * Locally (no Lambda event): the socket's address.
 */
export function clientAddress(c: Context<AppEnv>): string {
  const env = c.env as
    | { requestContext?: { http?: { sourceIp?: string } }; incoming?: { socket?: { remoteAddress?: string } } }
    | undefined;
  if (c.var.deps.trustCloudFrontViewerAddress) {
    const viewer = viewerIp(c.req.header("cloudfront-viewer-address"));
    if (viewer) return viewer;
  }
  return env?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? "unknown";
}

/**
 * The IP part of `CloudFront-Viewer-Address`: `198.51.100.10:46532`, or for IPv6
 * `2001:db8::1:46532` (no brackets, so only the last `:port` is the port).
 * Anything else is not CloudFront's and gives undefined.
 */
function viewerIp(header: string | undefined): string | undefined {
  if (!header || header.length > MAX_ADDRESS_LENGTH + 6) return undefined;
  const match = /^([0-9A-Fa-f.:]+):(\d{1,5})$/.exec(header.trim());
  const ip = match?.[1];
  if (!ip || ip.length > MAX_ADDRESS_LENGTH) return undefined;
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
  const ipv6 = ip.includes(":") && /^[0-9A-Fa-f:.]+$/.test(ip);
  if (!ipv4 && !ipv6) return undefined;
  // One bucket per address whatever the case of its hex digits.
  return ip.toLowerCase();
}
