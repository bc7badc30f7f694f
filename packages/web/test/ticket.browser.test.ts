/**
 * Her ticket in a hall without signal, in a real browser (Chromium, WeChat's user agent, 390 ×
 * 844 and 360 × 640) against the whole local platform: she opens 我的报名 and her ticket once
 * with a network; the network goes; 我的报名 shows the kept cards with a plain note (never
 * 出错了), the ticket opens with its QR and its code, also after a reload (the service worker
 * keeps the app). The QR is on the first screen and fits 320 px; axe finds nothing on either
 * page. A cancelled card leads back to the same session, a waitlisted one says her place; after
 * her, another woman signing in on the phone finds none of her tickets.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { APIRequestContext, BrowserContext, Page } from "playwright-core";
import { apiAs, axeViolations, artifacts, base, blocked, call, fitsWidth, phoneContext, randomPhone, shot, signIn, startBrowserKit, stopBrowserKit, until } from "./browser-kit.ts";

const CAMPAIGN = "c-2019-cxcy-lectures";
/** 长沙 (300 seats), 株洲 (3 seats and a waitlist), 湘潭. */
const CHANGSHA = "s-cxcy-01";
const ZHUZHOU = "s-cxcy-02";
const XIANGTAN = "s-cxcy-03";
const TIMEOUT = 180_000;
const SMALL = { width: 360, height: 640 };

type Registration = { id: string; status: string; position?: number; ticketCode?: string };

async function register(api: APIRequestContext, sessionId: string, phone: string, name = "王秀英"): Promise<Registration> {
  const { registration } = await call<{ registration: Registration }>(api, "post", `/api/campaigns/${CAMPAIGN}/registrations`, {
    sessionId,
    answers: { name, phone, city: "hn.cs", consent: true },
  });
  return registration;
}

/** What is kept for tickets in the page's localStorage (keys only). */
const keptKeys = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("jinguo.tickets")).sort());

/** The QR's box on screen, and whether it is all inside the viewport. */
async function qrBox(page: Page) {
  const box = await page.getByTestId("ticket-qr").locator("svg").boundingBox();
  const viewport = page.viewportSize()!;
  expect(box, "the QR is drawn").not.toBeNull();
  return {
    ...box!,
    inside: box!.x >= 0 && box!.x + box!.width <= viewport.width + 0.5 && box!.y >= 0 && box!.y + box!.height <= viewport.height + 0.5,
  };
}

