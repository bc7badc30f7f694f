import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  DeleteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  ResourceNotFoundException,
  type TransactWriteItem,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { createTableInput, tableDefinition } from "../table/index.ts";
import { fail } from "../errors/index.ts";

export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };

export interface Db {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

export interface DbOptions {
  tableName: string;
  /** DynamoDB Local's URL; absent in the cloud. */
  endpoint?: string;
  region?: string;
}

export function createDb(options: DbOptions): Db {
  const client = new DynamoDBClient({
    region: options.region ?? process.env.AWS_REGION ?? "ap-east-1",
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          // DynamoDB Local accepts any credentials; fixed ones keep every local run on one database.
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : {}),
    maxAttempts: 5,
  });
  return { client, tableName: options.tableName };
}

const marshallOptions = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;
export const toAttributes = (value: Item) => marshall(value, marshallOptions);
export const fromAttributes = <T = Item>(value: Record<string, any>) => unmarshall(value) as T;

/**
 * DynamoDB refuses a key over 2048 bytes (partition) or 1024 bytes (sort) with a
 * ValidationException — in the cloud even on reads, where DynamoDB Local lets a Query through.
 * Such a key can name nothing stored, so a read by it finds nothing, the same everywhere.
 */
const fitsKeyLimits = (partition: unknown, sort?: unknown) =>
  typeof partition === "string" &&
  Buffer.byteLength(partition) <= 2048 &&
  (sort === undefined || (typeof sort === "string" && Buffer.byteLength(sort) <= 1024));

export async function getItem<T = Item>(db: Db, key: Key, consistent = true): Promise<T | undefined> {
  if (!fitsKeyLimits(key.pk, key.sk)) return undefined;
  const out = await db.client.send(
    new GetItemCommand({ TableName: db.tableName, Key: toAttributes(key), ConsistentRead: consistent }),
  );
  return out.Item ? fromAttributes<T>(out.Item) : undefined;
}

export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Item;
}

export async function putItem(db: Db, item: Item, condition?: Condition): Promise<void> {
  await db.client.send(
    new PutItemCommand({
      TableName: db.tableName,
      Item: toAttributes(item),
      ...conditionParams(condition),
    }),
  );
}

export interface Update {
  key: Key;
  update: string;
  condition?: string;
  names?: Record<string, string>;
  values?: Item;
}

export async function updateItem<T = Item>(db: Db, u: Update): Promise<T> {
  const out = await db.client.send(
    new UpdateItemCommand({
      TableName: db.tableName,
      Key: toAttributes(u.key),
      UpdateExpression: u.update,
      ConditionExpression: u.condition,
      ExpressionAttributeNames: u.names,
      ExpressionAttributeValues: u.values ? toAttributes(u.values) : undefined,
      ReturnValues: "ALL_NEW",
    }),
  );
  return fromAttributes<T>(out.Attributes ?? {});
}

export async function deleteItem(db: Db, key: Key, condition?: Condition): Promise<void> {
  await db.client.send(
    new DeleteItemCommand({ TableName: db.tableName, Key: toAttributes(key), ...conditionParams(condition) }),
  );
}

export interface QueryOptions {
  index?: "gsi1" | "gsi2";
  partition: string;
  /** begins_with on the sort key */
  prefix?: string;
  limit?: number;
  cursor?: Record<string, any>;
  newestFirst?: boolean;
  consistent?: boolean;
}

export interface Page<T> {
  items: T[];
  next?: Record<string, any>;
}

export async function query<T = Item>(db: Db, o: QueryOptions): Promise<Page<T>> {
  const index = o.index ? tableDefinition.globalIndexes.find((g) => g.name === o.index)! : undefined;
  const pkName = index ? index.partitionKey : tableDefinition.partitionKey;
  const skName = index ? index.sortKey : tableDefinition.sortKey;
  if (!fitsKeyLimits(o.partition)) return { items: [] };
  if (o.cursor) checkCursor(o, pkName, skName);
  const input: QueryCommandInput = {
    TableName: db.tableName,
    IndexName: o.index,
    KeyConditionExpression: o.prefix ? "#pk = :pk AND begins_with(#sk, :prefix)" : "#pk = :pk",
    ExpressionAttributeNames: o.prefix ? { "#pk": pkName, "#sk": skName } : { "#pk": pkName },
    ExpressionAttributeValues: toAttributes(o.prefix ? { ":pk": o.partition, ":prefix": o.prefix } : { ":pk": o.partition }),
    ScanIndexForward: !o.newestFirst,
    Limit: o.limit,
    ExclusiveStartKey: o.cursor ? toAttributes(o.cursor) : undefined,
    ConsistentRead: o.index ? undefined : (o.consistent ?? true),
  };
  const out = await db.client.send(new QueryCommand(input));
  return {
    items: (out.Items ?? []).map((i) => fromAttributes<T>(i)),
    next: out.LastEvaluatedKey ? fromAttributes(out.LastEvaluatedKey) : undefined,
  };
}

/**
 * A cursor comes back from the client, so it is checked like any input: it must be a key this
 * very query could have returned (the key attributes of the table, and of the index if one is
 * used, as strings, in this partition, under this prefix). DynamoDB would refuse anything else
 * with a ValidationException, which is the client's mistake, not a 5xx.
 */
