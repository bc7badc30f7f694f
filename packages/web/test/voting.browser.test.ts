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
import { describe, it, expect, beforeAll, afterAll, inject } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium, request, type APIRequestContext, type Browser, type BrowserContext, type Page, type Route } from "playwright-core";
import { startPlatform } from "@jinguo/local";

const artifacts = fileURLToPath(new URL("../../../.test-artifacts/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const STORIES = "c-2019-family-stories";
/** The province's organiser (and admin): she runs the story collection. */
const PROVINCE_ADMIN = "13800000000";
const TIMEOUT = 120_000;

/** WeChat's in-app browser on Android (XWEB). */
const WECHAT_ANDROID_UA =
  "Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 " +
  "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";

let platform: { url: string; stop(): Promise<void> } | undefined;
let browser: Browser | undefined;
let base = "";
/** CSP or Permissions-Policy reports and uncaught errors in any page. */
const blocked: string[] = [];
const apis: APIRequestContext[] = [];

const until = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

function randomPhone(): string {
  return `139${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
}

/** A small PNG, made here: a red-to-blue gradient, 64 × 48. */
function png(width = 64, height = 48): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([Math.round((x * 255) / width), 40, Math.round((y * 255) / height)], y * (width * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

/** Someone using the API directly, with her own cookies (the CSRF check wants our Origin). */
async function apiAs(phone: string): Promise<APIRequestContext> {
  const api = await request.newContext({ baseURL: base, extraHTTPHeaders: { origin: base } });
  apis.push(api);
  const otp = await api.post("/api/auth/otp", { data: { phone } });
  expect(otp.status(), await otp.text()).toBe(204);
  const outbox = (await (await api.get(`/api/dev/outbox?phone=${phone}`)).json()) as { items: { code: string }[] };
  const login = await api.post("/api/auth/login", { data: { phone, code: outbox.items[0]?.code } });
  expect(login.status(), await login.text()).toBe(200);
  return api;
}

async function call<T>(api: APIRequestContext, method: "get" | "post", path: string, data?: unknown): Promise<T> {
  const res = method === "get" ? await api.get(path) : await api.post(path, { data: data ?? {} });
  expect(res.ok(), `${method.toUpperCase()} ${path} → ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

async function phoneContext(
  viewport = { width: 390, height: 844 },
  storageState?: Awaited<ReturnType<APIRequestContext["storageState"]>>,
): Promise<BrowserContext> {
  const context = await browser!.newContext({
    viewport,
    ...(storageState ? { storageState } : {}),
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    userAgent: WECHAT_ANDROID_UA,
  });
  context.setDefaultTimeout(15_000);
  context.on("console", (m) => {
    if (/Content[- ]Security[- ]Policy|Permissions[- ]Policy/i.test(m.text())) blocked.push(m.text());
  });
  context.on("weberror", (e) => blocked.push(String(e.error())));
  return context;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });
}

async function signIn(page: Page, phone: string): Promise<void> {
  await page.getByTestId("phone-input").fill(phone);
  await page.getByTestId("otp-send").click();
  await until(async () => (await page.getByTestId("otp-info").textContent()) ?? "").toContain("验证码已发送");
  const res = await fetch(`${base}/api/dev/outbox?phone=${phone}`);
  const code = ((await res.json()) as { items: { code: string }[] }).items[0]?.code;
  expect(code).toMatch(/^\d{6}$/);
  await page.getByTestId("otp-input").fill(code!);
  await page.getByTestId("login-submit").click();
  await page.waitForURL((url) => url.pathname !== "/signin");
}

/** Nothing sticks out sideways (no horizontal scrolling on a phone). */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

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
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    if (process.env.JOURNEY_BASE_URL) {
      base = process.env.JOURNEY_BASE_URL.replace(/\/$/, "");
    } else {
      const dynamoEndpoint = (inject as (key: string) => unknown)("dynamoEndpoint");
      platform = await startPlatform({
        port: 0,
        inMemory: true,
        quiet: true,
        ...(typeof dynamoEndpoint === "string" ? { dynamoEndpoint, tableName: `voting-${randomBytes(4).toString("hex")}` } : {}),
      });
      base = platform.url;
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  }, TIMEOUT);

  afterAll(async () => {
    await Promise.all(apis.map((a) => a.dispose()));
    await browser?.close();
    await platform?.stop();
  }, TIMEOUT);

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
