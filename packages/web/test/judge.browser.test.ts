/**
 * The contest in a real browser, on a phone-sized screen with WeChat's user agent, against the
 * whole local platform: a judge scores a round at the venue — one save lost to the network
 * and sent again when it is back — and submits; a woman enters her team with a photo and finds
 * it in 我的作品. The round and its entries are set up through the API, as organisers and
 * entrants would.
 *
 * Screenshots go to .test-artifacts/ (gitignored). JOURNEY_BASE_URL=http://localhost:3000 runs
 * it against a platform that is already up.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { request, type APIRequestContext, type Page } from "playwright-core";
import type { CampaignDetail, FormField } from "../src/types.ts";
import { apiAs, apis, base, blocked, call, fitsWidth, phoneContext, png, randomPhone, shot, signIn, startBrowserKit, stopBrowserKit, until } from "./browser-kit.ts";

const CONTEST = "c-2019-square-dance";
const CHANGSHA_ORGANISER = "13800000001";
const JUDGE = "13800000003";
const TIMEOUT = 120_000;

let organiserApi: Promise<APIRequestContext> | undefined;
/** The 长沙 organiser, signed in once (a number gets one code a minute). */
const changshaOrganiser = () => (organiserApi ??= apiAs(CHANGSHA_ORGANISER));

/** A team's answers to the contest's form, whatever fields it declares (no photo). */
function teamAnswers(fields: FormField[], team: string, phone: string): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.type === "text") answers[f.key] = f.personal ? "张桂兰" : team;
    else if (f.type === "phone") answers[f.key] = phone;
    else if (f.type === "number") answers[f.key] = Math.max(f.min ?? 12, 12);
    else if (f.type === "orgUnit") answers[f.key] = "hn.cs.yl";
    else if (f.type === "textarea") answers[f.key] = "我们跳的是湘西花鼓舞。";
    else if (f.type === "consent") answers[f.key] = true;
  }
  return answers;
}

/** What the first test left for the last: the round she judged and who entered it. */
let judged: { roundId: string; first: string; second: string; women: { api: APIRequestContext; entryId: string; team: string }[] } | undefined;

/** The menu's items all at one height: it fits on one line. */
async function menuOnOneLine(page: Page): Promise<boolean> {
  const tops = await page.locator(".main-nav > *").evaluateAll((items) => items.map((i) => Math.round(i.getBoundingClientRect().top)));
  return tops.length > 0 && new Set(tops).size === 1;
}