function checkCursor(o: QueryOptions, pkName: string, skName: string): void {
  const c = o.cursor as Record<string, unknown>;
  const names = [...new Set([pkName, skName, tableDefinition.partitionKey, tableDefinition.sortKey])];
  const ok =
    typeof c === "object" &&
    c !== null &&
    !Array.isArray(c) &&
    Object.keys(c).length === names.length &&
    names.every((n) => typeof c[n] === "string" && c[n] !== "") &&
    c[pkName] === o.partition &&
    (!o.prefix || (c[skName] as string).startsWith(o.prefix)) &&
    fitsKeyLimits(c[tableDefinition.partitionKey], c[tableDefinition.sortKey]) &&
    fitsKeyLimits(c[pkName], c[skName]);
  if (!ok) fail("VALIDATION", { fields: { cursor: "FIELD_INVALID" } });
}

/** Every page of a partition; only for partitions that are small by design. */
export async function queryAll<T = Item>(db: Db, o: Omit<QueryOptions, "cursor" | "limit">): Promise<T[]> {
  const all: T[] = [];
  let cursor: Record<string, any> | undefined;
  do {
    const page = await query<T>(db, { ...o, cursor });
    all.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return all;
}

/** One item of a transaction, in the same terms as the single-item helpers. */
export type TxOp =
  | { put: Item; condition?: Condition }
  | ({ update: Update })
  | { delete: Key; condition?: Condition }
  | { check: Key; condition: Condition };

export function toTransactItem(db: Db, op: TxOp): TransactWriteItem {
  const TableName = db.tableName;
  if ("put" in op) return { Put: { TableName, Item: toAttributes(op.put), ...conditionParams(op.condition) } };
  if ("delete" in op) return { Delete: { TableName, Key: toAttributes(op.delete), ...conditionParams(op.condition) } };
  if ("check" in op) {
    return { ConditionCheck: { TableName, Key: toAttributes(op.check), ...conditionParams(op.condition)! } as any };
  }
  const u = op.update;
  return {
    Update: {
      TableName,
      Key: toAttributes(u.key),
      UpdateExpression: u.update,
      ConditionExpression: u.condition,
      ExpressionAttributeNames: u.names,
      ExpressionAttributeValues: u.values ? toAttributes(u.values) : undefined,
    },
  };
}

/**
 * Runs the operations as one TransactWriteItems. When it is cancelled because a condition
 * failed or another writer got in the way, returns the index of each operation whose condition
 * failed (so the caller can say which rule was broken) and whether it was a conflict (so the
 * caller can simply try again). Any other cancellation reason (throttling, a validation error,
 * an item too large) is not a lost race: it is rethrown, never retried as if it were one.
 */
export async function transact(
  db: Db,
  ops: TxOp[],
  clientRequestToken?: string,
): Promise<{ ok: true } | { ok: false; failed: number[]; conflict: boolean }> {
  try {
    await db.client.send(
      new TransactWriteItemsCommand({
        TransactItems: ops.map((op) => toTransactItem(db, op)),
        ClientRequestToken: clientRequestToken,
      }),
    );
    return { ok: true };
  } catch (err: any) {
    if (err?.name === "TransactionCanceledException") {
      const reasons: { Code?: string }[] = err.CancellationReasons ?? [];
      const lostRace = reasons.length > 0 && reasons.every((r) => !r.Code || raceReasons.has(r.Code));
      if (!lostRace) throw err;
      const failed = reasons.flatMap((r, i) => (r.Code === "ConditionalCheckFailed" ? [i] : []));
      const conflict = reasons.some((r) => r.Code === "TransactionConflict");
      return { ok: false, failed, conflict };
    }
    if (isTransactionConflict(err)) return { ok: false, failed: [], conflict: true };
    throw err;
  }
}

const raceReasons = new Set(["None", "ConditionalCheckFailed", "TransactionConflict"]);

/** A single write that ran into a transaction on the same item: safe to try again. */
export const isTransactionConflict = (err: unknown) =>
  (err as { name?: string } | undefined)?.name === "TransactionConflictException";

export const isConditionFailed = (err: unknown) =>
  (err as { name?: string } | undefined)?.name === "ConditionalCheckFailedException";

function conditionParams(c?: Condition) {
  if (!c) return {};
  return {
    ConditionExpression: c.expression,
    ExpressionAttributeNames: c.names,
    ExpressionAttributeValues: c.values ? toAttributes(c.values) : undefined,
  };
}

/** Creates the table from the one definition when it is missing (local stage and tests only). */
export async function ensureTable(db: Db): Promise<"created" | "exists"> {
  try {
    await db.client.send(new DescribeTableCommand({ TableName: db.tableName }));
    return "exists";
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as any)?.name !== "ResourceNotFoundException") throw err;
  }
  await db.client.send(new CreateTableCommand(createTableInput(db.tableName)));
  await db.client.send(
    new UpdateTimeToLiveCommand({
      TableName: db.tableName,
      TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
    }),
  );
  return "created";
}

/** How many items of a partition have a sort key between `from` and `to`, both included. Pages through the count. */
export async function countBetween(db: Db, partition: string, from: string, to: string): Promise<number> {
  if (!fitsKeyLimits(partition, from) || !fitsKeyLimits(partition, to) || from > to) return 0;
  let total = 0;
  let start: Record<string, any> | undefined;
  do {
    const out = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: toAttributes({ ":pk": partition, ":from": from, ":to": to }),
        Select: "COUNT",
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    total += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return total;
}
