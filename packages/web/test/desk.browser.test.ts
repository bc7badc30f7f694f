/**
 * The check-in desk at the door, in a real browser on a phone (WeChat's user agent, 390 × 844
 * and 360 × 640) against the whole local platform. The 长沙 organiser runs the door of her
 * city's session of the province's 巾帼创业创新公益大讲座: she finds it in 现场签到, checks a woman in
 * by her typed code and another by name, and the count goes up. With the network gone she
 * checks in three tickets (one of which another desk checks in meanwhile, and one typed twice):
 * each is kept on the phone and, back online, the server answers for each. A ticket of another
 * session is stopped in red until she checks it in anyway. axe finds nothing on either page.
 * The camera: Chromium's fake camera shows a ticket's QR, which @zxing/browser reads (Chromium
 * here has no BarcodeDetector, like WeChat's browser); the camera is off once she leaves.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { writeFileSync } from "node:fs";
import { chromium, type APIRequestContext, type BrowserContext, type Page } from "playwright-core";
import QRCode from "qrcode";
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  WECHAT_ANDROID_UA,
  apiAs,
  axeViolations,
  artifacts,
  base,
  blocked,
  call,
  fitsWidth,
  phoneContext,
  randomPhone,
  shot,
  startBrowserKit,
  stopBrowserKit,
  until,
} from "./browser-kit.ts";

const CAMPAIGN = "c-2019-cxcy-lectures";
/** 长沙's session of the province's lecture tour (its own unit: hn.cs). */
const CHANGSHA = "s-cxcy-01";
/** 长沙's own campaign, another day: 岳麓区 (hn.cs.yl), within the 长沙 organiser's units. */
const HEALTH = "c-2019-health-lectures";
const YUELU = "s-health-01";
/** 陈丽华, organiser of 长沙市妇联 (hn.cs). */
const CHANGSHA_ORGANISER = "13800000001";
/** 刘湘云, the province's organiser: the "other desk". */
const PROVINCE_ORGANISER = "13800000000";
const TIMEOUT = 180_000;
const SMALL = { width: 360, height: 640 };

let organiserApi: Promise<APIRequestContext> | undefined;
let provinceApi: Promise<APIRequestContext> | undefined;
/** Each signed in once (a number gets one code a minute). */
const organiser = () => (organiserApi ??= apiAs(CHANGSHA_ORGANISER));
const province = () => (provinceApi ??= apiAs(PROVINCE_ORGANISER));

interface Woman {
  registrationId: string;
  ticketCode: string;
  name: string;
  phone: string;
}

/** A woman registers through the API, as she would from her phone, and gets her ticket's code. */
async function registered(name: string, campaign = CAMPAIGN, sessionId = CHANGSHA): Promise<Woman> {
  const phone = randomPhone();
  const api = await apiAs(phone);
  const answers = campaign === CAMPAIGN ? { name, phone, city: "hn.cs", consent: true } : { name, phone, district: "hn.cs.yl", consent: true };
  const { registration } = await call<{ registration: { id: string; status: string; ticketCode: string } }>(
    api,
    "post",
    `/api/campaigns/${campaign}/registrations`,
    { sessionId, answers },
  );
  expect(registration.status).toBe("confirmed");
  expect(registration.ticketCode).toMatch(/^[1-9]\d{8}$/);
  return { registrationId: registration.id, ticketCode: registration.ticketCode, name, phone };
}

const grouped = (code: string) => `${code.slice(0, 3)} ${code.slice(3, 6)} ${code.slice(6)}`;
const maskedName = (name: string) => `${name[0]}*${name.slice(-1)}`;

/** The desk's phone, signed in as the 长沙 organiser. */
async function deskPhone(viewport = { width: 390, height: 844 }): Promise<BrowserContext> {
  return phoneContext(viewport, await (await organiser()).storageState());
}

const counts = async (page: Page) => ({
  arrived: Number(await page.getByTestId("station-count-arrived").textContent()),
  registered: Number(await page.getByTestId("station-count-registered").textContent()),
});