describe("contest in a phone browser", () => {
  beforeAll(() => startBrowserKit("judge"), TIMEOUT);
  afterAll(stopBrowserKit, TIMEOUT);

  it(
    "a judge scores two entries on her phone, keeps a score through a lost network, and submits",
    async () => {
      // Set up as people would: two teams enter, the 长沙 organiser approves them, makes a round
      // with a two-criterion rubric and invites the judge.
      const anyone = await request.newContext({ baseURL: base });
      apis.push(anyone);
      const { campaign } = await call<{ campaign: CampaignDetail }>(anyone, "get", `/api/campaigns/${CONTEST}`);
      const organiser = await changshaOrganiser();
      const teams = ["岳麓区桃花岭舞蹈队", "岳麓区含浦姐妹队"];
      const entryIds: string[] = [];
      const women: { api: APIRequestContext; entryId: string; team: string }[] = [];
      for (const team of teams) {
        const phone = randomPhone();
        const woman = await apiAs(phone);
        const { entry } = await call<{ entry: { id: string } }>(woman, "post", `/api/campaigns/${CONTEST}/entries`, {
          answers: teamAnswers(campaign.form.fields, team, phone),
        });
        await call(organiser, "post", `/api/admin/entries/${entry.id}/approve`);
        entryIds.push(entry.id);
        women.push({ api: woman, entryId: entry.id, team });
      }
      const { round } = await call<{ round: { id: string } }>(organiser, "post", `/api/admin/campaigns/${CONTEST}/rounds`, {
        name: "岳麓区初赛",
        orgUnit: "hn.cs",
        rubric: {
          criteria: [
            { key: "dance", label: "舞蹈表现", weight: 1, max: 10 },
            { key: "spirit", label: "精神面貌", weight: 0.5, max: 10 },
          ],
          aggregate: "trimmed_mean",
          blind: false,
        },
      });
      await call(organiser, "post", `/api/admin/rounds/${round.id}/judges`, { phone: JUDGE });

      const context = await phoneContext();
      const page = await context.newPage();

      // She signs in; as a judge she has 评审 in the menu, which still fits on one line.
      await page.goto(`${base}/`);
      await page.getByTestId("nav-signin").click();
      await signIn(page, JUDGE);
      await until(() => page.getByTestId("nav-judge").isVisible()).toBe(true);
      expect(await menuOnOneLine(page), "the menu fits on one line at 390 px").toBe(true);
      await page.getByTestId("nav-judge").click();
      await page.waitForURL((url) => url.pathname === "/judge");
      const card = page.locator(`[data-testid="assignment"][data-round="${round.id}"]`);
      await until(() => card.getByTestId("assignment-progress").textContent()).toBe("已评 0 / 2 个");
      await shot(page, "judge-01-assignments");
      await card.getByTestId(`open-round-${round.id}`).click();
      await page.waitForURL((url) => url.pathname === `/judge/rounds/${round.id}`);
      await until(() => page.getByTestId("round-title").textContent()).toBe("岳麓区初赛");
      expect(await page.title()).toBe("岳麓区初赛 · 巾帼活动平台");
      await until(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("round-title");

      // One entry per screen; the first: a typed score and the stepper, the running total.
      const entry = page.getByTestId("judge-entry");
      const state = entry.getByTestId("save-state");
      await until(() => page.getByTestId("entry-position").textContent()).toBe("第 1 个，共 2 个");
      const first = (await entry.getAttribute("data-entry"))!;
      expect(entryIds).toContain(first);
      expect(await state.textContent()).toBe("还没打分");
      await entry.getByTestId("score-dance").fill("8.5");
      await until(() => state.textContent()).toBe("未保存 · 还有 1 项没打分");
      await entry.getByTestId("score-spirit").fill("7");
      for (let i = 0; i < 5; i++) await entry.getByTestId("plus-spirit").click();
      await entry.getByTestId("minus-spirit").click();
      expect(await entry.getByTestId("score-spirit").inputValue()).toBe("7.4");
      // weighted as the server does: 8.5 + 0.5 × 7.4
      expect(await entry.getByTestId("total-value").textContent()).toBe("12.2");
      await until(() => state.getAttribute("data-state")).toBe("saved");
      expect(await state.textContent()).toBe("已保存");
      await until(() => page.getByTestId("round-progress").textContent()).toBe("已评 1 / 2 个");
      await shot(page, "judge-02-scored");

      // 提交评分 lists what is left; the list leads to it.
      await page.getByTestId("submit-round").click();
      const confirm = page.getByTestId("submit-confirm");
      await until(() => confirm.getByTestId("unscored-list").textContent()).toContain("2号");
      expect(await page.getByTestId("confirm-submit").isDisabled()).toBe(true);
      await shot(page, "judge-03-unscored");
      await confirm.getByTestId("unscored-list").getByRole("button").click();
      await until(() => page.getByTestId("entry-position").textContent()).toBe("第 2 个，共 2 个");
      await until(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("entry-heading");
      const second = (await entry.getAttribute("data-entry"))!;
      expect(second).not.toBe(first);

      // 回避 needs a reason; she steps aside, then thinks better of it and scores after all.
      await entry.getByTestId("recuse").click();
      await entry.getByTestId("confirm-recuse").click();
      await until(() => entry.locator("#recuse-error").textContent()).toBe("这一项必须填写");
      await entry.getByTestId("recuse-reason").fill("领队是我的表姐");
      await entry.getByTestId("confirm-recuse").click();
      await until(() => entry.getByTestId("recused-note").textContent()).toContain("领队是我的表姐");
      await until(() => page.getByTestId("round-progress").textContent()).toBe("已评 2 / 2 个");
      await shot(page, "judge-03b-recused");
      await entry.getByTestId("rescore").click();

      // The network goes: the score stays on the phone and the page says it is not saved.
      await context.setOffline(true);
      await entry.getByTestId("score-dance").fill("9");
      await entry.getByTestId("score-spirit").fill("8");
      await until(() => entry.getByTestId("offline-note").isVisible()).toBe(true);
      expect(await state.textContent()).toBe("未保存");
      const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("jinguo.score.")));
      expect(kept.length, "the unsaved score is kept on the phone").toBe(1);
      expect(kept[0]).toContain(`${round.id}:${second}`);
      await shot(page, "judge-04-offline");

      // It comes back: the score goes by itself.
      await context.setOffline(false);
      await until(() => state.getAttribute("data-state")).toBe("saved");
      expect(await state.textContent()).toBe("已保存");
      expect(await entry.getByTestId("total-value").textContent()).toBe("13");
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("jinguo.score.")).length)).toBe(0);

      // Previous keeps what was saved.
      await page.getByTestId("prev-entry").click();
      await until(() => entry.getByTestId("score-dance").inputValue()).toBe("8.5");
      expect(await entry.getByTestId("score-spirit").inputValue()).toBe("7.4");
      await page.getByTestId("next-entry").click();
      await until(() => page.getByTestId("entry-position").textContent()).toBe("第 2 个，共 2 个");

      // At 360 × 640 the console still fits: nothing sideways, the menu on one line.
      await page.setViewportSize({ width: 360, height: 640 });
      await until(() => fitsWidth(page)).toBe(true);
      expect(await menuOnOneLine(page), "the menu fits on one line at 360 px").toBe(true);
      await shot(page, "judge-05-360");
      await page.setViewportSize({ width: 390, height: 844 });

      // Submit: everything is scored; then all is read-only.
      await page.getByTestId("submit-round").click();
      await until(() => confirm.getByTestId("all-scored").isVisible()).toBe(true);
      await page.getByTestId("confirm-submit").click();
      await until(() => page.getByTestId("round-submitted").textContent()).toBe("已提交，分数不能再改了");
      await until(() => entry.getByTestId("score-dance").isDisabled()).toBe(true);
      expect(await entry.getByTestId("plus-dance").isDisabled()).toBe(true);
      expect(await page.getByTestId("submit-round").count()).toBe(0);
      await shot(page, "judge-06-submitted");

      // The organiser's progress shows her submitted, with both scores.
      const progress = await call<{ judges: { submitted: boolean; scored: number }[] }>(organiser, "get", `/api/admin/rounds/${round.id}/progress`);
      expect(progress.judges).toHaveLength(1);
      expect(progress.judges[0]).toMatchObject({ submitted: true, scored: 2, recused: 0 });
      judged = { roundId: round.id, first, second, women };

      await context.close();
      expect(blocked, "no CSP violation or page error").toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "a woman enters her team with a photo from the contest page and sees it in 我的作品, waiting to be checked",
    async () => {
      // A contest whose sign-up opens in five days: no 报名中 anywhere, and no way to enter yet.
      const organiser = await changshaOrganiser();
      const day = 86_400_000;
      const at = (days: number) => new Date(Date.now() + days * day).toISOString();
      const { campaign: later } = await call<{ campaign: { id: string } }>(organiser, "post", "/api/admin/campaigns", {
        kind: "contest",
        title: "长沙市巾帼广场舞邀请赛",
        orgUnit: "hn.cs",
        phases: [
          { name: "registration", opensAt: at(5), closesAt: at(20) },
          { name: "judging", opensAt: at(20), closesAt: at(30) },
        ],
      });
      await call(organiser, "post", `/api/admin/campaigns/${later.id}/publish`);

      const phone = randomPhone();
      const context = await phoneContext();
      const page = await context.newPage();
      await page.goto(`${base}/`);
      const laterCard = page.getByTestId(`campaign-${later.id}`);
      await until(() => laterCard.getByTestId("phase").textContent()).toBe("即将开始");
      expect(await laterCard.getByTestId("phase-opens").textContent()).toMatch(/开始$/);
      expect(await page.getByTestId(`campaign-${CONTEST}`).getByTestId("phase").textContent()).toBe("报名中");
      await laterCard.click();
      await until(() => page.getByTestId("entries-section").textContent()).toContain("还没开始报名");
      expect(await page.getByTestId("enter-campaign").count()).toBe(0);
      expect(await page.getByTestId("phase").textContent()).toBe("即将开始");

      await page.goto(`${base}/campaigns/${CONTEST}`);
      await until(() => page.getByTestId("phase").textContent()).toBe("报名中");
      await shot(page, "entry-01-contest");

      // Signed out: 报名参赛 goes to sign-in and back to the form.
      await page.getByTestId("enter-campaign").click();
      await page.waitForURL((url) => url.pathname === "/signin");
      await signIn(page, phone);
      await page.waitForURL((url) => url.pathname === `/campaigns/${CONTEST}` && url.searchParams.get("enter") === "1");
      const form = page.getByTestId("entry-form");
      await until(() => form.isVisible()).toBe(true);

      const fill = async () => {
        await page.getByTestId("field-teamName").fill("天心区金盆岭舞蹈队");
        await page.getByTestId("field-leaderName").fill("李桂芳");
        await page.getByTestId("field-leaderPhone").fill(phone);
        await page.getByTestId("field-memberCount").fill("16");
        await page.getByTestId("field-county").selectOption("hn.cs.tx");
        await page.getByTestId("field-description").fill("我们每天晚上在社区广场跳舞。");
        await page.getByTestId("field-consent").check();
      };
      await fill();
      await page.getByTestId("field-photo").setInputFiles({ name: "team.png", mimeType: "image/png", buffer: png() });
      const photo = page.getByTestId("photo");
      await until(() => photo.getAttribute("data-state")).toBe("done");
      const preview = photo.getByTestId("photo-preview");
      expect(await preview.getAttribute("src")).toMatch(/^\/api\/uploads\/up[0-9a-z]+$/);
      await until(() => preview.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(64);
      await shot(page, "entry-02-form");

      await page.getByTestId("submit-entry").click();
      await until(() => page.getByTestId("entry-result").textContent()).toContain("报名材料已提交！");
      await shot(page, "entry-03-sent");

      await page.getByTestId("go-to-my-entries").click();
      await page.waitForURL((url) => url.pathname === "/me/entries");
      const card = page.getByTestId("entry-card").filter({ hasText: "天心区金盆岭舞蹈队" });
      await until(() => card.getByTestId("entry-status").textContent()).toBe("已提交，等待审核");
      expect(await card.getByTestId("edit-entry").isVisible()).toBe(true);
      await shot(page, "entry-04-my-entries");

      // A second entry is refused plainly, with the way to the first.
      await page.goto(`${base}/campaigns/${CONTEST}?enter=1`);
      await until(() => form.isVisible()).toBe(true);
      await fill();
      await page.getByTestId("submit-entry").click();
      await until(() => page.getByTestId("form-error").textContent()).toContain("您在这个活动里已经交过了");
      expect(await page.getByTestId("form-error").getByTestId("go-to-my-entries").getAttribute("href")).toBe("/me/entries");

      await context.close();
      expect(blocked, "no CSP violation or page error").toEqual([]);
    },
    TIMEOUT,
  );

  // Last: publishing starts 公示, which ends the contest's sign-up.
  it(
    "once published, the contest page shows the ranking on public notice and 我的作品 her place",
    async () => {
      expect(judged, "the judging test ran first").toBeDefined();
      const { roundId, first, second, women } = judged!;
      await call(await changshaOrganiser(), "post", `/api/admin/rounds/${roundId}/close`, {});
      const province = await apiAs("13800000000");
      await call(province, "post", `/api/admin/campaigns/${CONTEST}/results/publish`);

      // She is signed in (her cookies from the API) and opens the contest.
      const mine = women.find((w) => w.entryId === first)!;
      const context = await phoneContext(undefined, await mine.api.storageState());
      const page = await context.newPage();
      await page.goto(`${base}/campaigns/${CONTEST}`);
      const results = page.getByTestId("results");
      await until(() => results.getByTestId("results-status").textContent()).toBe("公示中");
      expect(await results.textContent()).toMatch(/公示到 /);
      const rows = results.getByTestId("result-row");
      expect(await rows.count()).toBe(2);
      // 13 (9 + 0.5 × 8) before 12.2 (8.5 + 0.5 × 7.4): one judge, so the plain mean
      expect(await rows.nth(0).getAttribute("data-entry")).toBe(second);
      expect(await rows.nth(0).textContent()).toContain("第 1 名");
      expect(await rows.nth(0).textContent()).toContain("13 分");
      expect(await rows.nth(1).textContent()).toContain(`第 2 名${mine.team}12.2 分`);
      // Sign-up is over: the badge says what is going on now, and there is no way in.
      expect(await page.getByTestId("phase").textContent()).toBe("结果公示中");
      expect(await page.getByTestId("enter-campaign").count()).toBe(0);
      await shot(page, "results-01-campaign");

      await page.getByTestId("nav-my-entries").click();
      await page.waitForURL((url) => url.pathname === "/me/entries");
      const card = page.getByTestId("entry-card").filter({ hasText: mine.team });
      await until(() => card.getByTestId("entry-status").textContent()).toBe("已通过");
      await until(() => card.getByTestId("entry-result-line").textContent()).toContain("比赛结果：第 2 名，12.2 分");
      await shot(page, "results-02-my-entries");

      await context.close();
      expect(blocked, "no CSP violation or page error").toEqual([]);
    },
    TIMEOUT,
  );
});
