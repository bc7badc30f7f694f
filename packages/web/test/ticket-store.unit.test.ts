/**
 * What the phone keeps of her tickets: enough to show 我的报名 and each ticket without a
 * network, never her form answers, never another woman's, nothing after sign-out, and nothing
 * from storage that is not the server's QR.
 */
import { describe, it, expect, beforeEach, afterEach, vi } from "vitest";
import { ApiError, NETWORK } from "../src/api.ts";
import {
  codeGroups,
  dropTicket,
  findHolder,
  forgetTickets,
  holderId,
  rememberHolder,
  saveRegistrations,
  saveTicket,
  savedRegistration,
  savedRegistrations,
  savedTicket,
} from "../src/ticket-store.ts";

/** localStorage as a browser has it, optionally refusing writes past `quota` characters. */
class MemoryStorage implements Storage {
  readonly data = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  get length() {
    return this.data.size;
  }
  key(i: number) {
    return [...this.data.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    const used = [...this.data].reduce((n, [key, value]) => n + (key === k ? 0 : key.length + value.length), 0);
    if (used + k.length + v.length > this.quota) throw new DOMException("full", "QuotaExceededError");
    this.data.set(k, String(v));
  }
  removeItem(k: string) {
    this.data.delete(k);
  }
  clear() {
    this.data.clear();
  }
}

let store: MemoryStorage;
const useStorage = (s: MemoryStorage) => {
  store = s;
  Object.defineProperty(globalThis, "localStorage", { value: s, configurable: true, writable: true });
};

const QR = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" shape-rendering="crispEdges"><path fill="#ffffff" d="M0 0h29v29H0z"/><path stroke="#000000" d="M2 2.5h7"/></svg>\n';
const session = { id: "s-1", title: "第1场 · 长沙", titleEn: "Lecture 1", startsAt: "2030-05-01T06:30:00.000Z", endsAt: "2030-05-01T08:30:00.000Z", venue: "长沙市妇女儿童活动中心", capacity: 300, seatsLeft: 12, waitlist: true, waiting: 0 };
const listItem = (id: string, status = "confirmed", extra: Record<string, unknown> = {}) => ({
  id,
  campaignId: "c-1",
  sessionId: "s-1",
  status,
  ticketCode: "482913075",
  answers: { name: "王秀英", phone: "13912345678", idNumber: "11010519491231002X" },
  createdAt: "2030-04-01T00:00:00.000Z",
  campaignTitle: "巾帼创业创新公益大讲座",
  session,
  ...extra,
});
const ticket = (id: string, extra: Record<string, unknown> = {}) => ({
  registrationId: id,
  ticketCode: "482913075",
  qr: QR,
  status: "confirmed",
  name: "王*英",
  session,
  campaignId: "c-1",
  campaignTitle: "巾帼创业创新公益大讲座",
  ...extra,
});

describe("ticket-store", () => {
  beforeEach(() => useStorage(new MemoryStorage()));
  afterEach(() => vi.useRealTimers());

  it("keeps her list and a ticket, without her answers, and gives them back", () => {
    saveRegistrations("u-a", [listItem("r-1"), listItem("r-2", "waitlisted", { position: 3, ticketCode: "111222333" })]);
    saveTicket("u-a", "r-1", ticket("r-1"));
    const list = savedRegistrations("u-a");
    expect(list?.value.map((r) => [r.id, r.status, r.position])).toEqual([
      ["r-1", "confirmed", undefined],
      ["r-2", "waitlisted", 3],
    ]);
    expect(list?.value[0]?.session).toEqual({ id: "s-1", title: "第1场 · 长沙", titleEn: "Lecture 1", startsAt: session.startsAt, endsAt: session.endsAt, venue: session.venue });
    expect(Date.parse(list!.savedAt)).not.toBeNaN();
    expect(savedTicket("u-a", "r-1")?.value).toMatchObject({ ticketCode: "482913075", qr: QR, name: "王*英", status: "confirmed" });
    expect(savedRegistration("u-a", "r-2")?.position).toBe(3);
    // Her answers (name, phone, ID number) are never written to the phone's storage.
    const raw = [...store.data.values()].join("\n");
    expect(raw).not.toContain("13912345678");
    expect(raw).not.toContain("11010519491231002X");
    expect(raw).not.toContain("王秀英");
    expect(holderId()).toBe("u-a");
  });

  it("shows a card for a ticket opened before her list was ever saved", () => {
    saveTicket("u-a", "r-9", ticket("r-9", { registrationId: undefined }));
    const list = savedRegistrations("u-a");
    expect(list?.value).toEqual([
      expect.objectContaining({ id: "r-9", campaignId: "c-1", sessionId: "s-1", status: "confirmed", campaignTitle: "巾帼创业创新公益大讲座" }),
    ]);
  });

  it("never shows one woman's tickets to the next one signed in on the same phone", () => {
    saveRegistrations("u-a", [listItem("r-1")]);
    saveTicket("u-a", "r-1", ticket("r-1"));
    // Keyed by her id: another id finds nothing, even before anything is dropped.
    expect(savedTicket("u-b", "r-1")).toBeUndefined();
    expect(savedRegistrations("u-b")).toBeUndefined();
    rememberHolder("u-b");
    expect(holderId()).toBe("u-b");
    // And A's are gone from the phone, not only hidden.
    expect(savedTicket("u-a", "r-1")).toBeUndefined();
    expect([...store.data.keys()].filter((k) => k.includes("u-a"))).toEqual([]);
    // B saving her own does not bring A's back.
    saveTicket("u-b", "r-5", ticket("r-5"));
    expect(savedRegistrations("u-b")?.value.map((r) => r.id)).toEqual(["r-5"]);
  });

  it("forgets everything on sign-out", () => {
    saveRegistrations("u-a", [listItem("r-1")]);
    saveTicket("u-a", "r-1", ticket("r-1"));
    store.setItem("jinguo.locale", "en");
    forgetTickets();
    expect(savedTicket("u-a", "r-1")).toBeUndefined();
    expect(savedRegistrations("u-a")).toBeUndefined();
    expect(holderId()).toBeUndefined();
    // Only ours: her language stays.
    expect([...store.data.keys()]).toEqual(["jinguo.locale"]);
  });

  it("finds who holds the phone: the server's answer online, the last one signed in offline", async () => {
    saveTicket("u-a", "r-1", ticket("r-1"));
    expect(await findHolder(async () => ({ id: "u-a" }))).toEqual({ userId: "u-a", online: true });
    expect(await findHolder(async () => Promise.reject(new ApiError(0, NETWORK, "Failed to fetch")))).toEqual({ userId: "u-a", online: false });
    // Not a network failure: the page shows the error, nothing is dropped.
    await expect(findHolder(async () => Promise.reject(new ApiError(500, "INTERNAL", "boom")))).rejects.toThrow("boom");
    expect(savedTicket("u-a", "r-1")).toBeDefined();
    // Another woman signed in: A's go.
    expect(await findHolder(async () => ({ id: "u-b" }))).toEqual({ userId: "u-b", online: true });
    expect(savedTicket("u-a", "r-1")).toBeUndefined();
    // Nobody signed in (her session ended): nothing is left for whoever picks the phone up.
    saveTicket("u-b", "r-2", ticket("r-2"));
    expect(await findHolder(async () => null)).toBeNull();
    expect(savedTicket("u-b", "r-2")).toBeUndefined();
    expect(await findHolder(async () => Promise.reject(new ApiError(0, NETWORK, "offline")))).toEqual({ userId: undefined, online: false });
  });

  it("drops the ticket of a cancelled registration", () => {
    saveTicket("u-a", "r-1", ticket("r-1"));
    saveTicket("u-a", "r-2", ticket("r-2"));
    saveRegistrations("u-a", [listItem("r-1", "cancelled"), listItem("r-2")]);
    expect(savedTicket("u-a", "r-1")).toBeUndefined();
    expect(savedTicket("u-a", "r-2")).toBeDefined();
    dropTicket("u-a", "r-2");
    expect(savedTicket("u-a", "r-2")).toBeUndefined();
  });

  it("takes back only the server's kind of SVG, and survives what is not JSON", () => {
    saveTicket("u-a", "r-1", ticket("r-1", { qr: '<svg onload="alert(1)"></svg>' }));
    expect(savedTicket("u-a", "r-1")).toBeUndefined();
    saveTicket("u-a", "r-1", ticket("r-1"));
    // Written by something else: a script in the QR is not put into the page.
    const key = [...store.data.keys()].find((k) => k.endsWith("u-a"))!;
    const shelf = JSON.parse(store.getItem(key)!);
    shelf.tickets["r-1"].value.qr = `${QR}<script>alert(1)</script>`;
    store.setItem(key, JSON.stringify(shelf));
    expect(savedTicket("u-a", "r-1")).toBeUndefined();
    store.setItem(key, "{not json");
    expect(savedTicket("u-a", "r-1")).toBeUndefined();
    expect(savedRegistrations("u-a")).toBeUndefined();
    // and keeps working after
    saveTicket("u-a", "r-1", ticket("r-1"));
    expect(savedTicket("u-a", "r-1")?.value.ticketCode).toBe("482913075");
  });

  it("keeps the newest 30 tickets, and fewer when the phone's storage is full", () => {
    vi.useFakeTimers();
    for (let i = 0; i < 35; i++) {
      vi.setSystemTime(Date.UTC(2030, 0, 1, 0, 0, i));
      saveTicket("u-a", `r-${i}`, ticket(`r-${i}`));
    }
    const kept = (savedRegistrations("u-a")?.value ?? []).map((r) => r.id);
    expect(kept).toHaveLength(30);
    expect(kept).not.toContain("r-4");
    expect(kept).toContain("r-34");

    useStorage(new MemoryStorage(QR.length * 4 + 4000));
    for (let i = 0; i < 10; i++) {
      vi.setSystemTime(Date.UTC(2030, 0, 2, 0, 0, i));
      saveTicket("u-a", `r-${i}`, ticket(`r-${i}`));
    }
    expect(savedTicket("u-a", "r-9")).toBeDefined();
    const fewer = (savedRegistrations("u-a")?.value ?? []).length;
    expect(fewer).toBeGreaterThan(0);
    expect(fewer).toBeLessThan(10);
  });

  it("works, keeping nothing, where storage is switched off", async () => {
    Object.defineProperty(globalThis, "localStorage", {
      configurable: true,
      get() {
        throw new DOMException("denied", "SecurityError");
      },
    });
    saveTicket("u-a", "r-1", ticket("r-1"));
    expect(savedTicket("u-a", "r-1")).toBeUndefined();
    expect(await findHolder(async () => ({ id: "u-a" }))).toEqual({ userId: "u-a", online: true });
    forgetTickets();
  });

  it("groups the code to read aloud", () => {
    expect(codeGroups("482913075")).toEqual(["482", "913", "075"]);
    expect(codeGroups("JNXQS4YX")).toEqual(["JNXQ", "S4YX"]);
    expect(codeGroups("12345")).toEqual(["123", "45"]);
  });
});
