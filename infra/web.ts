// SST components (typed by .sst/platform from `sst install`; not in the repository typecheck).
// One CloudFront distribution: /api/* to the HTTP API, everything else to the static site,
// so the session cookie is first-party and SameSite=Lax works.
import { api, apiOriginRequest } from "./api";

export const router = new sst.aws.Router("Web", {
  transform: {
    // The Router sends every route through one cache behaviour with CloudFront's managed
    // AllViewerExceptHostHeader policy. It gets the API's own policy instead, so that
    // CloudFront-Viewer-Address reaches the function for certain (TRUST_CLOUDFRONT_VIEWER_ADDRESS
    // in infra/api.ts) and a viewer's own header of that name is never what it reads. The site's
    // requests to S3 get those same few headers, which S3 ignores.
    cdn: (args) => {
      args.defaultCacheBehavior = $resolve([args.defaultCacheBehavior, apiOriginRequest.id]).apply(
        ([behaviour, originRequestPolicyId]) => ({ ...behaviour, originRequestPolicyId }),
      );
    },
  },
});

// The Hono routes already start with /api, so the path is forwarded unchanged.
router.route("/api", api.url);

export const site = new sst.aws.StaticSite("Site", {
  path: "packages/web",
  build: {
    command: "npm run build -w @jinguo/web",
    output: "dist",
  },
  // SPA: unknown paths of the site (not of /api) are answered with index.html.
  errorPage: "index.html",
  router: { instance: router },
});
