/**
 * What a run would cost on AWS, counted on the requests themselves.
 *
 * DynamoDB Local's ConsumedCapacity undercounts transactions, so the bench measures every call
 * a DynamoDB client sends (a middleware on the client: the code under test is not touched) and
 * applies AWS's billing rule to the items it writes:
 *
 * - TransactWriteItems: 2 write units per item per started KB (prepare + commit).
 *   A transaction cancelled by a condition is counted separately: AWS does not say plainly
 *   whether it bills the prepare phase of a cancelled transaction, so the report shows the bill
 *   without them and, as an upper bound, with them counted at the same rate.
 * - PutItem / UpdateItem / DeleteItem: 1 write unit per started KB.
 * - Global secondary indexes: each index entry a committed write creates is 1 write unit per
 *   started KB (the index entry's size is the projected item plus 100 bytes of overhead).
 * - Reads: a strongly consistent GetItem or Query is 1 read unit per started 4 KB of what it
 *   read (a Query: all its items together), an eventually consistent one half that.
 */
import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { tableDefinition } from "@jinguo/core/table";

type Attributes = Record<string, AttributeValue>;

const utf8 = (s: string) => Buffer.byteLength(s, "utf8");

/** A number's size: about one byte per two significant digits, plus one. */
function numberSize(n: string): number {
  const digits = n.replace(/^-/, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** The size DynamoDB bills for one attribute value (the documented item-size rule). */
export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((n, s) => n + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((n, s) => n + numberSize(s), 0);
  if (v.BS !== undefined) return v.BS.reduce((n, b) => n + b.byteLength, 0);
  if (v.L !== undefined) return 3 + v.L.reduce((n, e) => n + valueSize(e) + 1, 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + utf8(k) + valueSize(e) + 1, 0);
  return 0;
}

/** An item's size: the names of its attributes plus their values. */
export const itemSize = (item: Attributes) => Object.entries(item).reduce((n, [k, v]) => n + utf8(k) + valueSize(v), 0);

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

export interface Call {
  count: number;
  ms: number;
  itemsRead: number;
  bytesRead: number;
}

export interface Tally {
  /** per command: how many calls, their summed latency (ms) as the client saw it, what reads returned */
  calls: Record<string, Call>;
  committed: number;
  cancelledByCondition: number;
  cancelledOther: number;
  /** items written by committed transactions, and their write units */
  itemsCommitted: number;
  wcuCommitted: number;
  /** the same for cancelled transactions (billed or not: see the header) */
  itemsCancelled: number;
  wcuCancelled: number;
  /** single-item writes (PutItem/UpdateItem/DeleteItem) */
  wcuSingle: number;
  /** index entries written and their write units */
  indexEntries: number;
  wcuIndex: number;
  /** read units of GetItem and Query */
  rcu: number;
  /** calls that failed with anything but a cancelled transaction or a failed condition */
  errors: number;
}

const emptyTally = (): Tally => ({
  calls: {},
  committed: 0,
  cancelledByCondition: 0,
  cancelledOther: 0,
  itemsCommitted: 0,
  wcuCommitted: 0,
  itemsCancelled: 0,
  wcuCancelled: 0,
  wcuSingle: 0,
  indexEntries: 0,
  wcuIndex: 0,
  rcu: 0,
  errors: 0,
});

export interface Meter {
  /** starts a fresh tally; calls before this are not counted */
  begin(): void;
  /** stops counting and returns what was counted since begin() */
  end(): Tally;
}

/**
 * Counts what a client sends. `updatedItemSize` gives the size of the item an Update touches
 * (the request does not carry it; AWS bills the larger of before and after).
 */
export function meter(client: DynamoDBClient, updatedItemSize: (key: Attributes) => number): Meter {
  let tally: Tally | undefined;
  const indexKeys = tableDefinition.globalIndexes.map((g) => g.partitionKey);
  const indexWcu = (item: Attributes) => {
    const entries = indexKeys.filter((k) => item[k] !== undefined).length;
    return { entries, wcu: entries * kb(itemSize(item) + 100) };
  };
  const writeSize = (w: { Item?: Attributes; Key?: Attributes }) => (w.Item ? itemSize(w.Item) : updatedItemSize(w.Key ?? {}));

  // `any`: the middleware sees every command's input and output; their union type helps nobody.
  client.middlewareStack.add(
    (next: any, context: any) => async (args: any) => {
      const t = tally;
      if (!t) return next(args);
      const name = String(context.commandName ?? "unknown").replace(/Command$/, "");
      const started = performance.now();
      const done = () => {
        const c = (t.calls[name] ??= { count: 0, ms: 0, itemsRead: 0, bytesRead: 0 });
        c.count++;
        c.ms += performance.now() - started;
        return c;
      };
      try {
        const out = await next(args);
        const call = done();
        bill(t, name, args.input, "ok");
        if (name === "GetItem" || name === "Query") {
          const items: Attributes[] = out.output?.Items ?? (out.output?.Item ? [out.output.Item] : []);
          const bytes = items.reduce((n, i) => n + itemSize(i), 0);
          call.itemsRead += items.length;
          call.bytesRead += bytes;
          t.rcu += (args.input.ConsistentRead ? 1 : 0.5) * Math.max(1, Math.ceil(bytes / 4096));
        }
        return out;
      } catch (err: any) {
        done();
        if (err?.name === "TransactionCanceledException") {
          const reasons: { Code?: string }[] = err.CancellationReasons ?? [];
          bill(t, name, args.input, reasons.some((r) => r.Code === "ConditionalCheckFailed") ? "condition" : "other");
        } else if (err?.name !== "ConditionalCheckFailedException") {
          t.errors++;
        }
        throw err;
      }
    },
    { step: "initialize", name: "benchBillingMeter" },
  );

  function bill(t: Tally, name: string, input: any, outcome: "ok" | "condition" | "other") {
    if (name === "TransactWriteItems") {
      const writes = (input.TransactItems as any[]).map((op) => op.Put ?? op.Update ?? op.Delete).filter(Boolean);
      const wcu = writes.reduce((n, w) => n + 2 * kb(writeSize(w)), 0);
      if (outcome === "ok") {
        t.committed++;
        t.itemsCommitted += writes.length;
        t.wcuCommitted += wcu;
        for (const op of input.TransactItems as any[]) {
          if (!op.Put) continue;
          const index = indexWcu(op.Put.Item);
          t.indexEntries += index.entries;
          t.wcuIndex += index.wcu;
        }
      } else {
        if (outcome === "condition") t.cancelledByCondition++;
        else t.cancelledOther++;
        t.itemsCancelled += writes.length;
        t.wcuCancelled += wcu;
      }
    } else if (outcome === "ok" && (name === "PutItem" || name === "UpdateItem" || name === "DeleteItem")) {
      t.wcuSingle += kb(writeSize(input));
      if (input.Item) {
        const index = indexWcu(input.Item);
        t.indexEntries += index.entries;
        t.wcuIndex += index.wcu;
      }
    }
  }

  return {
    begin: () => void (tally = emptyTally()),
    end: () => {
      const t = tally ?? emptyTally();
      tally = undefined;
      return t;
    },
  };
}
