import { describe, it, expect, beforeAll, inject } from "vitest";
import { addSession } from "@jinguo/core/registration";
import { chinaTimeText } from "@jinguo/core/clock";
import { queryAll, transact } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
import { devOutbox } from "@jinguo/core/sms";
import * as Outbox from "@jinguo/core/outbox";
import type { Session } from "@jinguo/core/campaigns";
import { startPlatform } from "../../local/src/platform.ts";
import { testApi, fixedClock, lectureAnswers, LECTURES, ORIGIN, type TestApi } from "../../../test/harness.ts";

/**
 * Day-before reminders: `writeReminders` finds the sessions that start tomorrow (China day) and
 * writes one notice per confirmed seat; the outbox delivers them. The schedule may run more
 * than once (a retried rule, the local stage's hourly loop): each woman is reminded once.
 */

// 10:00 on 8 December in Beijing: "tomorrow" is 9 December, China time.
const NOW = "2019-12-08T02:00:00.000Z";

let api: TestApi;
let sessions: Record<"tomorrow" | "small" | "earlyHours" | "dayAfter" | "utcTomorrow", Session>;
const women: Record<string, { phone: string; c: ReturnType<TestApi["client"]>; registrationId: string }> = {};

async function woman(name: string, session: Session) {
  const phone = api.newPhone();
  const c = api.client();
  await c.signIn(phone);
  const res = await c.post(`/api/campaigns/${LECTURES}/registrations`, { sessionId: session.id, answers: lectureAnswers(phone) });
  expect(res.status).toBe(201);
  women[name] = { phone, c, registrationId: res.json.registration.id };
  return res.json.registration as { id: string; status: string };
}

const newSession = (title: string, startsAt: string, capacity = 10, waitlist = false) =>
  addSession(api.db, LECTURES, { title, startsAt, venue: `${title}会场（市妇女儿童活动中心三楼）`, capacity, waitlist });

/** Her reminders, from the table itself: whatever was delivered or not. */
const remindersOf = async (userId: string) =>
  (await queryAll<Outbox.Notice>(api.db, { partition: keys.noticesPartition(userId) })).filter((n) => n.kind === "session_reminder");

beforeAll(async () => {
  api = await testApi({ clock: fixedClock(NOW) });
  sessions = {
    tomorrow: await newSession("长沙站", "2019-12-09T14:30:00+08:00"),
    small: await newSession("株洲站", "2019-12-09T09:00:00+08:00", 1, true),
    // 00:30 on the 9th in Beijing is still the 8th in UTC: tomorrow all the same.
    earlyHours: await newSession("湘潭站", "2019-12-09T00:30:00+08:00"),
    dayAfter: await newSession("衡阳站", "2019-12-10T14:30:00+08:00"),
    // 07:30 on the 10th in Beijing is the 9th in UTC: not tomorrow.
    utcTomorrow: await newSession("岳阳站", "2019-12-10T07:30:00+08:00"),
  };
  await woman("registered", sessions.tomorrow);
  const cancelled = await woman("cancelled", sessions.tomorrow);
  expect((await women.cancelled!.c.del(`/api/registrations/${cancelled.id}`)).json.registration.status).toBe("cancelled");
  await woman("seated", sessions.small);
  expect((await woman("waiting", sessions.small)).status).toBe("waitlisted");
  await woman("earlyHours", sessions.earlyHours);
  await woman("dayAfter", sessions.dayAfter);
  await woman("utcTomorrow", sessions.utcTomorrow);
});

const userIdOf = async (name: string) => (await women[name]!.c.get("/api/me")).json.user.id as string;

