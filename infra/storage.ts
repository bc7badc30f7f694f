// SST components (typed by .sst/platform from `sst install`; not in the repository typecheck).
// The table is built from the one definition in core: no key name is restated here.
import { tableDefinition } from "../packages/core/src/table/index.ts";

const keyAttributes = [
  tableDefinition.partitionKey,
  tableDefinition.sortKey,
  ...tableDefinition.globalIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
];

export const table = new sst.aws.Dynamo("Table", {
  // Every key attribute is a string (typed prefixes).
  fields: Object.fromEntries(keyAttributes.map((name) => [name, "string" as const])),
  primaryIndex: { hashKey: tableDefinition.partitionKey, rangeKey: tableDefinition.sortKey },
  globalIndexes: Object.fromEntries(
    tableDefinition.globalIndexes.map((g) => [
      g.name,
      { hashKey: g.partitionKey, rangeKey: g.sortKey, projection: "all" as const },
    ]),
  ),
  ttl: tableDefinition.ttlAttribute,
  transform: {
    // On-demand billing is sst.aws.Dynamo's default; recovery and deletion protection are set
    // on the underlying aws.dynamodb.Table. Other stages than production are meant to be
    // removed with `sst remove`, so only production is protected from deletion.
    table: (args) => {
      args.billingMode = "PAY_PER_REQUEST";
      args.pointInTimeRecovery = { enabled: true };
      args.deletionProtectionEnabled = $app.stage === "production";
    },
  },
});

// Uploaded files (entry photos, attachments). Private: SST blocks public access unless
// `access` is set and enforces HTTPS; objects are encrypted with S3-managed keys.
export const uploads = new sst.aws.Bucket("Uploads", {
  encryption: true,
  // No browser CORS: uploads go through the API. Direct browser uploads (pre-signed PUT)
  // would need a rule for the site's origin only.
  cors: false,
  transform: {
    bucket: (args) => {
      args.forceDestroy = $app.stage !== "production";
    },
  },
});
