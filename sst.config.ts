/// <reference path="./.sst/platform/config.d.ts" />
/*
 * The deploy path to AWS (`npm run deploy` → `sst deploy --stage <name>`; README, "Deploy").
 *
 * The globals used here and in infra/*.ts ($config, $app, sst.*, aws.*) are typed by
 * `.sst/platform/config.d.ts`, which `sst install` generates (from the npm registry; not in the
 * repository). `npm run typecheck` checks this file and infra/*.ts against it (infra/tsconfig.json,
 * running `sst install` first when .sst/platform is missing). infra/cdk is the same stack as a
 * plain aws-cdk-lib app, synthesised and tested offline.
 */
export default $config({
  app(input) {
    return {
      name: "jinguo",
      // Production keeps and protects its data (table, buckets, secrets) when removed; other
      // stages go with `sst remove`, data included.
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
    const storage = await import("./infra/storage.ts");
    const api = await import("./infra/api.ts");
    const outbox = await import("./infra/outbox.ts");
    const web = await import("./infra/web.ts");
    return {
      url: web.router.url,
      api: api.api.url,
      table: storage.table.name,
      uploads: storage.uploads.name,
      sessionSecretArn: api.sessionSecretStore.store.arn,
      smsSettingsArn: api.smsSettingsStore.store.arn,
      deadLetters: outbox.deadLetters.url,
    };
  },
});
