/**
 * The door desk's offline queue: what is kept on the phone while there is no signal, and what
 * leaves it once the server has answered. Pure functions over a fake storage.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  BATCH_LIMIT,
  addScan,
  chunks,
  codeFromScan,
  groupCode,
  memoryStore,
  normaliseCode,
  queueKey,
  queuedCounts,
  readQueue,
  removeAnswered,
  syncQueue,
  type BatchAnswer,
  type QueuedScan,
} from "../src/desk-queue.ts";

const S = "s-cxcy-01";
const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 6, minute)).toISOString();

/** A server that checks every code in, and records each batch it was sent. */
function server(answer: (s: QueuedScan) => BatchAnswer = (s) => ({ ticketCode: s.ticketCode, result: "checked_in", checkedInAt: s.scannedAt })) {
  const batches: QueuedScan[][] = [];
  return {
    batches,
    send: async (items: QueuedScan[]) => {
      batches.push(items);
      return items.map(answer);
    },
  };
}

const offline = async (): Promise<BatchAnswer[]> => {
  throw Object.assign(new Error("Failed to fetch"), { code: "NETWORK" });
};

describe("codes as typed or scanned", () => {
  it("keeps digits and letters only, upper-cased, full-width digits too", () => {
    expect(normaliseCode(" 482 913 075 ")).toBe("482913075");
    expect(normaliseCode("482-913-075")).toBe("482913075");
    expect(normaliseCode("４８２ ９１３ ０７５")).toBe("482913075");
    expect(normaliseCode("jnxq s4yx")).toBe("JNXQS4YX");
    expect(groupCode("482913075")).toBe("482 913 075");
    expect(groupCode("JNXQS4YX")).toBe("JNXQS4YX");
  });

  it("reads the code from a ticket's link (at any address), or the bare code; not from another link", () => {
    expect(codeFromScan("https://door.example/organiser/checkin?code=482913075")).toBe("482913075");
    expect(codeFromScan("http://192.168.1.20:3000/organiser/checkin?code=jnxqs4yx")).toBe("JNXQS4YX");
    expect(codeFromScan("https://weixin.qq.com/r/abc?code=482913075")).toBeUndefined();
    expect(codeFromScan("https://door.example/organiser/checkin")).toBeUndefined();
    expect(codeFromScan("482 913 075")).toBe("482913075");
    expect(codeFromScan("   ")).toBeUndefined();
    expect(codeFromScan("A".repeat(33))).toBeUndefined();
  });
});

describe("the queue on the phone", () => {
  it("keeps each scan per session, with its time", () => {
    const store = memoryStore();
    expect(addScan(store, S, { ticketCode: "482 913 075", scannedAt: at(1) }).added).toBe(true);
    expect(addScan(store, "s-other", { ticketCode: "111222333", scannedAt: at(2) }).added).toBe(true);
    expect(readQueue(store, S)).toEqual([{ ticketCode: "482913075", scannedAt: at(1) }]);
    expect(readQueue(store, "s-other")).toEqual([{ ticketCode: "111222333", scannedAt: at(2) }]);
    expect(queuedCounts(store)).toEqual(new Map([[S, 1], ["s-other", 1]]));
  });

  it("keeps the same code once, at its earliest scan, however it was typed", () => {
    const store = memoryStore();
    addScan(store, S, { ticketCode: "482913075", scannedAt: at(5) });
    expect(addScan(store, S, { ticketCode: "482 913 075", scannedAt: at(9) }).added).toBe(false);
    expect(readQueue(store, S)).toEqual([{ ticketCode: "482913075", scannedAt: at(5) }]);
    // A scan with an earlier time (the phone's clock, another tab) moves the time back.
    expect(addScan(store, S, { ticketCode: "482-913-075", scannedAt: at(2) }).added).toBe(false);
    expect(readQueue(store, S)).toEqual([{ ticketCode: "482913075", scannedAt: at(2) }]);
  });

  it("refuses what cannot be a ticket code", () => {
    const store = memoryStore();
    expect(() => addScan(store, S, { ticketCode: " - ", scannedAt: at(1) })).toThrow(RangeError);
    expect(readQueue(store, S)).toEqual([]);
  });

  it("reads damaged storage as empty, and skips damaged entries", () => {
    const store = memoryStore();
    store.setItem(queueKey(S), "{not json");
    expect(readQueue(store, S)).toEqual([]);
    store.setItem(queueKey(S), JSON.stringify([{ ticketCode: "482913075", scannedAt: at(1) }, { ticketCode: 5 }, null, { ticketCode: "111", scannedAt: "yesterday" }]));
    expect(readQueue(store, S)).toEqual([{ ticketCode: "482913075", scannedAt: at(1) }]);
  });

  it("leaves nothing behind when the last scan is answered", () => {
    const store = memoryStore();
    addScan(store, S, { ticketCode: "482913075", scannedAt: at(1) });
    removeAnswered(store, S, ["482913075"]);
    expect(store.getItem(queueKey(S))).toBeNull();
    expect(queuedCounts(store).size).toBe(0);
  });

  it("cuts into batches of at most the API's limit", () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
    expect(chunks(Array.from({ length: 401 }, (_, i) => i)).map((c) => c.length)).toEqual([200, 200, 1]);
  });
});

