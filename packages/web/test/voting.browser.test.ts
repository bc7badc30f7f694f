/**
 * Selections and collections in a real browser, on a phone-sized screen with WeChat's user
 * agent, against the whole local platform: a woman sends a story with a photo to the seeded
 * 优秀家风故事征集 and finds it in 我的作品; then, in the voting phase, a woman opens an entry from
 * the gallery, votes — the count goes up at once and 今天还能投 goes down — and votes for it again,
 * which is refused in plain words with the count put back. The phases and the approvals are
 * set up through the API, as the province's organiser would.
 *
 * Screenshots go to .test-artifacts/ (gitignored). JOURNEY_BASE_URL=http://localhost:3000 runs
 * it against a platform that is already up.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { APIRequestContext, Page, Route } from "playwright-core";
import { apiAs, base, blocked, call, fitsWidth, phoneContext, png, randomPhone, shot, signIn, startBrowserKit, stopBrowserKit, until } from "./browser-kit.ts";

const STORIES = "c-2019-family-stories";
/** The province's organiser (and admin): she runs the story collection. */
const PROVINCE_ADMIN = "13800000000";
const TIMEOUT = 120_000;

let adminApi: Promise<APIRequestContext> | undefined;
/** The province's organiser, signed in once (a number gets one code a minute). */
const provinceAdmin = () => (adminApi ??= apiAs(PROVINCE_ADMIN));

/** A story's answers to the collection's form. */
const storyAnswers = (title: string, author: string, phone: string) => ({
  storyTitle: title,
  authorName: author,
  phone,
  city: "hn.cs",
  story: `${author}家的家训是“勤俭持家，和睦邻里”。奶奶常说：吃饭要吃干净，做人要做干净。`,
  consent: true,
});

/** Holds the vote requests until `release` is called: what the page shows while one is on its way. */
async function holdVotes(page: Page): Promise<{ release: () => void; held: () => number }> {
  const waiting: Route[] = [];
  await page.route(/\/api\/campaigns\/[^/]+\/votes$/, (route) => {
    if (route.request().method() !== "POST") return route.continue();
    waiting.push(route);
  });
  return {
    release: () => {
      for (const r of waiting.splice(0)) void r.continue();
    },
    held: () => waiting.length,
  };
}

