import { describe, it, expect } from "vitest";
import type { DynamoDBRecord } from "aws-lambda";
import { keys } from "@jinguo/core/table";
import { pendingNoticeFilter, pendingNoticeKey } from "../src/stream-filter.ts";
import { fixture } from "./fixtures/stream.ts";

/**
 * Lambda's event filtering, for the parts of its pattern language the outbox's filter uses: a
 * list matches when the value equals one of its strings or satisfies one of its `{ prefix }`;
 * an object matches field by field; a field the record lacks never matches.
 */
function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((p) =>
      typeof p === "string" ? value === p : typeof p === "object" && p && "prefix" in p ? typeof value === "string" && value.startsWith(String(p.prefix)) : false,
    );
  }
  if (pattern && typeof pattern === "object") {
    if (!value || typeof value !== "object") return false;
    return Object.entries(pattern).every(([k, p]) => k in value && matches(p, (value as Record<string, unknown>)[k]));
  }
  throw new Error(`a pattern this test cannot read: ${JSON.stringify(pattern)}`);
}

const all: DynamoDBRecord[] = (["pending-notice", "mixed-batch", "retry-scheduled"] as const).flatMap((f) => fixture(f).Records);
const noticeSks = (records: DynamoDBRecord[]) => records.map((r) => pendingNoticeKey(r)?.sk).filter(Boolean);

describe("the outbox's stream filter", () => {
  it("is built from core's keys: the pending listing's attribute and partition", () => {
    const [attribute] = Object.keys(keys.pendingNotice("", ""));
    expect(pendingNoticeFilter.dynamodb.NewImage).toEqual({
      [attribute!]: { S: [{ prefix: keys.pendingNoticesPartition() }] },
      status: { S: ["pending"] },
    });
    expect(pendingNoticeFilter.eventName).toEqual(["INSERT", "MODIFY"]);
  });

  it("lets through a new pending notice and one put back for another try, nothing else", () => {
    const passed = all.filter((r) => matches(pendingNoticeFilter, r));
    expect(passed.map((r) => `${r.eventName} ${r.dynamodb!.NewImage!.status?.S}`)).toEqual(["INSERT pending", "INSERT pending", "MODIFY pending"]);
    // Not: a registration, a claim ("sending"), a sent notice (out of the listing), a removal.
    const held = all.filter((r) => !matches(pendingNoticeFilter, r));
    expect(held.map((r) => `${r.eventName} ${r.dynamodb!.Keys!.sk!.S!.split("#")[0]} ${r.dynamodb!.NewImage?.status?.S ?? "-"}`)).toEqual([
      "INSERT REG confirmed",
      "MODIFY 2026-12-01T02:00:00.000Z sending",
      "MODIFY 2026-12-01T02:00:00.000Z sent",
      "REMOVE REG -",
    ]);
  });

  it("and the handler's own check agree on every record", () => {
    for (const r of all) expect(pendingNoticeKey(r) !== undefined, `${r.eventName} ${r.dynamodb?.Keys?.sk?.S}`).toBe(matches(pendingNoticeFilter, r));
  });

  it("the handler takes the notice's key from the record's keys", () => {
    const [record] = fixture("pending-notice").Records;
    expect(pendingNoticeKey(record!)).toEqual({ pk: "USER#uk3m8q2x7c4v9#NOTICES", sk: "2026-12-01T02:00:00.000Z#nq7w2e9r4t6y1" });
    expect(noticeSks(fixture("mixed-batch").Records)).toEqual(["2026-12-01T02:00:01.000Z#nm3k8j5h2g7f4"]);
  });

  it("negative control: a filter on the listing alone would also wake the function for its own claims", () => {
    const listingOnly = { ...pendingNoticeFilter, dynamodb: { NewImage: { gsi1pk: pendingNoticeFilter.dynamodb.NewImage.gsi1pk } } };
    expect(all.filter((r) => matches(listingOnly, r)).length).toBeGreaterThan(all.filter((r) => matches(pendingNoticeFilter, r)).length);
  });
});
