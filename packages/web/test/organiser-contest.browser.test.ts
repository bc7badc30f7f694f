/**
 * An organiser runs the seeded 乡村广场舞大赛 in a real browser, on a phone-sized screen with
 * WeChat's user agent, against the whole local platform: two team entries (sent through the
 * API) are approved in the review queue, a county round with a two-item rubric is made in the
 * editor and a judge invited; she and two more judges score, one recuses, and they submit
 * (through the API, as on their phones); the organiser closes the round, reads the ranking
 * (dropped totals struck through, a shared first place, a tie at the cut) and publishes it.
 *
 * The contest belongs to the province (seeds/campaigns.ts: orgUnit "hn"), so the organiser is
 * the province's, the admin 13800000000: only she may publish its results.
 *
 * Screenshots go to .test-artifacts/ (gitignored). JOURNEY_BASE_URL=http://localhost:3000 runs it
 * against a platform that is already up — on a fresh start only: it publishes the results.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import { request, type APIRequestContext } from "playwright-core";
import { apis, artifacts, base, blocked, getJson, phoneContext, png, randomPhone, shot, startBrowserKit, stopBrowserKit, until } from "./browser-kit.ts";

const CAMPAIGN = "c-2019-square-dance";
const ORGANISER_PHONE = "13800000000";
const JUDGE_PHONE = "13800000003";
const JUDGE_NAME = "李秀英";
/** 芙蓉区 (长沙): both teams dance their heat there. */
const COUNTY = "hn.cs.fr";
const TIMEOUT = 120_000;

/**
 * Signed-in API calls as one person, through a request context (a browser context's own, so the
 * page shares the sign-in, or a bare one): the code from the dev outbox, the CSRF cookie echoed.
 */
