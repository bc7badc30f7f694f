/**
 * The participant's side of the door (issue 7), on a phone in WeChat's browser: signing in with
 * a pasted number, a wrong code and the one lock-out message, the session named on the sign-in
 * page, her number filled in; the campaign page's city filter, 已报名 on what she holds, the
 * waitlist in plain words before she commits; the header on one row; axe-core on each page.
 * Screenshots in .test-artifacts/participant-*.png.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import type { CampaignDetail } from "../src/types.ts";
import {
  apiAs,
  axeViolations,
  artifacts,
  base,
  blocked,
  call,
  fitsWidth,
  getJson,
  phoneContext,
  randomPhone,
  shot,
  startBrowserKit,
  stopBrowserKit,
  until,
} from "./browser-kit.ts";

const CAMPAIGN = "c-2019-cxcy-lectures";
const TITLE = "巾帼创业创新公益大讲座";
const CHANGSHA = "s-cxcy-01";
/** 株洲: three seats and a waitlist (seeds/campaigns.ts). */
const ZHUZHOU = "s-cxcy-02";
const XIANGTAN = "s-cxcy-03";
const TIMEOUT = 180_000;
const SMALL = { width: 360, height: 640 };

/** A participant's answers to the lecture form, through the API. */
const answersFor = (phone: string, city: string) => ({ name: "李桂兰", phone, city, consent: true });