describe("selections and collections in a phone browser", () => {
  beforeAll(() => startBrowserKit("voting"), TIMEOUT);
  afterAll(stopBrowserKit, TIMEOUT);

  it(
    "a woman sends her family's story with a photo and sees it in 我的作品, waiting to be checked",
    async () => {
      // The seeds open submission yesterday; opened again here so that the test does not hang on the seed dates.
      await call(await provinceAdmin(), "post", `/api/admin/campaigns/${STORIES}/phase`, { phase: "submission" });

      const phone = randomPhone();
      const context = await phoneContext();
      const page = await context.newPage();
      await page.goto(`${base}/campaigns/${STORIES}`);
      await until(() => page.getByTestId("enter-campaign").textContent()).toBe("我要投稿");
      await page.getByTestId("enter-campaign").click();
      await page.waitForURL((url) => url.pathname === "/signin");
      await signIn(page, phone);
      await page.waitForURL((url) => url.pathname === `/campaigns/${STORIES}` && url.searchParams.get("enter") === "1");
      const form = page.getByTestId("entry-form");
      await until(() => form.isVisible()).toBe(true);

      await page.getByTestId("field-storyTitle").fill("奶奶的一碗饭");
      await page.getByTestId("field-authorName").fill("刘淑芬");
      await page.getByTestId("field-phone").fill(phone);
      await page.getByTestId("field-city").selectOption("hn.cs");
      await page.getByTestId("field-story").fill("奶奶常说：吃饭要吃干净，做人要做干净。这句话我们家传了三代。");
      await page.getByTestId("field-photos").setInputFiles({ name: "family.png", mimeType: "image/png", buffer: png() });
      const photo = page.getByTestId("photo");
      await until(() => photo.getAttribute("data-state")).toBe("done");
      await until(() => photo.getByTestId("photo-preview").evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(64);
      await page.getByTestId("field-consent").check();
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, "voting-01-story-form");

      await page.getByTestId("submit-entry").click();
      await until(() => page.getByTestId("entry-result").textContent()).toContain("报名材料已提交！");
      await page.getByTestId("go-to-my-entries").click();
      await page.waitForURL((url) => url.pathname === "/me/entries");
      const card = page.getByTestId("entry-card").filter({ hasText: "奶奶的一碗饭" });
      await until(() => card.getByTestId("entry-status").textContent()).toBe("已提交，等待审核");
      await shot(page, "voting-02-my-entries");

      await context.close();
      expect(blocked, "no CSP violation or page error").toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "in the voting phase a woman votes for a story: the count goes up at once, a second vote is refused in plain words and rolled back",
    async () => {
      // Two stories sent in and approved while submission is open; then voting opens.
      const admin = await provinceAdmin();
      await call(admin, "post", `/api/admin/campaigns/${STORIES}/phase`, { phase: "submission" });
      const titles = ["外婆的针线筐", "爷爷的三句话"];
      const ids: string[] = [];
      for (const [i, title] of titles.entries()) {
        const phone = randomPhone();
        const author = await apiAs(phone);
        const answers = storyAnswers(title, ["王秀英", "陈桂花"][i]!, phone);
        // The first with a photo: the gallery card shows it.
        if (i === 0) {
          const upload = await author.post("/api/uploads", { multipart: { file: { name: "a.png", mimeType: "image/png", buffer: png() } } });
          expect(upload.status(), await upload.text()).toBe(201);
          Object.assign(answers, { photos: [((await upload.json()) as { upload: { id: string } }).upload.id] });
        }
        const { entry } = await call<{ entry: { id: string } }>(author, "post", `/api/campaigns/${STORIES}/entries`, { answers });
        await call(admin, "post", `/api/admin/entries/${entry.id}/approve`);
        ids.push(entry.id);
      }
      await call(admin, "post", `/api/admin/campaigns/${STORIES}/phase`, { phase: "voting" });

      const context = await phoneContext();
      const page = await context.newPage();
      await page.goto(`${base}/campaigns/${STORIES}`);
      const gallery = page.getByTestId("gallery");
      const storyCard = gallery.getByTestId("gallery-card").filter({ hasText: titles[0]! });
      await until(() => storyCard.count()).toBe(1);
      await until(() => storyCard.locator("img").evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(64);
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, "voting-03-gallery");

      // Signed out: the button is the way to sign in, and back to this entry.
      await storyCard.getByRole("link").click();
      await page.waitForURL((url) => url.pathname === `/entries/${ids[0]}`);
      await until(() => page.getByTestId("entry-title").textContent()).toBe(titles[0]);
      await until(() => page.getByTestId("vote-button").textContent()).toBe("登录后投票");
      await page.getByTestId("vote-button").click();
      await page.waitForURL((url) => url.pathname === "/signin");
      await signIn(page, randomPhone());
      await page.waitForURL((url) => url.pathname === `/entries/${ids[0]}`);

      const count = page.getByTestId("vote-count");
      const left = page.getByTestId("votes-left");
      const button = page.getByTestId("vote-button");
      await until(() => button.textContent()).toBe("投一票");
      await until(() => count.textContent()).toBe("0 票");
      await until(() => left.textContent()).toBe("今天还能投 3 票");
      const box = await button.boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(48);
      expect(box!.width).toBeGreaterThanOrEqual(300);

      // The vote, held on its way: the count is already up.
      const gate = await holdVotes(page);
      await button.click();
      await until(() => gate.held()).toBe(1);
      expect(await count.textContent()).toBe("1 票");
      await shot(page, "voting-04-vote-in-flight");
      gate.release();
      await until(() => page.getByTestId("vote-done").textContent()).toBe("投票成功，谢谢您！");
      await until(() => left.textContent()).toBe("今天还能投 2 票");
      expect(await count.textContent()).toBe("1 票");

      // Again for the same story today: up at once, then back, and why.
      await button.click();
      await until(() => gate.held()).toBe(1);
      expect(await count.textContent()).toBe("2 票");
      gate.release();
      await until(() => page.getByTestId("vote-refused").textContent()).toBe("今天已经给这个作品投过票了，明天可以再投");
      expect(await count.textContent()).toBe("1 票");
      expect(await left.textContent()).toBe("今天还能投 2 票");
      await page.unroute(/\/api\/campaigns\/[^/]+\/votes$/);
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, "voting-05-refused");

      // The leaderboard (a few seconds old at most) counts her vote, once.
      await until(async () => {
        await page.reload();
        return page.getByTestId("board-line").filter({ hasText: titles[0]! }).getByTestId("board-votes").textContent();
      }).toBe("1 票");
      await shot(page, "voting-06-leaderboard");

      await context.close();
      expect(blocked, "no CSP violation or page error").toEqual([]);
    },
    TIMEOUT,
  );
});
