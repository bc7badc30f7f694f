import { isIP } from "node:net";

/**
 * Where the local stage's web/API server listens. Loopback by default: the local stage has
 * /api/dev/outbox (every sign-in code), the seeded admin account and the seeded personal data,
 * so nobody else on the network may reach it unless the person starting it asks (HOST).
 */
export const DEFAULT_HOST = "127.0.0.1";

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

const isWildcard = (host: string) => ["0.0.0.0", "::", "[::]", ""].includes(host);

/** The address to open in a browser on this machine (localhost where it answers: cookies are set for it). */
export function browserUrl(host: string, port: number): string {
  if (host === DEFAULT_HOST || host === "localhost" || isWildcard(host)) return `http://localhost:${port}`;
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** What to print when HOST opens the server beyond this machine; undefined on loopback. */
export function exposureWarning(host: string): string | undefined {
  if (isLoopback(host)) return undefined;
  const where = isWildcard(host) ? "所有网络接口 (0.0.0.0)" : host;
  const whereEn = isWildcard(host) ? "every network interface" : host;
  return [
    `⚠ 注意：HOST=${host}，服务器监听在 ${where}，不只是本机。同一网络里的任何人（例如同一个 Wi-Fi）都能打开它：`,
    `  看到 /api/dev/outbox 里的所有验证码、以本地管理员身份登录、查看所有报名的个人信息。`,
    `  只在可信的网络里短时间这样做，用完马上停止；平时不要设置 HOST（默认只有本机能访问）。`,
    `⚠ Warning: HOST=${host} makes the server listen on ${whereEn}, not only on this computer. Anyone on the`,
    `  same network (the same Wi-Fi) can open it: read every sign-in code at /api/dev/outbox, sign in as the`,
    `  local admin and see everyone's personal data. Do this only briefly on a network you trust; leave HOST`,
    `  unset otherwise (the default, ${DEFAULT_HOST}, is reachable from this computer only).`,
  ].join("\n");
}
