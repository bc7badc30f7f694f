/**
 * The participant's and the organiser's journey in a real browser, on a phone-sized screen
 * with WeChat's in-app browser's user agent, against the whole local platform (DynamoDB
 * Local, the seeds, the API and the built web app on one port).
 *
 * Screenshots go to .test-artifacts/ (gitignored) to look at. JOURNEY_BASE_URL=http://localhost:3000
 * runs it against a platform that is already up (`npm start`) instead of starting one.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Page } from "playwright-core";
import type { CampaignDetail, FormField, SessionView } from "../src/types.ts";
import { base, blocked, getJson, phoneContext, randomPhone, shot, signIn, startBrowserKit, stopBrowserKit, until } from "./browser-kit.ts";

const CAMPAIGN = "c-2019-cxcy-lectures";
const ORGANISER_PHONE = "13800000000";
const TIMEOUT = 180_000;

/** Answers the campaign's form the way a person would, whatever fields it declares. */
async function fillForm(page: Page, fields: FormField[], phone: string): Promise<void> {
  for (const field of fields) {
    const input = page.getByTestId(`field-${field.key}`);
    switch (field.type) {
      case "phone":
        await input.fill(phone);
        break;
      case "text":
      case "textarea":
        await input.fill(field.key.toLowerCase().includes("name") ? "王秀英" : "测试");
        break;
      case "number":
        await input.fill(String(field.min ?? 1));
        break;
      case "date":
        await input.fill("1970-05-01");
        break;
      case "idNumber":
        await input.fill("11010519491231002X");
        break;
      case "orgUnit": {
        const values = await input.locator("option").evaluateAll((options) =>
          options.map((o) => (o as HTMLOptionElement).value).filter(Boolean),
        );
        expect(values.length, `the ${field.key} list has units to choose from`).toBeGreaterThan(0);
        await input.selectOption(values.includes("hn.cs") ? "hn.cs" : values[0]!);
        break;
      }
      case "choice":
      case "multichoice": {
        const first = field.options?.[0];
        if (first) await page.getByTestId(`field-${field.key}-${first.value}`).check();
        break;
      }
      case "consent":
        await input.check();
        break;
      case "image":
        break;
    }
  }
}

/** From the campaign page, signed in: opens a session's form, fills it, sends it, returns the result panel's text. */
async function register(page: Page, campaign: CampaignDetail, session: SessionView, phone: string): Promise<void> {
  await page.getByTestId(`session-register-${session.id}`).click();
  await until(() => page.getByTestId("registration-form").isVisible()).toBe(true);
  await fillForm(page, campaign.form.fields, phone);
}

