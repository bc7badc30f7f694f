import type { DynamoDBRecord } from "aws-lambda";
import { keys, tableDefinition } from "@jinguo/core/table";

/**
 * Which stream records are the outbox's, said twice from the same keys (core/table): as the
 * event source mapping's filter (infra/ imports this file: plain data, no SDK) and as the
 * handler's own check (stream.ts), which passes over anything the filter let through.
 */

type Key = { pk: string; sk: string };

/** The attribute that puts a notice in the pending listing, and its value there (core/table). */
const pendingAttribute = Object.keys(keys.pendingNotice("", ""))[0]!;
const pendingPartition = keys.pendingNoticesPartition();

/**
 * The event source mapping's filter (Lambda event filtering, on the stream record): inserts
 * and modifications whose new image is in the pending listing with status "pending". A claim
 * ("sending") and a sent or given-up notice (out of the listing) do not invoke the function.
 */
export const pendingNoticeFilter = {
  eventName: ["INSERT", "MODIFY"],
  dynamodb: {
    NewImage: {
      [pendingAttribute]: { S: [{ prefix: pendingPartition }] },
      status: { S: ["pending"] },
    },
  },
};

/** The notice's key, when the record is a write that left it pending; otherwise undefined. */
export function pendingNoticeKey(record: DynamoDBRecord): Key | undefined {
  if (record.eventName !== "INSERT" && record.eventName !== "MODIFY") return undefined;
  const image = record.dynamodb?.NewImage;
  if (!image?.[pendingAttribute]?.S?.startsWith(pendingPartition) || image.status?.S !== "pending") return undefined;
  const pk = record.dynamodb?.Keys?.[tableDefinition.partitionKey]?.S;
  const sk = record.dynamodb?.Keys?.[tableDefinition.sortKey]?.S;
  return pk && sk ? { pk, sk } : undefined;
}