/**
 * A video file for Chromium's fake camera (YUV4MPEG2, 4:2:0) that shows `text` as a QR code,
 * black on white, in the middle of a 640 × 480 frame.
 */
function qrVideo(path: string, text: string): void {
  const W = 640;
  const H = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const size = qr.modules.size;
  const quiet = 4;
  const scale = Math.floor(Math.min(W, H) / (size + 2 * quiet));
  const left = Math.floor((W - size * scale) / 2);
  const top = Math.floor((H - size * scale) / 2);
  const y = Buffer.alloc(W * H, 235);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!qr.modules.get(row, col)) continue;
      for (let dy = 0; dy < scale; dy++) y.fill(16, (top + row * scale + dy) * W + left + col * scale, (top + row * scale + dy) * W + left + (col + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, chroma]);
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: 10 }, () => frame)]));
}

async function typeCode(page: Page, code: string): Promise<void> {
  await page.getByTestId("checkin-input").fill(code);
  await page.getByTestId("checkin-submit").click();
}

describe("the check-in desk at the door", () => {
  beforeAll(() => startBrowserKit("desk"), TIMEOUT);
  afterAll(stopBrowserKit, TIMEOUT);

  it(
    "a city organiser checks women in at her city's session of a province campaign: by typed code, then by name; the count goes up",
    async () => {
      const first = await registered("王秀英");
      const second = await registered("邓美玲");
      const context = await deskPhone();
      const page = await context.newPage();

      // From 管理, the big 现场签到 button leads to the doors she runs.
      await page.goto(`${base}/organiser`);
      await page.getByTestId("nav-checkin").click();
      await page.waitForURL((url) => url.pathname === "/organiser/door");
      const door = page.getByTestId(`door-session-${CHANGSHA}`);
      await until(() => door.isVisible()).toBe(true);
      expect(await door.textContent()).toContain("巾帼创业创新公益大讲座");
      expect(await door.textContent()).toContain("第1场 · 长沙");
      // Only her units' doors: 株洲's session of the same tour is not hers.
      expect(await page.getByTestId("door-session-s-cxcy-02").count()).toBe(0);
      const listed = Number(await page.getByTestId(`door-count-${CHANGSHA}-registered`).textContent());
      expect(listed).toBeGreaterThanOrEqual(2);
      expect(await fitsWidth(page)).toBe(true);
      expect(await axeViolations(page), "axe on 现场签到").toEqual([]);
      await shot(page, "desk-01-doors");

      await page.getByTestId(`door-open-${CHANGSHA}`).click();
      await page.waitForURL((url) => url.pathname === `/organiser/door/${CAMPAIGN}/${CHANGSHA}`);
      await until(() => page.getByTestId("station-title").textContent()).toBe("第1场 · 长沙");
      await until(() => page.getByTestId("station-count").isVisible()).toBe(true);
      const before = await counts(page);
      expect(before.registered).toBe(listed);
      expect(await axeViolations(page), "axe on the station").toEqual([]);

      // The code as the ticket prints it, in three groups.
      await typeCode(page, grouped(first.ticketCode));
      const result = page.getByTestId("checkin-result");
      await until(() => result.getAttribute("data-state")).toBe("success");
      expect(await result.textContent()).toContain("签到成功");
      expect(await result.textContent()).toContain(maskedName(first.name));
      expect(await page.content(), "her full number is nowhere on the page").not.toContain(first.phone);
      await until(() => counts(page)).toEqual({ arrived: before.arrived + 1, registered: before.registered });
      expect(await page.getByTestId("checkin-input").inputValue(), "the box is empty for the next one").toBe("");
      expect(await fitsWidth(page)).toBe(true);
      expect(await axeViolations(page), "axe with a result").toEqual([]);
      await shot(page, "desk-02-typed");

      // The same code again: amber, with the time.
      await typeCode(page, first.ticketCode);
      await until(() => result.getAttribute("data-state")).toBe("already");
      expect(await result.textContent()).toMatch(/已经签到过了.*签到时间：/);

      // By name: the masked match, one big 签到 button.
      await page.getByTestId("lookup-input").fill(second.name);
      await page.getByTestId("lookup-submit").click();
      const match = page.getByTestId("lookup-result").filter({ hasText: maskedName(second.name) });
      await until(() => match.count()).toBe(1);
      expect(await match.textContent()).toContain(`${second.phone.slice(0, 3)}****${second.phone.slice(-4)}`);
      const button = match.getByTestId("lookup-checkin");
      const box = await button.boundingBox();
      expect(box!.height, "a big tap target").toBeGreaterThanOrEqual(48);
      expect(await axeViolations(page), "axe with the look-up").toEqual([]);
      await button.click();
      await until(() => result.getAttribute("data-state")).toBe("success");
      expect(await result.textContent()).toContain(maskedName(second.name));
      await until(() => match.getByTestId("lookup-checked-in").isVisible()).toBe(true);
      await until(() => counts(page)).toEqual({ arrived: before.arrived + 2, registered: before.registered });

      // By the last four digits of her phone: found, already in.
      await page.getByTestId("lookup-input").fill(first.phone.slice(-4));
      await page.getByTestId("lookup-submit").click();
      await until(() => page.getByTestId("lookup-result").filter({ hasText: maskedName(first.name) }).getByTestId("lookup-checked-in").count()).toBe(1);
      await shot(page, "desk-03-lookup");

      // The list of doors shows the new count too.
      await page.getByTestId("back-to-door").click();
      await page.waitForURL((url) => url.pathname === "/organiser/door");
      await until(() => page.getByTestId(`door-count-${CHANGSHA}-arrived`).textContent()).toBe(String(before.arrived + 2));
      await context.close();
      expect(blocked).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "offline, three tickets (one checked in meanwhile at another desk, one typed twice) are kept on the phone and synced when the network is back",
    async () => {
      const [a, b, c] = [await registered("李春花"), await registered("张桂兰"), await registered("刘小红")];
      const context = await deskPhone(SMALL);
      const page = await context.newPage();
      await page.goto(`${base}/organiser/door/${CAMPAIGN}/${CHANGSHA}`);
      await until(() => page.getByTestId("station-title").textContent()).toBe("第1场 · 长沙");
      await until(() => page.getByTestId("station-count").isVisible()).toBe(true);
      const before = await counts(page);

      await context.setOffline(true);
      await until(() => page.getByTestId("desk-offline").isVisible()).toBe(true);
      const result = page.getByTestId("checkin-result");

      await typeCode(page, grouped(a.ticketCode));
      await until(() => result.getAttribute("data-state")).toBe("queued");
      expect(await result.textContent()).toContain("已记下，联网后自动上传");
      await until(() => page.getByTestId("queue-count").getAttribute("data-count")).toBe("1");

      await typeCode(page, b.ticketCode);
      await until(() => page.getByTestId("queue-count").getAttribute("data-count")).toBe("2");

      // The same ticket typed again (another way): kept once.
      await typeCode(page, `${a.ticketCode.slice(0, 3)}-${a.ticketCode.slice(3)}`);
      await until(() => result.textContent()).toContain("这个签到码已经记下了");
      expect(await page.getByTestId("queue-count").getAttribute("data-count")).toBe("2");

      await typeCode(page, c.ticketCode);
      await until(() => page.getByTestId("queue-count").getAttribute("data-count")).toBe("3");
      expect(await page.getByTestId("queue-count").textContent()).toContain("还有 3 个签到没上传");
      // Kept on the phone: in localStorage, with the time of each first scan.
      const kept = await page.evaluate(
        (key) => JSON.parse(localStorage.getItem(key) ?? "[]") as { ticketCode: string; scannedAt: string }[],
        `jinguo.desk.queue.v1:${CHANGSHA}`,
      );
      expect(kept.map((s) => s.ticketCode)).toEqual([a.ticketCode, b.ticketCode, c.ticketCode]);
      expect(kept.every((s) => !Number.isNaN(Date.parse(s.scannedAt)))).toBe(true);
      expect(await fitsWidth(page)).toBe(true);
      expect(await axeViolations(page), "axe offline with a queue").toEqual([]);
      await shot(page, "desk-04-offline-queue");

      // Meanwhile another desk, online, checks b in.
      await call(await province(), "post", "/api/admin/checkins", { ticketCode: b.ticketCode, sessionId: CHANGSHA });

      await context.setOffline(false);
      const results = page.getByTestId("sync-result");
      await until(() => results.count()).toBe(3);
      expect(await page.locator(`[data-testid="sync-result"][data-code="${a.ticketCode}"]`).getAttribute("data-result")).toBe("checked_in");
      expect(await page.locator(`[data-testid="sync-result"][data-code="${b.ticketCode}"]`).getAttribute("data-result")).toBe("already");
      expect(await page.locator(`[data-testid="sync-result"][data-code="${c.ticketCode}"]`).getAttribute("data-result")).toBe("checked_in");
      const texts = await results.allTextContents();
      expect(texts.filter((t) => t.includes("签到成功"))).toHaveLength(2);
      expect(texts.filter((t) => t.includes("已经签到过了"))).toHaveLength(1);
      expect(texts.join("\n")).toContain(maskedName(a.name));
      await until(() => page.getByTestId("queue").count()).toBe(0);
      await until(() => page.getByTestId("sync-status").textContent()).toBe("已上传 3 个签到");
      expect(await page.evaluate((key) => localStorage.getItem(key), `jinguo.desk.queue.v1:${CHANGSHA}`)).toBeNull();
      // Three more arrived (b by the other desk), each counted once.
      await until(() => counts(page)).toEqual({ arrived: before.arrived + 3, registered: before.registered });
      await until(() => page.getByTestId("desk-offline").count()).toBe(0);

      // The server has each once: checked in at the phone's first scan of it (a's before b's).
      const { items } = await call<{ items: { registrationId: string; checkedInAt?: string }[] }>(
        await organiser(),
        "get",
        `/api/admin/campaigns/${CAMPAIGN}/sessions/${CHANGSHA}/attendees?q=${encodeURIComponent(a.name)}`,
      );
      expect(items.find((i) => i.registrationId === a.registrationId)?.checkedInAt).toBe(kept[0]!.scannedAt);
      expect(await axeViolations(page), "axe with the upload's results").toEqual([]);
      await shot(page, "desk-05-synced");
      await context.close();
      expect(blocked).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "a ticket of another session and day is stopped in red, naming its session, until she checks it in anyway",
    async () => {
      const other = await registered("周玉兰", HEALTH, YUELU);
      const context = await deskPhone(SMALL);
      const page = await context.newPage();
      await page.goto(`${base}/organiser/door/${CAMPAIGN}/${CHANGSHA}`);
      await until(() => page.getByTestId("station-count").isVisible()).toBe(true);
      const before = await counts(page);

      await typeCode(page, other.ticketCode);
      const result = page.getByTestId("checkin-result");
      await until(() => result.getAttribute("data-state")).toBe("wrong-session");
      const text = (await result.textContent()) ?? "";
      expect(text).toContain("不是这个场次的票");
      expect(text).toContain("健康大讲堂 · 健康与美丽同行");
      expect(text).toContain("第1场 · 岳麓区");
      expect(text).toMatch(/时间：(\d+年)?\d+月\d+日 周. 09:30–11:30/);
      expect(text).toContain(maskedName(other.name));
      expect(await fitsWidth(page)).toBe(true);
      expect(await axeViolations(page), "axe on the red warning").toEqual([]);
      await shot(page, "desk-06-wrong-session");

      // Not checked in by the warning: the count of this door stays.
      expect(await counts(page)).toEqual(before);
      await page.getByTestId("checkin-anyway").click();
      await until(() => result.getAttribute("data-state")).toBe("success");
      expect(await result.textContent()).toContain("按另一个场次的票签到");
      // Hers is the other session's seat: this door's count is unchanged.
      await until(() => counts(page)).toEqual(before);
      await shot(page, "desk-07-anyway");

      // A code that is no ticket at all.
      await typeCode(page, "100 000 000");
      await until(() => result.getAttribute("data-state")).toBe("not-found");
      expect(await result.textContent()).toContain("没有这张票");

      // Opened from a ticket's QR (WeChat's 扫一扫): she picks the session, then it is checked in there.
      const woman = await registered("孙丽娟");
      await page.goto(`${base}/organiser/checkin?code=${woman.ticketCode}`);
      await until(() => page.getByTestId("pick-session").textContent()).toContain(grouped(woman.ticketCode));
      expect(await axeViolations(page), "axe on picking a session").toEqual([]);
      await page.getByTestId(`door-open-${CHANGSHA}`).click();
      await page.waitForURL((url) => url.pathname === `/organiser/door/${CAMPAIGN}/${CHANGSHA}`);
      await until(() => result.getAttribute("data-state")).toBe("success");
      expect(await result.textContent()).toContain(maskedName(woman.name));
      expect(new URL(page.url()).searchParams.has("code"), "the used code leaves the address").toBe(false);
      await context.close();
      expect(blocked).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "the camera reads a ticket's QR through @zxing/browser (no BarcodeDetector here) and is off once she leaves",
    async () => {
      const woman = await registered("吴红梅");
      const video = `${artifacts}desk-qr.y4m`;
      qrVideo(video, `${base}/organiser/checkin?code=${woman.ticketCode}`);
      // A browser of its own: the fake camera is chosen when Chromium starts.
      const camera = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [...CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${video}`],
      });
      try {
        const context = await camera.newContext({
          viewport: { width: 390, height: 844 },
          storageState: await (await organiser()).storageState(),
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
          locale: "zh-CN",
          timezoneId: "Asia/Shanghai",
          userAgent: WECHAT_ANDROID_UA,
        });
        context.on("console", (m) => {
          if (/Content[- ]Security[- ]Policy|Permissions[- ]Policy/i.test(m.text())) blocked.push(m.text());
        });
        context.on("weberror", (e) => blocked.push(String(e.error())));
        await context.grantPermissions(["camera"], { origin: base });
        // Every camera stream the page opens, to see that each is stopped.
        await context.addInitScript(() => {
          if (!navigator.mediaDevices) return; // about:blank, before the app's page
          const streams: MediaStream[] = [];
          (window as unknown as { deskStreams: MediaStream[] }).deskStreams = streams;
          const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
          navigator.mediaDevices.getUserMedia = async (constraints) => {
            const stream = await original(constraints);
            streams.push(stream);
            return stream;
          };
        });
        const page = await context.newPage();
        await page.goto(`${base}/organiser/door/${CAMPAIGN}/${CHANGSHA}`);
        await until(() => page.getByTestId("station-count").isVisible()).toBe(true);
        expect(await page.evaluate(() => "BarcodeDetector" in window), "this Chromium has no BarcodeDetector").toBe(false);
        await page.getByTestId("scan-start").click();
        await until(() => page.getByTestId("scan-video").isVisible()).toBe(true);
        const result = page.getByTestId("checkin-result");
        await until(() => result.getAttribute("data-state")).toBe("success");
        expect(await result.textContent()).toContain(maskedName(woman.name));
        const live = () =>
          page.evaluate(() => (window as unknown as { deskStreams: MediaStream[] }).deskStreams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === "live").length);
        expect(await live(), "the camera is on while she scans").toBeGreaterThan(0);
        // The same QR held in front of the camera is one check-in, not a stream of "already".
        await page.waitForTimeout(1500);
        expect(await result.getAttribute("data-state")).toBe("success");
        await shot(page, "desk-08-camera");

        // She leaves the station with the camera on: it goes off.
        await page.getByTestId("back-to-door").click();
        await page.waitForURL((url) => url.pathname === "/organiser/door");
        await until(live).toBe(0);
        await context.close();
      } finally {
        await camera.close();
      }
      expect(blocked).toEqual([]);
    },
    TIMEOUT,
  );
});