describe("journey in a phone browser", () => {
  beforeAll(() => startBrowserKit("journey"), TIMEOUT);
  afterAll(stopBrowserKit, TIMEOUT);

  it(
    "a woman registers for a lecture, sees her ticket, is checked in, and cancels another session",
    async () => {
      const { campaign } = await getJson<{ campaign: CampaignDetail }>(`/api/campaigns/${CAMPAIGN}`);
      const open = (campaign.sessions ?? []).filter((s) => s.seatsLeft > 1 && Date.parse(s.startsAt) > Date.now());
      expect(open.length, "the lecture series has at least two sessions with seats").toBeGreaterThanOrEqual(2);
      const [first, second] = open as [SessionView, SessionView];
      const phone = randomPhone();

      const participant = await phoneContext();
      const page = await participant.newPage();

      // Home: campaigns grouped by kind, in Chinese.
      await page.goto(`${base}/`);
      await until(() => page.locator("html").getAttribute("lang")).toBe("zh-CN");
      await until(() => page.getByRole("heading", { name: "讲座培训" }).isVisible()).toBe(true);
      await until(() => page.title()).toBe("活动 · 巾帼活动平台");
      await shot(page, "01-home");

      // A page that fails shows the error; another page is shown again, without 再试一次.
      await page.goto(`${base}/campaigns/no-such-campaign`);
      await until(() => page.getByRole("alert").textContent()).toContain("出错了");
      await page.getByTestId("nav-home").click();
      await until(() => page.getByRole("heading", { name: "讲座培训" }).isVisible()).toBe(true);
      expect(await page.getByRole("alert").count()).toBe(0);

      // The English toggle, and back.
      await page.getByTestId("lang-toggle").click();
      await until(() => page.locator("html").getAttribute("lang")).toBe("en");
      await until(() => page.getByRole("heading", { name: "Talks and training" }).isVisible()).toBe(true);
      await page.getByTestId("lang-toggle").click();
      await until(() => page.locator("html").getAttribute("lang")).toBe("zh-CN");

      // The lecture series: sessions with their seats.
      await page.getByTestId(`campaign-${CAMPAIGN}`).click();
      await page.waitForURL((url) => url.pathname === `/campaigns/${CAMPAIGN}`);
      await until(() => page.getByTestId("campaign-title").textContent()).toBe(campaign.title);
      await until(() => page.getByTestId(`session-seats-${first.id}`).textContent()).toMatch(/还剩 \d+ 个名额/);
      // After a move to another page, focus is on its heading and the tab says where she is.
      await until(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("campaign-title");
      expect(await page.title()).toBe(`${campaign.title} · 巾帼活动平台`);
      await shot(page, "02-campaign");

      // Not signed in: the button leads to sign-in, and back to the session's form.
      await page.getByTestId(`session-register-${first.id}`).click();
      await page.waitForURL((url) => url.pathname === "/signin" && url.searchParams.has("next"));
      await shot(page, "03-signin");
      await signIn(page, phone);
      await page.waitForURL((url) => url.pathname === `/campaigns/${CAMPAIGN}` && url.searchParams.get("session") === first.id);
      await until(() => page.getByTestId("registration-form").isVisible()).toBe(true);

      // A required field left empty is marked next to the field, before anything is sent.
      await page.getByTestId("submit-registration").click();
      await until(() => page.locator("[data-testid^='field-error-']").count()).toBeGreaterThan(0);

      await fillForm(page, campaign.form.fields, phone);
      // Each field's mark goes as soon as she fixes that field (createFormErrors).
      await until(() => page.locator("[data-testid^='field-error-']").count()).toBe(0);
      await shot(page, "04-form");
      await page.getByTestId("submit-registration").click();
      const result = page.getByTestId("registration-result");
      await until(() => result.textContent()).toContain("报名成功！");
      await shot(page, "05-registered");

      // Her ticket, one tap from the form; 我的报名 lists it and opens it again.
      await page.getByTestId("go-to-ticket").click();
      await page.waitForURL((url) => url.pathname.startsWith("/me/tickets/"));
      await until(() => page.getByTestId("ticket-qr").locator("svg").isVisible()).toBe(true);
      await page.getByTestId("back-to-list").click();
      await page.waitForURL((url) => url.pathname === "/me/registrations");
      const card = page.getByTestId("registration-card").first();
      await until(() => card.getByTestId("registration-status").textContent()).toBe("报名成功");
      await card.getByTestId("show-ticket").click();
      await page.waitForURL((url) => url.pathname.startsWith("/me/tickets/"));
      const qr = page.getByTestId("ticket-qr").locator("svg");
      await until(() => qr.isVisible()).toBe(true);
      // Nine digits she can read aloud, shown in groups of three.
      const ticketCode = ((await page.getByTestId("ticket-code").textContent()) ?? "").replace(/\s/g, "");
      expect(ticketCode).toMatch(/^[1-9][0-9]{8}$/);
      expect(await page.getByTestId("ticket-code").isVisible()).toBe(true);
      await shot(page, "06-ticket");

      // Scanning her own ticket with WeChat opens the desk: she is told what the QR code is for.
      await page.goto(`${base}/organiser/checkin?code=${ticketCode}`);
      await until(() => page.getByTestId("organiser-not-allowed").textContent()).toContain("请给现场工作人员扫");
      await shot(page, "06a-own-ticket-scanned");

      // The organiser, on her own phone, opens the ticket's link (what the QR code holds):
      // after signing in she picks the door she is at, and the code is checked in there.
      const organiser = await phoneContext();
      const desk = await organiser.newPage();
      await desk.goto(`${base}/organiser/checkin?code=${ticketCode}`);
      await desk.waitForURL((url) => url.pathname === "/signin" && url.searchParams.has("next"));
      expect(new URL(desk.url()).searchParams.get("next")).toBe(`/organiser/checkin?code=${ticketCode}`);
      await signIn(desk, ORGANISER_PHONE);
      await desk.waitForURL((url) => url.pathname === "/organiser/checkin");
      const spaced = `${ticketCode.slice(0, 3)} ${ticketCode.slice(3, 6)} ${ticketCode.slice(6)}`;
      await until(() => desk.getByTestId("pick-session").textContent()).toContain(spaced);
      await shot(desk, "06b-checkin-pick-session");
      await desk.getByTestId(`door-open-${first.id}`).click();
      const outcome = desk.getByTestId("checkin-result");
      await until(() => outcome.getAttribute("data-state")).toBe("success");
      expect(await outcome.textContent()).toContain("签到成功");
      // The desk shows who it is, masked: enough to match her, not her number.
      expect(await outcome.textContent()).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
      expect(await outcome.textContent()).not.toContain(phone);
      await shot(desk, "07-checked-in");

      // The same code typed again (in groups, with spaces around): already checked in.
      expect(new URL(desk.url()).searchParams.has("code"), "the used code leaves the address").toBe(false);
      await until(() => desk.getByTestId("nav-organiser").isVisible()).toBe(true);
      await desk.getByTestId("checkin-input").fill(` ${spaced} `);
      await desk.getByTestId("checkin-submit").click();
      await until(() => outcome.getAttribute("data-state")).toBe("already");
      expect(await outcome.textContent()).toContain("已经签到过了");
      await shot(desk, "08-already-checked-in");

      // 管理: her activities, the lecture series, the woman's session with the phone masked.
      await desk.getByTestId("nav-organiser").click();
      await desk.waitForURL((url) => url.pathname === "/organiser");
      await until(() => desk.getByTestId(`organiser-campaign-${CAMPAIGN}`).isVisible()).toBe(true);
      // The menu keeps to one line on the phone: every item at the same height.
      const navTops = await desk
        .locator(".main-nav > *")
        .evaluateAll((items) => items.map((item) => Math.round(item.getBoundingClientRect().top)));
      expect(new Set(navTops).size, "the menu fits on one line").toBe(1);
      expect(await desk.getByTestId("nav-checkin").isVisible()).toBe(true);
      await shot(desk, "08a-organiser");
      await desk.getByTestId(`organiser-campaign-${CAMPAIGN}`).click();
      await desk.waitForURL((url) => url.pathname === `/organiser/campaigns/${CAMPAIGN}`);
      await until(() => desk.getByTestId("organiser-campaign-title").textContent()).toBe(campaign.title);
      await desk.getByTestId(`session-registrations-${first.id}`).click();
      const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
      const hers = desk.getByTestId(`registrations-${first.id}`).getByTestId("registration-row").filter({ hasText: masked });
      await until(() => hers.count()).toBe(1);
      expect(await hers.getByTestId("registration-row-checked-in").textContent()).toContain("已签到");
      expect(await hers.getByTestId("registration-row-status").textContent()).toBe("已确认");
      expect(await hers.textContent()).toContain("王*英");
      expect(await desk.content(), "the full number is nowhere on the page").not.toContain(phone);
      expect(await desk.getByTestId("download-csv").getAttribute("href")).toBe(
        `/api/admin/campaigns/${CAMPAIGN}/registrations.csv`,
      );
      // In WeChat the CSV cannot be downloaded: she is told how to open the page in a browser.
      expect(await desk.getByTestId("download-wechat").textContent()).toContain("在浏览器打开");
      await shot(desk, "08b-organiser-registrations");

      // She raises the session's capacity by ten.
      const raised = first.capacity + 10;
      await desk.getByTestId(`session-edit-${first.id}`).click();
      await desk.getByTestId(`session-capacity-${first.id}`).fill(String(raised));
      await desk.getByTestId(`session-save-${first.id}`).click();
      await until(() => desk.getByTestId(`session-saved-${first.id}`).isVisible()).toBe(true);
      await until(() => desk.getByTestId(`session-counts-${first.id}`).textContent()).toMatch(new RegExp(`名额 ${raised}$`));
      await shot(desk, "08c-organiser-capacity");

      // Not below the seats already taken: the server's reason, in plain words.
      await desk.getByTestId(`session-edit-${first.id}`).click();
      await desk.getByTestId(`session-capacity-${first.id}`).fill("0");
      await desk.getByTestId(`session-save-${first.id}`).click();
      await until(() => desk.getByTestId(`session-edit-error-${first.id}`).textContent()).toContain("名额不能少于已报名的人数");

      // A new session, its start typed in China time.
      await desk.getByTestId("new-session").click();
      await desk.getByTestId("new-session-submit").click();
      await until(() => desk.getByTestId("new-session-form").locator(".field-error").count()).toBeGreaterThan(0);
      const extraTitle = "第11场 · 长沙（加场）";
      const inAMonth = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(Date.now() + 30 * 86_400_000);
      await desk.getByTestId("new-session-title").fill(extraTitle);
      await desk.getByTestId("new-session-date").fill(inAMonth);
      await desk.getByTestId("new-session-time").fill("19:00");
      await desk.getByTestId("new-session-venue").fill("长沙市妇女儿童活动中心一楼");
      await desk.getByTestId("new-session-capacity").fill("40");
      await shot(desk, "08d-organiser-new-session");
      await desk.getByTestId("new-session-submit").click();
      await until(() => desk.getByTestId("new-session-result").textContent()).toContain(extraTitle);
      const extra = desk.locator("[data-testid^='admin-session-']").filter({ hasText: extraTitle });
      await until(() => extra.textContent()).toContain("19:00");
      expect(await extra.textContent()).toContain("名额 40");
      await organiser.close();

      // Her ticket now says she was checked in.
      await page.goto(`${base}/me/registrations`);
      await expect
        .poll(() => page.getByTestId("registration-card").first().getByTestId("registration-status").textContent())
        .toBe("已签到");

      // A second session, then she cancels it.
      await page.goto(`${base}/campaigns/${CAMPAIGN}`);
      await register(page, campaign, second, phone);
      await page.getByTestId("submit-registration").click();
      await until(() => result.textContent()).toContain("报名成功！");
      await page.getByTestId("go-to-ticket").click();
      await page.waitForURL((url) => url.pathname.startsWith("/me/tickets/"));
      await page.getByTestId("back-to-list").click();
      await page.waitForURL((url) => url.pathname === "/me/registrations");
      const secondCard = page.getByTestId("registration-card").filter({ hasText: second.title });
      await until(() => secondCard.getByTestId("registration-status").textContent()).toBe("报名成功");
      await secondCard.getByTestId("cancel-registration").click();
      await until(() => secondCard.getByTestId("confirm-cancel").isVisible()).toBe(true);
      expect(await secondCard.textContent()).toContain("确定要取消吗？取消后名额会让给候补的人");
      await shot(page, "09-confirm-cancel");
      await secondCard.getByTestId("confirm-cancel").click();
      await until(() => secondCard.getByTestId("registration-status").textContent()).toBe("已取消");
      await shot(page, "10-cancelled");

      await participant.close();
      expect(blocked, "no CSP violation or page error").toEqual([]);
    },
    TIMEOUT,
  );
});
