/**
 * What CloudFront forwards to the API on /api/*, shared by the SST app (infra/api.ts,
 * infra/web.ts) and the CDK stack (infra/cdk/stack.ts). Plain data: no SST globals, no CDK.
 *
 * An origin request policy cannot say "all viewer headers except Host, plus a CloudFront
 * header": "all viewer headers and these CloudFront headers" (CDK `all(...)`) also forwards
 * Host, which API Gateway then refuses, and "all except Host" adds no CloudFront header. So the
 * policy names the viewer headers the API reads; infra/cdk/stack.unit.test.ts checks this list
 * against the headers packages/functions reads, so a new one cannot be dropped silently.
 * Host, X-Forwarded-Proto and Content-Length need no entry: API Gateway and CloudFront set them.
 * Cookies and query strings are forwarded whole. User-Agent is read as fraud evidence on a vote
 * (routes/votes.ts); without an entry CloudFront would send its own ("Amazon CloudFront").
 */
export const API_VIEWER_HEADERS = ["Accept", "Content-Type", "Idempotency-Key", "Origin", "User-Agent", "X-CSRF-Token"] as const;

/**
 * Written by CloudFront itself (`ip:port` of the viewer) when a policy asks for it. Without it
 * the function sees a CloudFront edge's address, and every woman behind that edge would share
 * one per-client limit (packages/functions/src/client.ts).
 */
export const VIEWER_ADDRESS_HEADER = "CloudFront-Viewer-Address";
