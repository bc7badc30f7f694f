/**
 * What every browser test shares: the whole local platform (or JOURNEY_BASE_URL), Debian's
 * Chromium, a phone with WeChat's in-app browser, screenshots, sign-in through the page or the
 * API. Each test file gets its own copy of this module (vitest isolates files), so the state
 * below — the platform, the browser, the reports of blocked content — belongs to one file.
 *
 * In a file: `beforeAll(() => startBrowserKit("name"))`, `afterAll(stopBrowserKit)`.
 */
import { expect, inject } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { crc32, deflateSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium, request, type APIRequestContext, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startPlatform } from "@jinguo/local";

/** Screenshots go to the repository's .test-artifacts/ (gitignored), to look at after a run. */
export const artifacts = fileURLToPath(new URL("../../../.test-artifacts/", import.meta.url));

/** Debian's Chromium (CHROMIUM_PATH to use another): playwright-core brings no browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Flags for Chromium in a container: --no-sandbox because its sandbox needs user namespaces the
 * container does not give; --disable-gpu as there is no GPU; --disable-background-networking,
 * --disable-component-update and --disable-sync so that it calls no Google service (nothing to
 * reach, and no stray traffic to slow the test or show up in the server's logs); --no-first-run
 * so no first-run page or import dialog gets in the way.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** WeChat's in-app browser on Android (XWEB): where most women open the platform's links. */
export const WECHAT_ANDROID_UA =
  "Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 " +
  "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";

/** A common phone's screen in CSS pixels (390 × 844), the size the pages are designed for. */
export const PHONE_VIEWPORT = { width: 390, height: 844 };

let platform: { url: string; stop(): Promise<void> } | undefined;
let browser: Browser | undefined;

/** The platform's address, set by startBrowserKit (a live binding: read it after beforeAll). */
export let base = "";

/** CSP or Permissions-Policy reports and uncaught errors in any page: a test ends by expecting none. */
export const blocked: string[] = [];

/** Request contexts made for the API, disposed of by stopBrowserKit so none outlives the file. */
export const apis: APIRequestContext[] = [];

/**
 * Starts the platform on a free port — sharing the run's DynamoDB Local (test/global-setup.ts)
 * in a table of its own, named from `tablePrefix` — or uses JOURNEY_BASE_URL, and launches
 * Chromium. The platform serves packages/web/dist, which test/build-web.ts builds when stale.
 */
export async function startBrowserKit(tablePrefix: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  if (process.env.JOURNEY_BASE_URL) {
    base = process.env.JOURNEY_BASE_URL.replace(/\/$/, "");
  } else {
    const dynamoEndpoint = (inject as (key: string) => unknown)("dynamoEndpoint");
    platform = await startPlatform({
      port: 0,
      inMemory: true,
      quiet: true,
      ...(typeof dynamoEndpoint === "string"
        ? { dynamoEndpoint, tableName: `${tablePrefix}-${randomBytes(4).toString("hex")}` }
        : {}),
    });
    base = platform.url;
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Disposes of the API contexts, closes the browser, stops the platform (if it started one). */
export async function stopBrowserKit(): Promise<void> {
  await Promise.all(apis.map((a) => a.dispose()));
  await browser?.close();
  await platform?.stop();
}

/** Waits (up to 15 s) for what the page shows to come right: the pages update after their requests. */
export const until = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

/** A fresh mobile number each time: a number gets one code a minute, and runs must not meet. */
export function randomPhone(): string {
  return `139${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
}

/** A public GET as JSON; anything but 2xx throws with the body, so a failure says why. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${base}${path}`);
  if (!res.ok) throw new Error(`GET ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * A phone in WeChat, in China (zh-CN, Asia/Shanghai), optionally already signed in with an API
 * context's cookies. The local server's Content-Security-Policy must not break the app: any
 * violation or page error is kept in `blocked`.
 */
export async function phoneContext(
  viewport = PHONE_VIEWPORT,
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

/** A full-page screenshot in .test-artifacts/, to look at what the test saw. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });
}

/** Signs in through the page: phone, code from the local stage's dev outbox, sign in. */
export async function signIn(page: Page, phone: string): Promise<void> {
  await page.getByTestId("phone-input").fill(phone);
  await page.getByTestId("otp-send").click();
  await until(async () => (await page.getByTestId("otp-info").textContent()) ?? "").toContain("验证码已发送");
  const outbox = await getJson<{ items: { phone: string; code: string }[] }>(`/api/dev/outbox?phone=${phone}`);
  const code = outbox.items[0]?.code;
  expect(code).toMatch(/^\d{6}$/);
  await page.getByTestId("otp-input").fill(code!);
  await page.getByTestId("login-submit").click();
  await page.waitForURL((url) => url.pathname !== "/signin");
}

/** Someone using the API directly, with her own cookies (the CSRF check wants our Origin). */
export async function apiAs(phone: string): Promise<APIRequestContext> {
  const api = await request.newContext({ baseURL: base, extraHTTPHeaders: { origin: base } });
  apis.push(api);
  const otp = await api.post("/api/auth/otp", { data: { phone } });
  expect(otp.status(), await otp.text()).toBe(204);
  const outbox = (await (await api.get(`/api/dev/outbox?phone=${phone}`)).json()) as { items: { code: string }[] };
  const login = await api.post("/api/auth/login", { data: { phone, code: outbox.items[0]?.code } });
  expect(login.status(), await login.text()).toBe(200);
  return api;
}

/** An API call that must succeed; a failure names the call, its status and the body. */
export async function call<T>(api: APIRequestContext, method: "get" | "post", path: string, data?: unknown): Promise<T> {
  const res = method === "get" ? await api.get(path) : await api.post(path, { data: data ?? {} });
  expect(res.ok(), `${method.toUpperCase()} ${path} → ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/** Nothing sticks out sideways (no horizontal scrolling on a phone). */
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's violations on the page as it is now (its source evaluated: the CSP forbids inline script). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Violation = { id: string; help: string; nodes: { target: unknown[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Violation[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ["violations"] });
    return violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  });
}

export const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** A small real PNG, made here so the test says exactly what it sends: a red-to-blue gradient. */
export function png(width = 64, height = 48): Buffer {
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
