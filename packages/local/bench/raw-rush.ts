/**
 * The limit: the same seat-taking transaction as core's `takeSeat`, sent straight through
 * `@aws-sdk/client-dynamodb` by a pool of workers, with nothing around it — no HTTP, no
 * validation, no read first. Whatever our HTTP path adds shows up as the gap to this.
 *
 * The item shapes are written out here on purpose (not built by core) so that the baseline
 * stays raw; the bench checks that they come out the same size as the items our code writes.
 */
import { randomInt } from "node:crypto";
import { TransactWriteItemsCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Woman } from "./women.ts";

export interface RushOutcome {
  /** wall-clock seconds from the first request to the last answer */
  seconds: number;
  /** per attempt, ms */
  latencies: number[];
  /** per confirmed seat: its latency, and when it was confirmed (ms after the start) */
  confirmedLatencies: number[];
  confirmedAt: number[];
  confirmed: number;
  full: number;
  /** anything else: conflicts given up on, duplicates, server errors */
  other: Record<string, number>;
  errors: number;
}

/** A nine-digit check-in code, as core/ids draws them. */
const ticketCode = () => String(randomInt(100_000_000, 1_000_000_000));
const S = (s: string): AttributeValue => ({ S: s });

/** The registration item, attribute for attribute as takeSeat writes it for a free seat. */
export function rawRegistrationItem(
  campaignId: string,
  orgUnit: string,
  sessionId: string,
  woman: Woman,
  now: string,
  code: string,
): Record<string, AttributeValue> {
  return {
    pk: S(`SESSION#${sessionId}`),
    sk: S(`REG#${woman.userId}`),
    gsi1pk: S(`USER#${woman.userId}#REGS`),
    gsi1sk: S(now),
    id: S(`${sessionId}.${woman.userId}`),
    campaignId: S(campaignId),
    sessionId: S(sessionId),
    userId: S(woman.userId),
    orgUnit: S(orgUnit),
    status: S("confirmed"),
    ticketCode: S(code),
    answers: {
      M: {
        name: S(String(woman.answers.name)),
        phone: S(String(woman.answers.phone)),
        city: S(String(woman.answers.city)),
        consent: { BOOL: true },
      },
    },
    createdAt: S(now),
    updatedAt: S(now),
    confirmedAt: S(now),
  };
}

export async function rawRush(
  client: DynamoDBClient,
  opts: { tableName: string; campaignId: string; orgUnit: string; sessionId: string; women: Woman[]; concurrency: number },
): Promise<RushOutcome> {
  const { tableName: TableName, campaignId, orgUnit, sessionId, women } = opts;
  const latencies: number[] = [];
  const confirmedLatencies: number[] = [];
  const confirmedAt: number[] = [];
  const other: Record<string, number> = {};
  let confirmed = 0;
  let full = 0;
  let errors = 0;
  let next = 0;

  async function register(woman: Woman): Promise<"confirmed" | "full" | string> {
    // DynamoDB Local does not throw TransactionConflict, but AWS does: retry it like a client would.
    for (let attempt = 0; attempt < 10; attempt++) {
      const now = new Date().toISOString();
      const code = ticketCode();
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName,
                  Key: { pk: S(`CAMPAIGN#${campaignId}`), sk: S(`SESSION#${sessionId}`) },
                  UpdateExpression: "SET #taken = #taken + :one",
                  ConditionExpression: "#taken < #capacity AND #waiting = :zero",
                  ExpressionAttributeNames: { "#taken": "taken", "#capacity": "capacity", "#waiting": "waiting" },
                  ExpressionAttributeValues: { ":one": { N: "1" }, ":zero": { N: "0" } },
                },
              },
              {
                Put: {
                  TableName,
                  Item: rawRegistrationItem(campaignId, orgUnit, sessionId, woman, now, code),
                  ConditionExpression: "attribute_not_exists(pk) OR #status = :cancelled",
                  ExpressionAttributeNames: { "#status": "status" },
                  ExpressionAttributeValues: { ":cancelled": S("cancelled") },
                },
              },
              {
                // The code's claim, as takeSeat writes it: one ticket per code.
                Put: {
                  TableName,
                  Item: {
                    pk: S(`TICKETCODE#${code}`),
                    sk: S("CLAIM"),
                    sessionId: S(sessionId),
                    userId: S(woman.userId),
                    campaignId: S(campaignId),
                    claimedAt: S(now),
                  },
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
            ],
          }),
        );
        return "confirmed";
      } catch (err: any) {
        if (err?.name !== "TransactionCanceledException") throw err;
        const codes: (string | undefined)[] = (err.CancellationReasons ?? []).map((r: { Code?: string }) => r.Code);
        if (codes[0] === "ConditionalCheckFailed") return "full";
        if (codes[1] === "ConditionalCheckFailed") return "ALREADY_REGISTERED";
        if (codes[2] === "ConditionalCheckFailed") continue; // the code was taken: another one
        if (!codes.includes("TransactionConflict")) return `cancelled:${codes.join(",")}`;
      }
    }
    return "CONFLICT_GAVE_UP";
  }

  async function worker() {
    for (;;) {
      const i = next++;
      const woman = women[i];
      if (!woman) return;
      const started = performance.now();
      try {
        const outcome = await register(woman);
        if (outcome === "confirmed") {
          confirmed++;
          confirmedLatencies.push(performance.now() - started);
          confirmedAt.push(performance.now() - begun);
        }
        else if (outcome === "full") full++;
        else other[outcome] = (other[outcome] ?? 0) + 1;
      } catch (err: any) {
        errors++;
        other[`error:${err?.name ?? "unknown"}`] = (other[`error:${err?.name ?? "unknown"}`] ?? 0) + 1;
      }
      latencies.push(performance.now() - started);
    }
  }

  const begun = performance.now();
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { seconds: (performance.now() - begun) / 1000, latencies, confirmedLatencies, confirmedAt, confirmed, full, other, errors };
}