describe("syncing", () => {
  it("sends the queue and empties it, giving each answer", async () => {
    const store = memoryStore();
    addScan(store, S, { ticketCode: "111111111", scannedAt: at(1) });
    addScan(store, S, { ticketCode: "222222222", scannedAt: at(2) });
    addScan(store, S, { ticketCode: "333333333", scannedAt: at(3) });
    const api = server((s) =>
      s.ticketCode === "222222222"
        ? { ticketCode: s.ticketCode, result: "already", checkedInAt: at(0) }
        : s.ticketCode === "333333333"
          ? { ticketCode: s.ticketCode, result: "unknown", reason: "WRONG_SESSION" }
          : { ticketCode: s.ticketCode, result: "checked_in", checkedInAt: s.scannedAt },
    );
    const outcome = await syncQueue(store, S, api.send);
    expect(api.batches).toEqual([
      [
        { ticketCode: "111111111", scannedAt: at(1) },
        { ticketCode: "222222222", scannedAt: at(2) },
        { ticketCode: "333333333", scannedAt: at(3) },
      ],
    ]);
    expect(outcome.answers.map((a) => a.result)).toEqual(["checked_in", "already", "unknown"]);
    expect(outcome.answers[2]!.reason).toBe("WRONG_SESSION");
    expect(outcome.error).toBeUndefined();
    expect(outcome.left).toEqual([]);
    expect(readQueue(store, S)).toEqual([]);
  });

  it("keeps everything when there is no answer", async () => {
    const store = memoryStore();
    addScan(store, S, { ticketCode: "111111111", scannedAt: at(1) });
    addScan(store, S, { ticketCode: "222222222", scannedAt: at(2) });
    const outcome = await syncQueue(store, S, offline);
    expect(outcome.error).toBeDefined();
    expect(outcome.answers).toEqual([]);
    expect(outcome.left.map((s) => s.ticketCode)).toEqual(["111111111", "222222222"]);
    expect(readQueue(store, S)).toHaveLength(2);
  });

  it("removes a batch's scans as its answer comes; a later batch without an answer stays", async () => {
    const store = memoryStore();
    for (let i = 0; i < BATCH_LIMIT + 5; i++) addScan(store, S, { ticketCode: String(100000000 + i), scannedAt: at(i % 60) });
    let calls = 0;
    const outcome = await syncQueue(store, S, async (items) => {
      if (++calls > 1) return offline();
      return items.map((s) => ({ ticketCode: s.ticketCode, result: "checked_in" as const }));
    });
    expect(outcome.answers).toHaveLength(BATCH_LIMIT);
    expect(outcome.left.map((s) => s.ticketCode)).toEqual(["100000200", "100000201", "100000202", "100000203", "100000204"]);
    expect(outcome.error).toBeDefined();
  });

  it("keeps a scan the answer leaves out, and ignores answers for codes it did not send", async () => {
    const store = memoryStore();
    addScan(store, S, { ticketCode: "111111111", scannedAt: at(1) });
    addScan(store, S, { ticketCode: "222222222", scannedAt: at(2) });
    const outcome = await syncQueue(store, S, async () => [
      { ticketCode: "111 111 111", result: "checked_in" },
      { ticketCode: "999999999", result: "checked_in" },
    ]);
    expect(outcome.answers.map((a) => a.ticketCode)).toEqual(["111111111"]);
    expect(outcome.left.map((s) => s.ticketCode)).toEqual(["222222222"]);
  });

  it("keeps a scan the server was too busy to settle, for the next try", async () => {
    const store = memoryStore();
    addScan(store, S, { ticketCode: "111111111", scannedAt: at(1) });
    addScan(store, S, { ticketCode: "222222222", scannedAt: at(2) });
    const outcome = await syncQueue(store, S, async () => [
      { ticketCode: "111111111", result: "unknown", reason: "BUSY" },
      { ticketCode: "222222222", result: "unknown", reason: "TICKET_NOT_FOUND" },
    ]);
    expect(outcome.answers.map((a) => a.ticketCode)).toEqual(["222222222"]);
    expect(outcome.left).toEqual([{ ticketCode: "111111111", scannedAt: at(1) }]);
  });

  it("keeps a scan made while the batch was on its way", async () => {
    const store = memoryStore();
    addScan(store, S, { ticketCode: "111111111", scannedAt: at(1) });
    const outcome = await syncQueue(store, S, async (items) => {
      // She scans the next woman while the phone is still waiting for the answer.
      addScan(store, S, { ticketCode: "222222222", scannedAt: at(2) });
      return items.map((s) => ({ ticketCode: s.ticketCode, result: "checked_in" as const }));
    });
    expect(outcome.left).toEqual([{ ticketCode: "222222222", scannedAt: at(2) }]);
  });

  it("for any scans and any failures: a scan leaves the phone only with an answer, and each code is sent once per try", async () => {
    const code = fc.integer({ min: 100000000, max: 100000030 }).map(String);
    const scans = fc.array(fc.record({ code, minute: fc.integer({ min: 0, max: 59 }) }), { maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(scans, fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 7 }), async (made, fails, size) => {
        const store = memoryStore();
        const first = new Map<string, string>();
        for (const { code: c, minute } of made) {
          addScan(store, S, { ticketCode: c, scannedAt: at(minute) });
          const prev = first.get(c);
          if (!prev || at(minute) < prev) first.set(c, at(minute));
        }
        // Once per code, at its earliest scan.
        expect(new Map(readQueue(store, S).map((s) => [s.ticketCode, s.scannedAt]))).toEqual(first);
        const answered = new Set<string>();
        for (const fail of fails) {
          const outcome = await syncQueue(store, S, async (items) => {
            expect(items.length).toBeLessThanOrEqual(BATCH_LIMIT);
            expect(new Set(items.map((s) => s.ticketCode)).size).toBe(items.length);
            if (fail) return offline();
            // Answers for only some of a batch (size decides which): the rest must stay.
            return items.filter((_, i) => i % size === 0).map((s) => ({ ticketCode: s.ticketCode, result: "checked_in" as const }));
          });
          outcome.answers.forEach((a) => answered.add(a.ticketCode));
          const left = new Set(readQueue(store, S).map((s) => s.ticketCode));
          for (const c of first.keys()) expect(left.has(c)).toBe(!answered.has(c));
        }
      }),
      { numRuns: 150 },
    );
  });
});
