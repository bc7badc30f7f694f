// SST components (typed by .sst/platform from `sst install`: infra/tsconfig.json).
// The outbox in the cloud, as infra/cdk/stack.ts has it: a function on the table's stream,
// a sweep every few minutes, the day-before reminders every morning, one dead-letter queue.
import { table } from "./storage.ts";
import { smsSettingsStore } from "./api.ts";
import { router } from "./router.ts";
import {
  deadLetterRetentionDays,
  functionSettings,
  outboxStream,
  scheduleRetry,
  schedules,
  streamActions,
  tableActions,
} from "./cloud-settings.ts";
import { cloudFunction } from "./functions.ts";
import { pendingNoticeFilter } from "../packages/functions/src/stream-filter.ts";
import { configEnvironment as env } from "../packages/core/src/config/index.ts";

// What could not be delivered after every retry: pointers to stream records (the notice stays
// pending in the table for the sweep) and scheduled runs that kept failing.
export const deadLetters = new aws.sqs.Queue("DeadLetters", {
  sqsManagedSseEnabled: true,
  messageRetentionSeconds: deadLetterRetentionDays * 86_400,
});

const onTable = (actions: readonly string[]) => ({ actions: [...actions], resources: [table.arn, $interpolate`${table.arn}/index/*`] });
const readSms = { actions: ["secretsmanager:GetSecretValue"], resources: [smsSettingsStore.store.arn] };
const outboxEnvironment = { [env.tableName]: table.name, [env.smsSecretArn]: smsSettingsStore.store.arn, [env.publicUrl]: router.url };

export const outbox = table.subscribe(
  "Outbox",
  cloudFunction("outbox", "outbox", "index.handler", functionSettings.outbox, outboxEnvironment, [
    onTable(tableActions.outbox),
    readSms,
    { actions: [...streamActions], resources: [table.nodes.table.streamArn] },
    { actions: ["sqs:SendMessage"], resources: [deadLetters.arn] },
  ]),
  {
    filters: [pendingNoticeFilter],
    transform: {
      eventSourceMapping: (args) => {
        args.startingPosition = outboxStream.startingPosition;
        args.batchSize = outboxStream.batchSize;
        args.bisectBatchOnFunctionError = outboxStream.bisectBatchOnError;
        args.maximumRetryAttempts = outboxStream.retryAttempts;
        args.maximumRecordAgeInSeconds = outboxStream.maxRecordAgeSeconds;
        args.functionResponseTypes = ["ReportBatchItemFailures"];
        args.destinationConfig = { onFailure: { destinationArn: deadLetters.arn } };
      },
    },
  },
);

export const sweep = new sst.aws.CronV2("OutboxSweep", {
  schedule: schedules.sweep,
  function: cloudFunction("outbox sweep", "outbox", "index.sweep", functionSettings.sweep, outboxEnvironment, [
    onTable(tableActions.outbox),
    readSms,
  ]),
  retries: scheduleRetry.retryAttempts,
  dlq: deadLetters.arn,
});

export const reminders = new sst.aws.CronV2("Reminders", {
  schedule: schedules.reminders,
  function: cloudFunction("reminders", "reminders", "index.handler", functionSettings.reminders, { [env.tableName]: table.name }, [
    onTable(tableActions.reminders),
  ]),
  retries: scheduleRetry.retryAttempts,
  dlq: deadLetters.arn,
});
