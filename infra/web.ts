// SST components (typed by .sst/platform from `sst install`; not in the repository typecheck).
// One CloudFront distribution: /api/* to the HTTP API, everything else to the static site,
// so the session cookie is first-party and SameSite=Lax works.
import { api } from "./api";

export const router = new sst.aws.Router("Web");

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
