/// <reference path="./.sst/platform/config.d.ts" />
/*
 * The deploy path to AWS (`npm run deploy` → `sst deploy --stage <name>`).
 *
 * The globals used here and in infra/*.ts ($config, $app, sst.*) are typed by
 * `.sst/platform/config.d.ts`, which `sst install` generates (it needs the network, so it is
 * not in this repository). That is why this file and infra/*.ts are outside the repository's
 * typecheck (`npm run typecheck`) covers packages/* and infra/cdk only. infra/cdk is the same stack as a
 * plain aws-cdk-lib app, synthesised and tested offline.
 */
export default $config({
  app(input) {
    return {
      name: "jinguo",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
      home: "aws",
      // Region: the AWS provider's default (AWS_REGION / the profile), e.g. ap-east-1.
      // Where personal data may be stored (PIPL) is a decision for the operator, not the code.
    };
  },
  async run() {
    // "local" is the embedded stack's stage (npm start); it is never deployed.
    if ($app.stage === "local") {
      throw new Error('The "local" stage runs on this machine (npm start); deploy another stage.');
    }
    const storage = await import("./infra/storage");
    const api = await import("./infra/api");
    const web = await import("./infra/web");
    return {
      url: web.router.url,
      api: api.api.url,
      table: storage.table.name,
      uploads: storage.uploads.name,
    };
  },
});
