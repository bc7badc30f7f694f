// SST components (typed by .sst/platform from `sst install`: infra/tsconfig.json).
// The one CloudFront distribution (SST's Router): /api/* to the HTTP API, everything else to
// the static site (their routes: infra/web.ts), so the session cookie is first-party and
// SameSite=Lax works. Made before the functions, which need its address for links (PUBLIC_URL).
import { API_VIEWER_HEADERS, VIEWER_ADDRESS_HEADER } from "./api-origin-request.ts";
import { RATE_LIMITED_BODY_KEY, cloudContentSecurityPolicy, edgeRules, rateLimitedBody, webHeaders } from "./cloud-settings.ts";
import { uploads } from "./storage.ts";

// What CloudFront forwards to the API (infra/api-origin-request.ts): the viewer headers the API
// reads, the viewer's address, all cookies and query strings — never the viewer's Host, which
// API Gateway would refuse.
export const apiOriginRequest = new aws.cloudfront.OriginRequestPolicy("ApiOriginRequest", {
  comment: "jinguo /api: the viewer headers the API reads and the viewer's address",
  headersConfig: {
    headerBehavior: "whitelist",
    headers: { items: [...API_VIEWER_HEADERS, VIEWER_ADDRESS_HEADER] },
  },
  cookiesConfig: { cookieBehavior: "all" },
  queryStringsConfig: { queryStringBehavior: "all" },
});

// The web app's headers, the local stage's (packages/local/src/web-headers.ts) plus HSTS: the
// CDK twin's WebHeaders policy, field for field.
const webHeadersPolicy = new aws.cloudfront.ResponseHeadersPolicy("WebHeaders", {
  comment: "jinguo web: CSP without inline script, no framing, nosniff, same-origin referrer, HSTS",
  securityHeadersConfig: {
    contentSecurityPolicy: {
      contentSecurityPolicy: uploads.nodes.bucket.bucketRegionalDomainName.apply(cloudContentSecurityPolicy),
      override: true,
    },
    frameOptions: { frameOption: webHeaders.frameOptions, override: true },
    contentTypeOptions: { override: true },
    referrerPolicy: { referrerPolicy: webHeaders.referrerPolicy, override: true },
    strictTransportSecurity: {
      accessControlMaxAgeSec: webHeaders.hsts.maxAgeSeconds,
      includeSubdomains: webHeaders.hsts.includeSubdomains,
      preload: webHeaders.hsts.preload,
      override: true,
    },
  },
  customHeadersConfig: {
    items: Object.entries(webHeaders.custom).map(([header, value]) => ({ header, value, override: true })),
  },
});

export const router = new sst.aws.Router("Web", {
  // AWS WAF in us-east-1 (SST creates it there). Its managed rule groups are off: the core rule
  // set refuses bodies over 8 KB, and an entry's photo is up to 8 MB. The rules are the CDK
  // twin's (infra/cloud-settings.ts edgeRules), set in WAF's own JSON below.
  waf: { managedRules: { coreRuleSet: false, knownBadInputs: false, sqlInjection: false } },
  transform: {
    waf: (args) => {
      delete (args as { rules?: unknown }).rules;
      args.ruleJson = JSON.stringify(edgeRules(`${$app.name}-${$app.stage}`));
      args.customResponseBodies = [{ key: RATE_LIMITED_BODY_KEY, contentType: "APPLICATION_JSON", content: rateLimitedBody }];
    },
    // The Router sends every route through one cache behaviour with CloudFront's managed
    // AllViewerExceptHostHeader policy. It gets the API's own policy instead, so that
    // CloudFront-Viewer-Address reaches the function for certain (TRUST_CLOUDFRONT_VIEWER_ADDRESS
    // in infra/api.ts) and a viewer's own header of that name is never what it reads. The site's
    // requests to S3 get those same few headers, which S3 ignores. That one behaviour also gets
    // the web's headers (harmless on the API's JSON, which sets its own). Its cache policy is
    // SST's: TTLs as the origin says (0 when it says nothing), key of path and query string, no
    // cookie, no header, gzip and brotli — what the twin's /api policy is, with a one-year
    // ceiling because the site's hashed assets share the behaviour.
    cdn: (args) => {
      args.defaultCacheBehavior = $output(args.defaultCacheBehavior).apply((behaviour) => ({
        ...behaviour,
        originRequestPolicyId: apiOriginRequest.id,
        responseHeadersPolicyId: webHeadersPolicy.id,
        compress: true,
      }));
    },
  },
});

