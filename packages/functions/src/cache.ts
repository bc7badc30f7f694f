import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env.ts";

/**
 * A public read, the same for everyone: a shared cache (CloudFront in the cloud, whose /api
 * cache policy only follows what the API says: infra/cloud-settings.ts apiCache) may keep a
 * successful answer `seconds`; a browser asks again each time (max-age=0), so the woman who has
 * just registered is never shown her own browser's older copy. An error keeps the app's default
 * (`no-store`), so a campaign published a moment later is not hidden behind a cached 404.
 * The CSRF cookie every response sets stays out of it, or a cache would hand one token to all.
 */
export const sharedFor = (seconds: number) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    c.res.headers.set("cache-control", `public, max-age=0, s-maxage=${seconds}`);
    c.res.headers.delete("set-cookie");
  });
