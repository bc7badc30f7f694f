import type { MiddlewareHandler } from "hono";

/**
 * What a browser may do with the web app's pages and assets (the API sets its own headers).
 * The built SolidJS app is one module script and one stylesheet from our origin, with no inline
 * script or style in index.html; Solid sets styles through the CSSOM, which style-src does not
 * govern. So nothing needs 'unsafe-inline' or 'unsafe-eval', and an injected <script> or
 * inline handler does not run.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  // fonts, fetches and media: our origin only (the check-in desk's camera is a MediaStream on
  // the <video>, srcObject, which no directive governs)
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // a photo's preview before it is uploaded is a data: URL read from the file (PhotoField)
  "img-src 'self' data:",
  "object-src 'none'",
  // The offline ticket: a service worker (/sw.js, vite-plugin-pwa) and the web manifest, both
  // from our origin. default-src already allows them; said outright so that a later, stricter
  // default-src does not quietly break the ticket in a hall without signal.
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  // The organiser desk must not be framed (click-jacking a check-in or a capacity change).
  "frame-ancestors 'none'",
].join("; ");

export const WEB_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": WEB_CONTENT_SECURITY_POLICY,
  // for browsers older than frame-ancestors (WeChat's on old Android phones)
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  // Ticket links carry the code in the query (/organiser/checkin?code=…): the full address goes
  // to our own origin only, nothing at all to other sites. (Not no-referrer: under it the Fetch
  // standard has a same-origin POST carry `Origin: null`, which the API's CSRF check refuses.)
  "referrer-policy": "same-origin",
  // The check-in desk scans tickets with the camera, on our own pages only; nothing else.
  "permissions-policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()",
  "cross-origin-opener-policy": "same-origin",
};

export const webSecurityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(WEB_SECURITY_HEADERS)) c.res.headers.set(name, value);
};