/** 139 1234 5678 with a country code, as a contact card gives it. */
const pasted = (phone: string) => `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;

const outboxCode = async (phone: string) => {
  const outbox = await getJson<{ items: { code: string }[] }>(`/api/dev/outbox?phone=${phone}`);
  const code = outbox.items[0]?.code;
  expect(code).toMatch(/^\d{6}$/);
  return code!;
};
/** Another six digits: surely not the code. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

const activeTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("data-testid"));

/** How the header lies: the rows of the menu and of the account line, the brand's height, the header's. */
function headerLayout(page: Page) {
  return page.evaluate(() => {
    const rows = (selector: string) => new Set([...document.querySelectorAll(selector)].map((e) => Math.round(e.getBoundingClientRect().top))).size;
    const box = (selector: string) => document.querySelector(selector)?.getBoundingClientRect();
    const fontSize = (selector: string) => parseFloat(getComputedStyle(document.querySelector(selector)!).fontSize);
    return {
      navItems: document.querySelectorAll(".main-nav > a").length,
      navRows: rows(".main-nav > a"),
      accountRows: rows(".header-account > *"),
      topRows: rows(".header-top > *"),
      brandHeight: box(".brand")?.height ?? 0,
      headerHeight: box(".site-header")?.height ?? 0,
      navFont: fontSize(".main-nav > a"),
      minTap: Math.min(...[...document.querySelectorAll(".site-header a, .site-header button")].map((e) => e.getBoundingClientRect().height)),
    };
  });
}

describe("participant pages on a phone", () => {
  let context: BrowserContext;
  let page: Page;
  const phone = randomPhone();

  beforeAll(async () => {
    await startBrowserKit("participant");
    context = await phoneContext();
    page = await context.newPage();
  }, TIMEOUT);
  afterAll(stopBrowserKit, TIMEOUT);

  it(
    "signs in with a pasted +86 number, after a wrong code, and comes back to the session's form with her number in it",
    async () => {
      await page.goto(`${base}/campaigns/${CAMPAIGN}`);
      await page.getByTestId(`session-register-${CHANGSHA}`).click();
      await page.waitForURL((url) => url.pathname === "/signin");
      // The sign-in page says what she was doing.
      await until(() => page.getByTestId("signin-next").textContent()).toBe(`登录后继续报名：${TITLE} 第1场 · 长沙`);

      // Pasted as a contact card gives it: the browser used to cut it to "+86 139 123" (maxlength 11).
      await page.getByTestId("phone-input").focus();
      await page.keyboard.insertText(pasted(phone));
      expect(await page.getByTestId("phone-input").inputValue()).toBe(phone);
      expect(await axeViolations(page), "axe on the sign-in page").toEqual([]);
      await shot(page, "participant-01-signin");

      await page.getByTestId("otp-send").click();
      await until(() => page.getByTestId("otp-info").textContent()).toContain("验证码已发送");
      const code = await outboxCode(phone);

      // A wrong code: what to do now, the code box ready for another try.
      await page.getByTestId("otp-input").fill(wrong(code));
      await page.getByTestId("login-submit").click();
      const problem = page.getByTestId("login-error");
      await until(() => problem.getAttribute("data-problem")).toBe("wrong");
      expect(await problem.textContent()).toContain("验证码不对，或者已经过期了。请对照短信里的 6 位数字，再输一次。");
      expect(await page.getByTestId("resend-hint").textContent()).toMatch(/收不到短信，或者验证码过期了？\d+ 秒后可以重新获取验证码。/);
      expect(await activeTestId(page)).toBe("otp-input");
      // The wrong digits are selected: typing replaces them.
      expect(await page.evaluate(() => { const el = document.activeElement as HTMLInputElement; return el.selectionEnd! - el.selectionStart!; })).toBe(6);
      expect(await axeViolations(page), "axe after a wrong code").toEqual([]);
      await shot(page, "participant-02-wrong-code");

      await page.keyboard.insertText(code);
      await page.getByTestId("login-submit").click();
      await page.waitForURL((url) => url.pathname === `/campaigns/${CAMPAIGN}` && url.searchParams.get("session") === CHANGSHA);
      const form = page.getByTestId("registration-form");
      await until(() => form.isVisible()).toBe(true);
      // Her number, the one she signed in with, is filled in.
      expect(await page.getByTestId("field-phone").inputValue()).toBe(phone);
      expect(await page.getByTestId("field-note-phone").textContent()).toContain("已填上您登录用的手机号");
      expect(await form.getAttribute("data-waitlist")).toBeNull();
      expect(await page.getByTestId("submit-registration").textContent()).toBe("提交报名");

      await page.getByTestId("field-name").fill("李桂兰");
      await page.getByTestId("field-city").selectOption("hn.cs");
      await page.getByTestId("field-consent").check();
      expect(await axeViolations(page), "axe on the form").toEqual([]);
      await shot(page, "participant-03-form-prefilled");
      await page.getByTestId("submit-registration").click();
      const result = page.getByTestId("registration-result");
      await until(() => result.getAttribute("data-status")).toBe("confirmed");
      expect(await result.textContent()).toContain("报名成功！座位给您留好了");
    },
    TIMEOUT,
  );

  it(
    "filters the sessions by city, in the address; shows 已报名 on hers; says the waitlist in plain words before she joins it",
    async () => {
      // 株洲's three seats go, and one woman waits.
      const { campaign } = await getJson<{ campaign: CampaignDetail }>(`/api/campaigns/${CAMPAIGN}`);
      const total = campaign.sessions?.length ?? 0;
      expect(total).toBe(10);
      for (let i = 0; i < 4; i++) {
        const other = randomPhone();
        const api = await apiAs(other);
        await call(api, "post", `/api/campaigns/${CAMPAIGN}/registrations`, { sessionId: ZHUZHOU, answers: answersFor(other, "hn.zz") });
      }

      await page.goto(`${base}/campaigns/${CAMPAIGN}`);
      const list = page.getByTestId("session-list").locator(":scope > li");
      await until(() => list.count()).toBe(total);
      // The session she holds says so, with the way to 我的报名, and offers no second sign-up.
      await until(() => page.getByTestId(`session-held-${CHANGSHA}`).textContent()).toContain("已报名");
      expect(await page.getByTestId(`session-register-${CHANGSHA}`).count()).toBe(0);
      await page.getByTestId(`session-${CHANGSHA}`).screenshot({ path: `${artifacts}participant-04a-held-card.png` });
      expect(await page.getByTestId(`session-${CHANGSHA}`).getByRole("link", { name: "查看我的报名" }).getAttribute("href")).toBe("/me/registrations");

      // 全部 and the ten cities, as big buttons.
      const filter = page.getByTestId("city-filter");
      expect(await filter.getByRole("button").allTextContents()).toEqual([
        "全部", "长沙市", "株洲市", "湘潭市", "衡阳市", "岳阳市", "常德市", "益阳市", "郴州市", "怀化市", "湘西土家族苗族自治州",
      ]);
      const chipHeights = await filter.getByRole("button").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
      expect(Math.min(...chipHeights)).toBeGreaterThanOrEqual(48);
      expect(await page.getByTestId("city-all").getAttribute("aria-pressed")).toBe("true");
      await shot(page, "participant-04-campaign-all");

      await page.getByTestId("city-hn.zz").click();
      await page.waitForURL((url) => url.searchParams.get("city") === "hn.zz");
      await until(() => list.count()).toBe(1);
      expect(await page.getByTestId(`session-${ZHUZHOU}`).isVisible()).toBe(true);
      expect(await page.getByTestId("city-hn.zz").getAttribute("aria-pressed")).toBe("true");
      expect(await page.getByTestId("city-count").textContent()).toBe(`这里有 1 场（一共 ${total} 场）`);
      // Full, with one woman waiting: the card says so, and its button is the line's.
      expect(await page.getByTestId(`session-seats-${ZHUZHOU}`).textContent()).toBe("已满，可以排队候补（已有 1 人在排队）");
      expect(await page.getByTestId(`session-register-${ZHUZHOU}`).textContent()).toBe("排队候补");
      expect(await fitsWidth(page)).toBe(true);
      expect(await axeViolations(page), "axe on the campaign page, filtered").toEqual([]);
      await shot(page, "participant-05-campaign-zhuzhou");

      // The choice is in the address: a reload keeps it.
      await page.reload();
      await until(() => list.count()).toBe(1);

      await page.getByTestId(`session-register-${ZHUZHOU}`).click();
      const form = page.getByTestId("registration-form");
      await until(() => form.getAttribute("data-waitlist")).toBe("true");
      const explained = page.getByTestId("waitlist-explained");
      expect(await explained.textContent()).toContain("这一场已经满了。您现在报的是候补，还没有座位。");
      expect(await page.getByTestId("waitlist-ahead").textContent()).toBe("已经有 1 人在排队，您会排在第 2 位。");
      expect(await explained.textContent()).toContain("补上了，会给您发短信");
      expect(await page.getByTestId("submit-registration").textContent()).toBe("排队候补");
      expect(await page.getByTestId("field-phone").inputValue()).toBe(phone);
      await page.getByTestId("field-name").fill("李桂兰");
      await page.getByTestId("field-city").selectOption("hn.zz");
      await page.getByTestId("field-consent").check();
      expect(await axeViolations(page), "axe on the waitlist form").toEqual([]);
      await shot(page, "participant-06-waitlist-form");

      await page.getByTestId("submit-registration").click();
      const result = page.getByTestId("registration-result");
      await until(() => result.getAttribute("data-status")).toBe("waitlisted");
      expect(await result.textContent()).toContain("已排上候补，您是第 2 位");
      expect(await result.textContent()).toContain("现在还没有座位");
      await shot(page, "participant-07-waitlisted");

      // Back on the list: 候补中 with her place, in the city she chose.
      await page.getByRole("button", { name: "回到活动" }).click();
      await until(() => page.getByTestId(`session-held-${ZHUZHOU}`).textContent()).toContain("候补中，您排第 2 位");
      expect(new URL(page.url()).searchParams.get("city")).toBe("hn.zz");
      await page.getByTestId("city-all").click();
      await until(() => list.count()).toBe(total);
      expect(new URL(page.url()).searchParams.has("city")).toBe(false);

      // ?session= opens that session's form (我的报名 links here to sign up again), its heading in focus.
      await page.goto(`${base}/campaigns/${CAMPAIGN}?session=${XIANGTAN}`);
      await until(() => page.getByTestId("registration-form").isVisible()).toBe(true);
      await until(() => page.evaluate(() => document.activeElement?.textContent)).toBe("填写报名信息");
      // …and for a session she holds, says so rather than offering a second sign-up.
      await page.goto(`${base}/campaigns/${CAMPAIGN}?session=${CHANGSHA}`);
      await until(() => page.getByTestId("form-held").textContent()).toContain("已报名");
      expect(await page.getByTestId("registration-form").count()).toBe(0);

      // At 360 × 640 it fits as well.
      const small = await phoneContext(SMALL, await context.storageState());
      const narrow = await small.newPage();
      await narrow.goto(`${base}/campaigns/${CAMPAIGN}?city=hn.zz`);
      await until(() => narrow.getByTestId(`session-held-${ZHUZHOU}`).isVisible()).toBe(true);
      expect(await fitsWidth(narrow)).toBe(true);
      await shot(narrow, "participant-08-campaign-360");
      // And in English.
      await narrow.getByTestId("lang-toggle").click();
      await until(() => narrow.getByTestId(`session-held-${ZHUZHOU}`).textContent()).toContain("On the waiting list: number 2");
      expect(await narrow.getByTestId("city-hn.zz").textContent()).toBe("Zhuzhou");
      expect(await fitsWidth(narrow)).toBe(true);
      expect(await axeViolations(narrow), "axe on the campaign page in English").toEqual([]);
      await shot(narrow, "participant-08a-campaign-360-en");
      await small.close();
    },
    TIMEOUT,
  );

  it(
    "after too many wrong codes says one thing, with the same count as the resend button",
    async () => {
      const fresh = await phoneContext(SMALL);
      const p = await fresh.newPage();
      const number = randomPhone();
      await p.goto(`${base}/signin`);
      await p.getByTestId("phone-input").focus();
      await p.keyboard.insertText(`${number.slice(0, 3)}-${number.slice(3, 7)}-${number.slice(7)}`);
      expect(await p.getByTestId("phone-input").inputValue()).toBe(number);
      await p.getByTestId("otp-send").click();
      await until(() => p.getByTestId("otp-info").textContent()).toContain("验证码已发送");
      const code = await outboxCode(number);
      const problem = p.getByTestId("login-error");
      // Five wrong tries are each "wrong"; the sixth finds the code void, even the right one.
      for (let i = 0; i < 5; i++) {
        await p.getByTestId("otp-input").fill(wrong(code));
        await p.getByTestId("login-submit").click();
        await until(() => problem.getAttribute("data-problem")).toBe("wrong");
        await p.getByTestId("otp-input").fill("");
      }
      await p.getByTestId("otp-input").fill(code);
      await p.getByTestId("login-submit").click();
      await until(() => problem.getAttribute("data-problem")).toBe("locked");
      expect(await p.getByTestId("login-submit").isDisabled()).toBe(true);
      expect(await p.getByTestId("otp-input").inputValue(), "a void code is not left to send again").toBe("");
      // Read in one go, so the countdown cannot tick between the two.
      const said = await p.evaluate(() => ({
        alert: document.querySelector("[data-testid=login-error] [role=alert]")?.textContent ?? "",
        hint: document.querySelector("[data-testid=resend-hint]")?.textContent ?? "",
        button: document.querySelector("[data-testid=otp-send]")?.textContent ?? "",
        disabled: (document.querySelector("[data-testid=otp-send]") as HTMLButtonElement).disabled,
      }));
      expect(said.alert).toBe("输错的次数太多，这个验证码已经作废了。请重新获取一个验证码。");
      const hintSeconds = /^(\d+) 秒后可以重新获取验证码。$/.exec(said.hint)?.[1];
      const buttonSeconds = /^(\d+) 秒后可以重新获取$/.exec(said.button)?.[1];
      expect(hintSeconds, said.hint).toBeDefined();
      expect(hintSeconds).toBe(buttonSeconds);
      expect(said.disabled).toBe(true);
      expect(await fitsWidth(p)).toBe(true);
      expect(await axeViolations(p), "axe on the locked sign-in page").toEqual([]);
      await shot(p, "participant-09-locked-360");
      await fresh.close();
    },
    TIMEOUT,
  );

  it(
    "keeps the header's menu on one row, in Chinese and English, at 390 and 360 px",
    async () => {
      const seen: Record<string, Awaited<ReturnType<typeof headerLayout>>> = {};
      for (const viewport of [{ width: 390, height: 844 }, SMALL]) {
        for (const signedIn of [false, true]) {
          const ctx = await phoneContext(viewport, signedIn ? await context.storageState() : undefined);
          const p = await ctx.newPage();
          await p.goto(`${base}/`);
          await until(() => p.getByTestId("nav-home").isVisible()).toBe(true);
          await until(() => p.getByTestId(signedIn ? "nav-signout" : "nav-signin").isVisible()).toBe(true);
          for (const lang of ["zh-CN", "en"]) {
            if (lang === "en") {
              await p.getByTestId("lang-toggle").click();
              await until(() => p.locator("html").getAttribute("lang")).toBe("en");
            }
            const name = `${viewport.width}-${lang}-${signedIn ? "in" : "out"}`;
            const layout = await headerLayout(p);
            seen[name] = layout;
            expect(layout.navRows, `${name}: menu on one row`).toBe(1);
            expect(layout.topRows, `${name}: brand and language on one row`).toBe(1);
            expect(layout.brandHeight, `${name}: the brand on one line`).toBeLessThanOrEqual(50);
            if (signedIn) expect(layout.accountRows, `${name}: the account line on one row`).toBe(1);
            expect(layout.minTap, `${name}: tap targets`).toBeGreaterThanOrEqual(44);
            expect(await fitsWidth(p), `${name}: fits`).toBe(true);
            await p.evaluate(() => window.scrollTo(0, 0));
            await p.screenshot({ path: `${artifacts}participant-header-${name}.png`, clip: { x: 0, y: 0, width: viewport.width, height: 220 } });
          }
          await ctx.close();
        }
      }
      // Signing out forgets the number kept for her forms.
      expect(await page.evaluate(() => sessionStorage.getItem("jinguo.signInPhone"))).toContain(phone);
      await page.getByTestId("nav-signout").click();
      await until(() => page.getByTestId("nav-signin").isVisible()).toBe(true);
      expect(await page.evaluate(() => sessionStorage.getItem("jinguo.signInPhone"))).toBeNull();
      // Chinese stays big: the menu's type is not made smaller for it.
      expect(seen["390-zh-CN-out"]!.navFont).toBeGreaterThanOrEqual(20);
      expect(seen["360-zh-CN-in"]!.navFont).toBeGreaterThanOrEqual(20);
      expect(blocked, "no CSP violation or page error").toEqual([]);
    },
    TIMEOUT,
  );
});