describe("her ticket without a network", () => {
  beforeAll(() => startBrowserKit("ticket"), TIMEOUT);
  afterAll(stopBrowserKit, TIMEOUT);

  let phone = "";
  let api: APIRequestContext;
  let confirmed: Registration;
  let cancelled: Registration;
  let waitlisted: Registration;

  it(
    "我的报名 and her ticket open offline after one visit, also after a reload",
    async () => {
      phone = randomPhone();
      api = await apiAs(phone);
      confirmed = await register(api, CHANGSHA, phone);
      expect(confirmed.status).toBe("confirmed");
      cancelled = await register(api, XIANGTAN, phone);
      const gone = await api.delete(`/api/registrations/${cancelled.id}`);
      expect(gone.status(), await gone.text()).toBe(200);
      // 株洲 has three seats: three others take them, and she is first in line.
      for (let i = 0; i < 3; i++) {
        const other = randomPhone();
        expect((await register(await apiAs(other), ZHUZHOU, other, `李${i}芳`)).status).toBe("confirmed");
      }
      waitlisted = await register(api, ZHUZHOU, phone);
      expect(waitlisted).toMatchObject({ status: "waitlisted", position: 1 });

      const context = await phoneContext(undefined, await api.storageState());
      const page = await context.newPage();

      // 我的报名 with a network: a big 查看电子票 on the live card, 重新报名 on the cancelled one
      // (back to the same session), her place in plain words on the waitlisted one.
      await page.goto(`${base}/me/registrations`);
      const card = (id: string) => page.locator(`[data-testid="registration-card"][data-id="${id}"]`);
      await until(() => page.getByTestId("registration-card").count()).toBe(3);
      expect(await card(confirmed.id).getByTestId("show-ticket").getAttribute("href")).toBe(`/me/tickets/${confirmed.id}`);
      expect(await card(cancelled.id).getByTestId("reregister").getAttribute("href")).toBe(`/campaigns/${CAMPAIGN}?session=${XIANGTAN}`);
      expect(await card(waitlisted.id).getByTestId("registration-waitlist").textContent()).toContain("您排在候补第 1 位");
      expect(await card(waitlisted.id).getByTestId("show-ticket").count()).toBe(0);
      expect(await fitsWidth(page)).toBe(true);
      expect(await axeViolations(page), "axe on 我的报名").toEqual([]);
      await shot(page, "ticket-01-mine");

      // Her ticket: the QR, the code in three groups (read out digit by digit), her masked name,
      // the session, its time in China time and its place.
      await card(confirmed.id).getByTestId("show-ticket").click();
      await page.waitForURL((url) => url.pathname === `/me/tickets/${confirmed.id}`);
      const qr = page.getByTestId("ticket-qr").locator("svg");
      await until(() => qr.isVisible()).toBe(true);
      const code = page.getByTestId("ticket-code");
      const digits = ((await code.textContent()) ?? "").trim();
      expect(digits).toMatch(/^[1-9]\d{8}$/);
      expect((await code.innerText()).replace(/\s+/g, " ").trim()).toBe(`${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`);
      expect(await code.getAttribute("aria-label")).toBe(`签到码 ${digits.split("").join(" ")}`);
      expect(await page.getByTestId("ticket-name").textContent()).toBe("姓名：王*英");
      expect(await page.getByTestId("ticket-campaign").textContent()).toBe("巾帼创业创新公益大讲座");
      expect(await page.getByTestId("ticket-session").textContent()).toBe("第1场 · 长沙");
      expect(await page.getByTestId("ticket-time").textContent()).toMatch(/^时间：(\d+年)?\d+月\d+日 周. 14:30–16:30$/);
      expect(await page.getByTestId("ticket-venue").textContent()).toBe("地点：长沙市妇女儿童活动中心三楼报告厅");
      expect(await page.getByTestId("ticket-offline").count()).toBe(0);
      expect((await qrBox(page)).inside, "the QR is on the first screen").toBe(true);
      expect(await fitsWidth(page)).toBe(true);
      expect(await axeViolations(page), "axe on the ticket").toEqual([]);
      await shot(page, "ticket-02-ticket");

      // The service worker has the app by now: it registers after the first load, and once it is
      // active (its precache done) it answers the next page load, this one's reload included.
      await until(() => page.evaluate(async () => !!(await navigator.serviceWorker?.getRegistration())?.active)).toBe(true);

      // No signal. In the app, to 我的报名: the kept cards with a plain note, never 出错了.
      await context.setOffline(true);
      // The router reuses an answer for 5 s (a link's preload while she was still online): past
      // that, 我的报名 has to ask, and gets no answer.
      await page.waitForTimeout(5_500);
      await page.getByTestId("nav-my-registrations").click();
      await page.waitForURL((url) => url.pathname === "/me/registrations");
      const note = page.getByTestId("mine-offline");
      await until(() => note.textContent()).toContain("网络不通，下面是上次打开时保存的报名和电子票");
      expect(await page.getByTestId("registration-card").count()).toBe(3);
      expect(await page.getByText("出错了").count()).toBe(0);
      expect(await page.getByText("网络不太好").count()).toBe(0);
      // The header knows her still: no 登录 link that could only fail.
      expect(await page.getByTestId("nav-signin").count()).toBe(0);
      expect(await page.getByTestId("nav-signout").isVisible()).toBe(true);
      // Cancelling needs the network: offline there is no button that would only fail.
      expect(await page.getByTestId("cancel-registration").count()).toBe(0);
      expect(await axeViolations(page), "axe on 我的报名 offline").toEqual([]);
      await shot(page, "ticket-03-mine-offline");

      await card(confirmed.id).getByTestId("show-ticket").click();
      await page.waitForURL((url) => url.pathname === `/me/tickets/${confirmed.id}`);
      await until(() => qr.isVisible()).toBe(true);
      expect(((await code.textContent()) ?? "").trim()).toBe(digits);
      await until(() => page.getByTestId("ticket-offline").textContent()).toContain("网络不通");
      expect((await qrBox(page)).inside).toBe(true);
      await shot(page, "ticket-04-ticket-offline");

      // A reload without signal: the service worker has the app, the phone has the ticket.
      await page.reload();
      await until(() => qr.isVisible()).toBe(true);
      expect(((await code.textContent()) ?? "").trim()).toBe(digits);
      expect(await page.getByTestId("ticket-name").textContent()).toBe("姓名：王*英");
      await until(() => page.getByTestId("ticket-offline").isVisible()).toBe(true);
      // The header, reloaded without signal, still knows her: no 登录 that could only fail.
      await until(() => page.getByTestId("nav-signout").isVisible()).toBe(true);
      expect(await page.getByTestId("nav-signin").count()).toBe(0);
      expect(await axeViolations(page), "axe on the ticket offline").toEqual([]);
      await shot(page, "ticket-05-ticket-reloaded-offline");
      await page.goto(`${base}/me/registrations`);
      await until(() => page.getByTestId("registration-card").count()).toBe(3);
      await until(() => note.isVisible()).toBe(true);
      expect(await page.getByText("出错了").count()).toBe(0);

      // The signal is back: the note goes by itself.
      await context.setOffline(false);
      await until(() => note.count()).toBe(0);
      await until(() => page.getByTestId("cancel-registration").count()).toBe(2);

      expect(blocked).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );

  it(
    "on a 360 × 640 phone the QR is above the fold, and at 320 px nothing sticks out",
    async () => {
      const context = await phoneContext(SMALL, await api.storageState());
      const page = await context.newPage();
      await page.goto(`${base}/me/tickets/${confirmed.id}`);
      await until(() => page.getByTestId("ticket-qr").locator("svg").isVisible()).toBe(true);
      const box = await qrBox(page);
      expect(box.inside, `QR ${JSON.stringify(box)} inside 360 × 640`).toBe(true);
      expect(box.width, "big enough for a door scanner").toBeGreaterThanOrEqual(240);
      expect(Math.abs(box.width - box.height)).toBeLessThan(1);
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, "ticket-06-ticket-360");
      await page.screenshot({ path: `${artifacts}ticket-06-ticket-360-first-screen.png` });

      await page.setViewportSize({ width: 320, height: 568 });
      await until(() => fitsWidth(page)).toBe(true);
      const narrow = await qrBox(page);
      expect(narrow.x + narrow.width).toBeLessThanOrEqual(320);
      expect(narrow.width).toBeGreaterThanOrEqual(200);
      const codeBox = await page.getByTestId("ticket-code").boundingBox();
      expect(codeBox!.x).toBeGreaterThanOrEqual(0);
      expect(codeBox!.x + codeBox!.width).toBeLessThanOrEqual(320);
      await shot(page, "ticket-07-ticket-320");

      // Waitlisted: no QR, her place in line. Cancelled: said so, and back to the same session.
      await page.setViewportSize(SMALL);
      await page.goto(`${base}/me/tickets/${waitlisted.id}`);
      await until(() => page.getByTestId("ticket-waitlisted").textContent()).toContain("您排在候补第 1 位");
      expect(await page.getByTestId("ticket-qr").count()).toBe(0);
      expect(await axeViolations(page), "axe on a waitlisted ticket").toEqual([]);
      await shot(page, "ticket-08-waitlisted-360");
      await page.goto(`${base}/me/tickets/${cancelled.id}`);
      await until(() => page.getByTestId("ticket-cancelled").textContent()).toContain("这个报名已经取消了");
      expect(await page.getByTestId("reregister").getAttribute("href")).toBe(`/campaigns/${CAMPAIGN}?session=${XIANGTAN}`);
      expect(await page.getByTestId("ticket-qr").count()).toBe(0);
      expect(await axeViolations(page), "axe on a cancelled ticket").toEqual([]);
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, "ticket-09-cancelled-360");

      expect(blocked).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );

  it(
    "another woman signing in on the same phone finds none of the first one's tickets, online or off",
    async () => {
      const context: BrowserContext = await phoneContext(SMALL, await api.storageState());
      const page = await context.newPage();
      await page.goto(`${base}/me/registrations`);
      await until(() => page.getByTestId("registration-card").count()).toBe(3);
      await until(() => keptKeys(page)).toHaveLength(2); // who holds the phone, and her shelf

      // Her sign-in ends without her signing out (the cookie is gone); another woman signs in
      // and, before opening any page of hers, loses the signal.
      await context.clearCookies();
      await page.goto(`${base}/signin`);
      const other = randomPhone();
      await signIn(page, other);
      // The first one's shelf is gone at her sign-in; only the note of who holds the phone stays.
      await until(() => keptKeys(page)).toEqual(["jinguo.tickets.v1.holder"]);
      await context.setOffline(true);
      await page.goto(`${base}/me/registrations`);
      await until(() => page.getByTestId("mine-offline").textContent()).toContain("手机上还没有保存您的报名");
      expect(await page.getByTestId("registration-card").count()).toBe(0);
      await page.goto(`${base}/me/tickets/${confirmed.id}`);
      await until(() => page.getByTestId("ticket-offline").textContent()).toContain("这张电子票还没有保存在手机上");
      expect(await page.getByTestId("ticket-qr").count()).toBe(0);
      await shot(page, "ticket-10-other-woman-offline");
      await context.setOffline(false);

      // Signing out leaves nothing of anyone's tickets on the phone.
      await page.goto(`${base}/me/registrations`);
      await until(() => page.getByText("您还没有报名任何活动").isVisible()).toBe(true);
      expect(await keptKeys(page)).not.toEqual([]);
      await page.getByTestId("nav-signout").click();
      await page.waitForURL((url) => url.pathname === "/");
      await until(() => keptKeys(page)).toEqual([]);

      expect(blocked).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );
});