describe("day-before reminders", () => {
  it("remind each woman with a seat tomorrow once, however often the schedule runs", async () => {
    const runs = await Promise.all([Outbox.writeReminders(api.db, api.clock), Outbox.writeReminders(api.db, api.clock)]);
    // Three seats tomorrow (长沙站, 株洲站, 湘潭站), written once between the two runs.
    expect(runs.map((r) => r.sessions)).toEqual([3, 3]);
    expect(runs[0]!.written + runs[1]!.written).toBe(3);
    expect(runs[0]!.written + runs[0]!.alreadyWritten).toBe(3);
    await api.deliverNotices();
    // A run after delivery writes nothing new either.
    expect(await Outbox.writeReminders(api.db, api.clock)).toEqual({ sessions: 3, written: 0, alreadyWritten: 3 });
    await api.deliverNotices();

    for (const name of ["registered", "seated", "earlyHours"]) {
      expect(api.notices.get(women[name]!.phone), name).toHaveLength(1);
      expect(await remindersOf(await userIdOf(name)), name).toHaveLength(1);
    }
    for (const name of ["cancelled", "waiting", "dayAfter", "utcTomorrow"]) {
      expect(api.notices.get(women[name]!.phone), name).toBeUndefined();
      expect(await remindersOf(await userIdOf(name)), name).toEqual([]);
    }
  });

  it("name the session, its time and its venue, and go through the reminder's template", async () => {
    const s = sessions.tomorrow;
    const [text] = api.notices.get(women.registered!.phone)!;
    for (const part of ["巾帼创业创新公益大讲座", s.title, chinaTimeText(s.startsAt), "12月9日 14:30", s.venue, `${ORIGIN}/me/tickets/${women.registered!.registrationId}`]) {
      expect(text).toContain(part);
    }
    expect(api.noticeMessages.get(women.registered!.phone)).toEqual([
      { template: "session_reminder", params: ["巾帼创业创新公益大讲座", s.title, "12月9日 14:30", s.venue, women.registered!.registrationId] },
    ]);
    // She sees it among her notices, as sent.
    const mine = await women.registered!.c.get("/api/me/notices");
    expect(mine.json.items).toMatchObject([{ kind: "session_reminder", status: "sent", text, refs: { sessionId: s.id, registrationId: women.registered!.registrationId } }]);
  });

  it("negative control: a second reminder written under another key is caught as a second text", async () => {
    const userId = await userIdOf("earlyHours");
    const s = sessions.earlyHours;
    const op = Outbox.noticeOp({
      userId,
      kind: "session_reminder",
      refs: { campaignId: LECTURES, sessionId: s.id, registrationId: women.earlyHours!.registrationId },
      at: api.clock.now().toISOString(),
    });
    expect(await transact(api.db, [op])).toEqual({ ok: true });
    await api.deliverNotices();
    expect(api.notices.get(women.earlyHours!.phone)).toHaveLength(2);
    expect(await remindersOf(userId)).toHaveLength(2);
  });

  it("are not sent for a seat given up between the run and the delivery", async () => {
    const s = await newSession("常德站", "2019-12-09T19:00:00+08:00");
    const reg = await woman("changedHerMind", s);
    // Nothing of the dispatcher's still running: the reminder is delivered only after she cancels.
    await api.deliverNotices();
    expect((await Outbox.writeReminders(api.db, api.clock)).written).toBe(1);
    await women.changedHerMind!.c.del(`/api/registrations/${reg.id}`);
    await api.deliverNotices();
    expect(api.notices.get(women.changedHerMind!.phone)).toBeUndefined();
    expect(await remindersOf(await userIdOf("changedHerMind"))).toMatchObject([{ status: "failed", reason: "subject_gone" }]);
  });

  it("reach the dev outbox locally, listed by GET /api/dev/notices", async () => {
    const s = await newSession("益阳站", "2019-12-09T10:00:00+08:00");
    await woman("local", s);
    // Nothing of the harness's dispatcher still running: the dev outbox is the one that sends it.
    await api.deliverNotices();
    expect((await Outbox.writeReminders(api.db, api.clock)).written).toBe(1);
    const [notice] = await remindersOf(await userIdOf("local"));
    const lines: string[] = [];
    const sms = devOutbox(api.db, api.clock, (l) => lines.push(l));
    const key = keys.notice(notice!.userId, notice!.createdAt, notice!.id);
    expect(await Outbox.deliver({ db: api.db, clock: api.clock, sms, log: () => {} }, key)).toBe("sent");
    const listed = await api.client().get(`/api/dev/notices?phone=${women.local!.phone}`);
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([{ phone: women.local!.phone, text: expect.stringContaining("益阳站"), sentAt: NOW }]);
    // The log line masks her number.
    expect(lines.join("\n")).not.toContain(women.local!.phone);
  });

  it("are written and sent by the local stage on its own, at start and then every hour", async () => {
    const s = await newSession("郴州站", "2019-12-09T15:00:00+08:00");
    await woman("atStart", s);
    await api.deliverNotices();
    // The local stage on the same table and clock: its first look for reminders is at start.
    const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, dynamoEndpoint: inject("dynamoEndpoint"), tableName: api.db.tableName, clock: api.clock });
    try {
      let items: { text: string }[] = [];
      for (let i = 0; i < 50 && items.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        items = ((await (await fetch(`${platform.url}/api/dev/notices?phone=${women.atStart!.phone}`)).json()) as { items: { text: string }[] }).items;
      }
      expect(items).toEqual([expect.objectContaining({ text: expect.stringContaining("郴州站") })]);
    } finally {
      await platform.stop();
    }
  });
});
