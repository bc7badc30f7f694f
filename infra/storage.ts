// SST components (typed by .sst/platform from `sst install`: infra/tsconfig.json, `npm run typecheck`).
// The table is built from the one definition in core: no key name is restated here.
import { tableDefinition } from "../packages/core/src/table/index.ts";
import { incomingExpiryDays, incomingPrefix, uploadCors } from "./cloud-settings.ts";

const production = $app.stage === "production";

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
  // The outbox reads new images only: a notice's key and whether it is pending (infra/outbox.ts).
  stream: "new-image",
  // Only production is protected and recoverable; other stages are removed with `sst remove`.
  deletionProtection: production,
  transform: {
    // On-demand billing is sst.aws.Dynamo's default; said here so nobody has to look it up.
    table: (args) => {
      args.billingMode = "PAY_PER_REQUEST";
      args.pointInTimeRecovery = { enabled: production };
    },
  },
});

// Uploaded files (entry photos). Private: SST blocks public access unless `access` is set and
// enforces HTTPS; objects are encrypted with S3-managed keys.
export const uploads = new sst.aws.Bucket("Uploads", {
  // Her browser PUTs a photo to a presigned URL (cloud-settings uploadCors: why any origin).
  cors: {
    allowMethods: [...uploadCors.methods],
    allowOrigins: [...uploadCors.origins],
    allowHeaders: [...uploadCors.headers],
    maxAge: `${uploadCors.maxAgeSeconds} seconds`,
  },
  // Direct uploads never completed (the API removes the completed ones).
  lifecycle: [{ id: "incoming", prefix: incomingPrefix, expiresIn: `${incomingExpiryDays} day` }],
  transform: {
    bucket: (args) => {
      // A removed stage takes its objects along; production's bucket is kept (removal: retain).
      args.forceDestroy = !production;
    },
  },
});
