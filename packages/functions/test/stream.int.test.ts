import { describe, it, expect, afterEach } from "vitest";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { createDb, fromAttributes, getItem, putItem, type Db } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
import type { NoticeMessage, SmsSender } from "@jinguo/core/sms";
import { noticeOp } from "@jinguo/core/outbox";
import { inject } from "vitest";
import { freshDb, fixedClock } from "../../../test/harness.ts";
import { seed } from "../../local/src/seed.ts";
import { createStreamHandler, createSweep } from "../src/stream.ts";
import { createReminderHandler } from "../src/schedule.ts";
import { fixture } from "./fixtures/stream.ts";
// Test-only: the delivery switch is not part of the outbox module's public face.
import { guards, guardsOff } from "../../core/src/outbox/guards.ts";

const original = { ...guards };
afterEach(() => Object.assign(guards, original));

/** The woman the fixtures' notices are for, and the seeded lecture sessions they are about. */
const USER = "uk3m8q2x7c4v9";
const PHONE = "13912345678";

function recordingSms() {
  const sent: { phone: string; text: string; message: NoticeMessage }[] = [];
  const sms: SmsSender = {
    sendOtp: async () => {
      throw new Error("the outbox sends no codes");
    },
    sendNotice: async (phone, text, message) => void sent.push({ phone, text, message }),
  };
  return { sms, sent };
}

/**
 * The table as it was when the fixtures were recorded: the seeds (the 2019 health lectures),
 * her account, and every item a record's write left behind (its new image).
 */
async function world(events: DynamoDBStreamEvent[]) {
  const db = await freshDb();
  const clock = fixedClock("2026-12-01T02:00:05.000Z");
  await seed(db, clock, { localAccounts: false });
  await putItem(db, { ...keys.user(USER), id: USER, phone: PHONE, roles: [], createdAt: "2026-11-01T00:00:00.000Z" });
  await putItem(db, { ...keys.phone(PHONE), userId: USER });
  for (const e of events) for (const r of e.Records) if (r.dynamodb?.NewImage) await putItem(db, fromAttributes(r.dynamodb.NewImage));
  const { sms, sent } = recordingSms();
  const lines: string[] = [];
  const deps = { db, clock, sms, publicUrl: "https://jinguo.example.cn", log: (l: string) => void lines.push(l) };
  return { db, clock, sms, sent, lines, deps, handler: createStreamHandler(deps) };
}

const noticeAt = async (db: Db, event: DynamoDBStreamEvent, i = 0) => {
  const k = event.Records[i]!.dynamodb!.Keys!;
  return getItem<Record<string, any>>(db, { pk: k.pk!.S!, sk: k.sk!.S! });
};

