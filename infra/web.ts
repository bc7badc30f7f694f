// SST components (typed by .sst/platform from `sst install`: infra/tsconfig.json).
// The Router's routes (infra/router.ts): /api/* to the HTTP API, everything else to the site.
import { router } from "./router.ts";
import { api } from "./api.ts";

export { router };

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