async function signedIn(api: APIRequestContext, phone: string) {
  await api.get(`${base}/api/health`);
  const csrf = (await api.storageState()).cookies.find((c) => c.name === "csrf")?.value ?? "";
  const send = async <T>(method: string, path: string, options: { data?: unknown; multipart?: Record<string, unknown> } = {}): Promise<T> => {
    const res = await api.fetch(`${base}${path}`, {
      method,
      headers: { "x-csrf-token": csrf, "idempotency-key": randomBytes(8).toString("hex") },
      ...(options.data !== undefined ? { data: options.data } : {}),
      ...(options.multipart ? { multipart: options.multipart as never } : {}),
    });
    if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()} ${await res.text()}`);
    return (res.status() === 204 ? undefined : await res.json()) as T;
  };
  await send("POST", "/api/auth/otp", { data: { phone } });
  const outbox = await getJson<{ items: { code: string }[] }>(`/api/dev/outbox?phone=${phone}`);
  await send("POST", "/api/auth/login", { data: { phone, code: outbox.items[0]!.code } });
  return send;
}

/** A team's entry, as a leader sends it from her phone (the API, here). */
async function enterTeam(team: string, leader: string, withPhoto: boolean): Promise<{ id: string; phone: string }> {
  const phone = randomPhone();
  const api = await request.newContext();
  apis.push(api);
  const send = await signedIn(api, phone);
  const photo = withPhoto
    ? (await send<{ upload: { id: string } }>("POST", "/api/uploads", { multipart: { file: { name: "team.png", mimeType: "image/png", buffer: png(240, 160) } } })).upload.id
    : undefined;
  const { entry } = await send<{ entry: { id: string; status: string } }>("POST", `/api/campaigns/${CAMPAIGN}/entries`, {
    data: {
      answers: {
        teamName: team,
        leaderName: leader,
        leaderPhone: phone,
        memberCount: 16,
        county: COUNTY,
        description: `${team}跳的是湘西民歌改编的广场舞，队员都是村里的姐妹。`,
        ...(photo ? { photo: [photo] } : {}),
        consent: true,
      },
    },
  });
  expect(entry.status).toBe("submitted");
  return { id: entry.id, phone };
}

describe("an organiser runs a contest in a phone browser", () => {
  beforeAll(() => startBrowserKit("contest"), TIMEOUT);
  afterAll(stopBrowserKit, TIMEOUT);

  it(
    "approves two teams, makes a county round, invites a judge, closes it after her scores, and publishes",
    async () => {
      const tag = randomBytes(2).toString("hex").toUpperCase();
      const teamA = `赤马村姐妹舞蹈队${tag}`;
      const teamB = `荷花社区舞蹈队${tag}`;
      const [a, b] = [await enterTeam(teamA, "王秀英", true), await enterTeam(teamB, "张桂兰", false)];

      const organiser = await phoneContext();
      const send = await signedIn(organiser.request, ORGANISER_PHONE);
      const page = await organiser.newPage();

      // The contest's 管理 page: no more "later" note, a contest section instead.
      await page.goto(`${base}/organiser/campaigns/${CAMPAIGN}`);
      await until(() => page.getByTestId("contest-section").isVisible()).toBe(true);
      expect(await page.getByText("以后会加上").count()).toBe(0);
      await shot(page, "contest-01-campaign");

      // The review queue: both teams, personal answers masked, the photo served back.
      await page.getByTestId("contest-entries-link").click();
      await page.waitForURL((url) => url.pathname === `/organiser/campaigns/${CAMPAIGN}/entries`);
      await until(() => page.getByTestId("entries-tab-submitted").getAttribute("aria-current")).toBe("page");
      const cardA = page.getByTestId("entry-card").filter({ hasText: teamA });
      const cardB = page.getByTestId("entry-card").filter({ hasText: teamB });
      await until(() => cardA.count()).toBe(1);
      await until(() => cardB.count()).toBe(1);
      expect(await cardA.getByTestId("entry-unit").textContent()).toContain("芙蓉区妇联");
      expect(await cardA.getByTestId("entry-answer-leaderName").textContent()).toBe("王*英");
      expect(await cardA.getByTestId("entry-answer-leaderPhone").textContent()).toBe(`${a.phone.slice(0, 3)}****${a.phone.slice(-4)}`);
      expect(await page.content(), "no full number on the page").not.toContain(a.phone);
      const photo = cardA.getByTestId("entry-photo");
      await photo.scrollIntoViewIfNeeded();
      await until(() => photo.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth)).toBe(240);
      await shot(page, "contest-02-queue");

      // 不通过 needs a reason (the entrant reads it): sending none is stopped at the field.
      await page.getByTestId(`entry-reject-${b.id}`).click();
      await page.getByTestId(`entry-reject-send-${b.id}`).click();
      await until(() => page.getByTestId(`entry-reason-error-${b.id}`).textContent()).toContain("请写上原因");
      await shot(page, "contest-03-reason-required");
      await cardB.getByRole("button", { name: "先不处理" }).click();

      // Approve both: each leaves the queue, and the page says what was done.
      await page.getByTestId(`entry-approve-${a.id}`).click();
      await until(() => page.getByTestId("entry-reviewed").textContent()).toContain(`已通过：${teamA}`);
      await until(() => cardA.count()).toBe(0);
      await page.getByTestId(`entry-approve-${b.id}`).click();
      await until(() => page.getByTestId("entry-reviewed").textContent()).toContain(`已通过：${teamB}`);
      await until(() => cardB.count()).toBe(0);
      await page.getByTestId("entries-tab-approved").click();
      await until(() => page.getByTestId("entry-card").filter({ hasText: tag }).count()).toBe(2);
      expect(await cardA.getByTestId("entry-status").textContent()).toBe("已通过");

      // The rounds editor: a county heat with a two-item rubric, the top one going on.
      await page.getByTestId("contest-tab-rounds").click();
      await page.waitForURL((url) => url.pathname === `/organiser/campaigns/${CAMPAIGN}/rounds`);
      await until(() => page.getByTestId("rounds-empty").isVisible()).toBe(true);
      await page.getByTestId("round-new").click();
      await page.getByTestId("round-name-suggest-first").click();
      expect(await page.getByTestId("round-name").inputValue()).toBe("初赛");
      await page.getByTestId("round-unit").selectOption(COUNTY);
      // Nothing named yet: the form says so beside each field, before sending anything.
      await page.getByTestId("round-submit").click();
      await until(() => page.getByTestId("round-criteria-0-label-error").isVisible()).toBe(true);
      await page.getByTestId("criterion-0-label").fill("舞蹈编排");
      await page.getByTestId("round-add-criterion").click();
      await page.getByTestId("criterion-1-label").fill("精神面貌");
      await page.getByTestId("criterion-1-max").fill("5");
      await page.getByTestId("criterion-1-weight").fill("2");
      await until(() => page.getByTestId("round-total").textContent()).toContain("20");
      expect(await page.getByTestId("round-aggregate-trimmed_mean").isChecked()).toBe(true);
      await page.getByTestId("round-advance").fill("1");
      await shot(page, "contest-04-round-form");
      await page.getByTestId("round-submit").click();
      await page.waitForURL((url) => /\/rounds\/[^/]+$/.test(url.pathname));
      const roundId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
      await until(() => page.getByTestId("round-title").textContent()).toBe("初赛 · 芙蓉区妇联");
      await until(() => page.getByTestId("round-entries-count").textContent()).toContain("2");
      const [rubric] = (await send<{ items: { id: string; rubric: { criteria: { key: string; max: number; weight: number }[] } }[] }>("GET", `/api/admin/campaigns/${CAMPAIGN}/rounds`)).items;
      expect(rubric!.rubric.criteria).toEqual([
        { key: "c1", label: "舞蹈编排", max: 10, weight: 1 },
        { key: "c2", label: "精神面貌", max: 5, weight: 2 },
      ]);

      // Invite the judge by her number.
      await page.getByTestId("judge-phone").fill(JUDGE_PHONE);
      await page.getByTestId("judge-invite").click();
      await until(() => page.getByTestId("judge-invited").textContent()).toContain(`已邀请评委：${JUDGE_NAME}`);
      const judgeRow = page.getByTestId("judge-row").filter({ hasText: JUDGE_NAME });
      await until(() => judgeRow.getByTestId("judge-progress").textContent()).toBe("已打分 0 / 2");

      // Closing before she has scored: what is missing, and the choice to wait.
      await page.getByTestId("round-close").click();
      await page.getByTestId("round-close-yes").click();
      await until(() => page.getByTestId("round-missing").textContent()).toBe(`${JUDGE_NAME}：还有 2 份没打分`);
      expect(await page.getByTestId("round-force").isVisible()).toBe(true);
      await shot(page, "contest-05-incomplete");
      await page.getByTestId("round-force").click();
      expect(await page.getByTestId("round-force-confirm").textContent()).toContain("操作日志");
      await shot(page, "contest-06-force-confirm");
      await page.getByRole("button", { name: "先不结束" }).click();

      // Two more judges, invited through the API, so that a highest and a lowest total can be
      // dropped; one of them recuses from team B (she knows them).
      const others = [randomPhone(), randomPhone()];
      for (const phone of others) await send("POST", `/api/admin/rounds/${roundId}/judges`, { data: { phone } });

      // The judges, on their phones: score (c1 × 1 + c2 × 2), recuse, submit.
      //            team A            team B
      //  李秀英    8, 5 → 18          10, 5 → 20
      //  second    8, 4 → 16          recused
      //  third     6, 4 → 14          6, 3 → 12
      // A: 18 and 14 dropped → 16. B: two totals, nothing to drop → their mean, 16. A shared first place.
      const sheets: [string, Record<string, { c1: number; c2: number } | "recuse">][] = [
        [JUDGE_PHONE, { [a.id]: { c1: 8, c2: 5 }, [b.id]: { c1: 10, c2: 5 } }],
        [others[0]!, { [a.id]: { c1: 8, c2: 4 }, [b.id]: "recuse" }],
        [others[1]!, { [a.id]: { c1: 6, c2: 4 }, [b.id]: { c1: 6, c2: 3 } }],
      ];
      for (const [phone, marks] of sheets) {
        const judgeApi = await request.newContext();
        apis.push(judgeApi);
        const judge = await signedIn(judgeApi, phone);
        const sheet = await judge<{ items: { entryId: string }[] }>("GET", `/api/judge/rounds/${roundId}/entries`);
        expect(sheet.items.map((i) => i.entryId).sort()).toEqual([a.id, b.id].sort());
        for (const [entryId, mark] of Object.entries(marks)) {
          if (mark === "recuse") await judge("POST", `/api/judge/rounds/${roundId}/entries/${entryId}/recuse`, { data: { reason: "这个队的领队是我的亲戚" } });
          else await judge("PUT", `/api/judge/rounds/${roundId}/entries/${entryId}/score`, { data: { criteria: mark } });
        }
        await judge("POST", `/api/judge/rounds/${roundId}/submit`);
      }

      // Back on the organiser's page: their progress, then close for real.
      await page.getByTestId("round-refresh").click();
      await until(() => judgeRow.getByTestId("judge-progress").textContent()).toBe("已打分 2 / 2");
      expect(await judgeRow.getByTestId("judge-submitted").textContent()).toBe("已提交");
      await until(() => page.getByTestId("judge-row").count()).toBe(3);
      const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
      const secondRow = page.getByTestId("judge-row").filter({ hasText: masked(others[0]!) });
      expect(await secondRow.getByTestId("judge-progress").textContent()).toBe("已打分 1 / 2 · 回避 1 份");
      await page.getByTestId("round-close").click();
      await page.getByTestId("round-close-yes").click();

      // The ranking: each judge's total, the dropped ones struck through (and said so to a
      // screen reader), the recusal, the shared first place, and both through: a tie at the cut.
      const rows = page.getByTestId("ranking-row");
      await until(() => rows.count()).toBe(2);
      const rowA = rows.filter({ hasText: teamA });
      const rowB = rows.filter({ hasText: teamB });
      for (const row of [rowA, rowB]) {
        expect(await row.getByTestId("ranking-rank").textContent()).toBe("1 并列");
        expect(await row.getByTestId("ranking-score").textContent()).toContain("16.00");
        expect(await row.getByTestId("ranking-advance").textContent()).toContain("晋级（并列）");
      }
      // One column per judge, in the judges' order: read each cell by its judge.
      const judgeColumns = (await page.getByTestId("ranking-table").locator("thead th.judge-col").allTextContents()).map((t) => t.trim());
      expect(judgeColumns.sort()).toEqual([JUDGE_NAME, masked(others[0]!), masked(others[1]!)].sort());
      const cells = async (row: typeof rowA) => {
        const texts = await row.getByTestId("ranking-judge-total").allTextContents();
        const headers = (await page.getByTestId("ranking-table").locator("thead th.judge-col").allTextContents()).map((t) => t.trim());
        return Object.fromEntries(headers.map((h, i) => [h, texts[i]]));
      };
      expect(await cells(rowA)).toEqual({ [JUDGE_NAME]: "去掉18", [masked(others[0]!)]: "16", [masked(others[1]!)]: "去掉14" });
      expect((await rowA.getByTestId("ranking-dropped").allTextContents()).sort()).toEqual(["14", "18"]);
      // "去掉" is for screen readers only: it takes no room on the screen.
      expect(await rowA.locator(".visually-hidden").first().evaluate((el) => el.getBoundingClientRect().width)).toBeLessThanOrEqual(1);
      expect(await cells(rowB)).toEqual({ [JUDGE_NAME]: "20", [masked(others[0]!)]: "回避", [masked(others[1]!)]: "12" });
      expect(await rowB.getByTestId("ranking-score").textContent()).toContain("平均分");
      expect(await rowA.getByTestId("ranking-score").textContent()).not.toContain("平均分");
      expect(await page.getByTestId("ranking-table").locator("thead").textContent()).toContain(JUDGE_NAME);
      expect(await page.getByTestId("ranking-tie-note").textContent()).toContain("一共晋级 2 个，比名额 1 个多");
      expect(await page.getByTestId("ranking-fell-back-note").isVisible()).toBe(true);
      expect(await page.getByTestId("ranking-dropped-note").isVisible()).toBe(true);
      expect(await page.getByTestId("round-status").first().textContent()).toBe("已结束");
      // The table scrolls in its own box: the page itself never gets wider than the phone.
      const box = page.getByTestId("ranking-scroll");
      expect(await box.evaluate((el) => el.scrollWidth > el.clientWidth), "the table is wider than the phone").toBe(true);
      await until(() => page.getByTestId("ranking-scroll-hint").isVisible()).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await box.scrollIntoViewIfNeeded();
      await shot(page, "contest-07-ranking");
      await box.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
      await page.screenshot({ path: `${artifacts}contest-07b-ranking-scrolled.png` });

      // Publish: the only round is the final; after a confirmation, 公示中 until its end.
      await page.getByTestId("results-publish").click();
      expect(await page.getByTestId("results-publish-confirm").textContent()).toContain("不能撤回");
      await page.getByTestId("results-publish-yes").click();
      await until(() => page.getByTestId("results-published").textContent()).toMatch(/^结果公示中，到 .+ 结束$/);
      const results = await getJson<{ status: string; items: { title: string; rank: number }[] }>(`/api/campaigns/${CAMPAIGN}/results`);
      expect(results.status).toBe("publicity");
      expect(results.items.map((i) => [i.title, i.rank]).sort()).toEqual(
        [
          [teamA, 1],
          [teamB, 1],
        ].sort(),
      );
      await shot(page, "contest-08-published");

      // The rounds list: the round, closed and published. A city round after it holds exactly
      // the teams that went on (both: the tie), and the list shows the county round under it.
      await page.getByTestId("back-to-rounds").click();
      await until(() => page.getByTestId(`round-${roundId}`).textContent()).toContain("结果已公布");
      await page.getByTestId("round-new").click();
      await page.getByTestId("round-name-suggest-second").click();
      await page.getByTestId("round-unit").selectOption("hn.cs");
      await page.getByTestId("criterion-0-label").fill("舞台表现");
      await page.getByTestId(`round-from-${roundId}`).check();
      await page.getByTestId("round-submit").click();
      await page.waitForURL((url) => /\/rounds\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith(roundId));
      await until(() => page.getByTestId("round-title").textContent()).toBe("复赛 · 长沙市妇联");
      await until(() => page.getByTestId("round-entries-count").textContent()).toBe("本轮有 2 份参赛作品");
      await page.getByTestId("back-to-rounds").click();
      const nested = page.locator("li.round-node li.round-node").getByTestId(`round-${roundId}`);
      await until(() => nested.count()).toBe(1);
      await shot(page, "contest-09-rounds");

      // A smaller phone (360 px): the queue, the round form and the ranking still fit across.
      await page.setViewportSize({ width: 360, height: 740 });
      for (const path of [`/organiser/campaigns/${CAMPAIGN}/entries?status=approved`, `/organiser/campaigns/${CAMPAIGN}/rounds/${roundId}`]) {
        await page.goto(`${base}${path}`);
        await until(() => page.locator("h1").count()).toBe(1);
        await until(() => page.locator(".review-card, [data-testid=ranking-row]").count()).toBeGreaterThan(0);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
      }
      await page.goto(`${base}/organiser/campaigns/${CAMPAIGN}/rounds`);
      await page.getByTestId("round-new").click();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await shot(page, "contest-10-round-form-360");
      // A laptop: the same pages, one column in the middle.
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${base}/organiser/campaigns/${CAMPAIGN}/rounds/${roundId}`);
      await until(() => page.getByTestId("ranking-row").count()).toBe(2);
      await page.screenshot({ path: `${artifacts}contest-11-ranking-laptop.png` });

      await organiser.close();
      expect(blocked, "no CSP violation or page error").toEqual([]);
    },
    TIMEOUT,
  );
});