describe("the outbox's stream handler (recorded stream events)", () => {
  it("delivers a new pending notice: one text, with its template, and the notice is marked sent", async () => {
    const event = fixture("pending-notice");
    const w = await world([event]);
    expect(await w.handler(event)).toEqual({ batchItemFailures: [] });
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]!.phone).toBe(PHONE);
    expect(w.sent[0]!.message.template).toBe("waitlist_promoted");
    const notice = await noticeAt(w.db, event);
    expect(notice?.status).toBe("sent");
    expect(notice?.gsi1pk, "out of the pending listing").toBeUndefined();
  });

  it("a redelivery of the same record (Lambda retries, a second consumer) sends nothing more", async () => {
    const event = fixture("pending-notice");
    const w = await world([event]);
    await w.handler(event);
    expect(await w.handler(event)).toEqual({ batchItemFailures: [] });
    expect(await w.handler(structuredClone(event))).toEqual({ batchItemFailures: [] });
    expect(w.sent).toHaveLength(1);
  });

  it("the same record delivered three times at once still sends once", async () => {
    const event = fixture("pending-notice");
    const w = await world([event]);
    await Promise.all([w.handler(event), w.handler(event), w.handler(event)]);
    expect(w.sent).toHaveLength(1);
  });

  it("negative control: without the claim's condition, the redelivery is a second text", async () => {
    Object.assign(guards, guardsOff);
    const event = fixture("pending-notice");
    const w = await world([event]);
    await w.handler(event);
    await w.handler(event);
    expect(w.sent.length).toBeGreaterThan(1);
  });

  it("in a mixed batch only the pending notices are delivered; claims, sent notices, other items and removals are passed over", async () => {
    const event = fixture("mixed-batch");
    const w = await world([event]);
    expect(await w.handler(event)).toEqual({ batchItemFailures: [] });
    expect(w.sent).toHaveLength(1);
    // The one about the second lecture (the pending insert), not the first (claimed, then sent, elsewhere).
    const second = await getItem<{ title: string }>(w.db, keys.session("c-2019-health-lectures", "s-health-02"));
    expect(w.sent[0]!.message.params[1]).toBe(second!.title);
    expect((await noticeAt(w.db, event, 3))?.status).toBe("sent");
  });

  it("a notice put back for another try is left for its time: the stream's record sends nothing, the sweep sends it when due", async () => {
    const event = fixture("retry-scheduled");
    const w = await world([event]);
    expect(await w.handler(event)).toEqual({ batchItemFailures: [] });
    expect(w.sent).toHaveLength(0);
    const sweep = createSweep(w.deps);
    await sweep();
    expect(w.sent, "not yet due at 02:00:05").toHaveLength(0);
    w.clock.set("2026-12-01T02:00:12.000Z");
    await sweep();
    expect(w.sent).toHaveLength(1);
    expect((await noticeAt(w.db, event))?.status).toBe("sent");
    await sweep();
    expect(w.sent).toHaveLength(1);
  });

  it("when the table cannot be reached, the batch stops at that record and reports it (partial batch response); nothing is sent", async () => {
    const event = fixture("mixed-batch");
    const w = await world([event]);
    const unreachable = createDb({ endpoint: inject("dynamoEndpoint"), tableName: "no-such-table" });
    const handler = createStreamHandler({ ...w.deps, db: unreachable });
    const pendingRecord = event.Records[3]!;
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: pendingRecord.dynamodb!.SequenceNumber }] });
    expect(w.sent).toHaveLength(0);
    expect(w.lines.join("\n")).toMatch(/delivery stopped by ResourceNotFoundException/);
    expect(w.lines.join("\n"), "no number in the log").not.toContain(PHONE);
    // Lambda then retries from that record, on a table that answers: delivered once.
    expect(await w.handler(event)).toEqual({ batchItemFailures: [] });
    expect(w.sent).toHaveLength(1);
  });
});

describe("the reminder schedule's handler", () => {
  it("writes tomorrow's reminders once, however often it runs; the stream then carries them to the outbox", async () => {
    const db = await freshDb();
    const clock = fixedClock("2026-12-01T02:00:00.000Z");
    await seed(db, clock, { localAccounts: false });
    // A session tomorrow (China day) with her confirmed seat.
    const campaignId = "c-2019-health-lectures";
    const session = (await getItem<Record<string, any>>(db, keys.session(campaignId, "s-health-01")))!;
    await putItem(db, { ...session, startsAt: "2026-12-02T06:30:00.000Z" });
    await putItem(db, { ...keys.registration("s-health-01", USER), id: `s-health-01.${USER}`, userId: USER, sessionId: "s-health-01", campaignId, status: "confirmed", createdAt: "2026-11-20T00:00:00.000Z" });
    const lines: string[] = [];
    const run = createReminderHandler({ db, clock, log: (l) => void lines.push(l) });
    const first = await run();
    expect(first.written).toBe(1);
    const second = await run();
    expect(second).toMatchObject({ written: 0, alreadyWritten: 1 });
    expect(lines[0]).toMatch(/1 reminders written/);
    // What the stream would hand over: a pending notice in the listing, as noticeOp writes it.
    const op = noticeOp({ userId: USER, kind: "session_reminder", refs: { campaignId, sessionId: "s-health-01", registrationId: `s-health-01.${USER}` }, at: "2026-11-30T16:00:00.000Z" }, `reminder.s-health-01.${USER}`);
    if (!("put" in op)) throw new Error("noticeOp is a put");
    const stored = await getItem<Record<string, any>>(db, { pk: op.put.pk as string, sk: op.put.sk as string });
    expect(stored?.status).toBe("pending");
    expect(stored?.[Object.keys(keys.pendingNotice("", ""))[0]!]).toBe(keys.pendingNoticesPartition());
  });
});
