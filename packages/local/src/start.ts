/**
 * `npm start`: the whole platform on one port, seeded. PORT (default 3000), HOST (default
 * 127.0.0.1, this machine only) and DATA_DIR (default .data/) come from the environment.
 */
import { startPlatform, StartupError } from "./platform.ts";
import { DEFAULT_HOST, exposureWarning, isLoopback } from "./host.ts";
import { localAccounts } from "../../../seeds/index.ts";

const started = Date.now();
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST || DEFAULT_HOST;
const dataDir = process.env.DATA_DIR ?? ".data";

try {
  const platform = await startPlatform({ port, host, dataDir });
  const { seeded } = platform;
  console.log(`
巾帼活动平台 已启动 (started in ${((Date.now() - started) / 1000).toFixed(1)} s)

  打开 Open:      ${platform.url}
  监听 Listening: ${platform.host}:${platform.port} ${isLoopback(platform.host) ? "(只有本机能访问 / this computer only)" : "(⚠ 网络上的其他设备也能访问 / reachable from the network)"}
  数据 Data:      ${dataDir} ${seeded.campaignsCreated ? `(新建 ${seeded.campaignsCreated} 个活动, ${seeded.sessionsCreated} 个场次)` : "(已有数据，未改动 / existing data kept)"}
  验证码 Codes:   本地不发短信，验证码打印在这里，也可在 ${platform.url}/api/dev/outbox?phone=手机号 查看

  本地账号 Local accounts (sign in with the number, code from the outbox):
${localAccounts.map((a) => `    ${a.phone}  ${a.name}  ${a.roles.map((r) => ("orgUnit" in r ? `${r.role}@${r.orgUnit}` : r.role)).join(", ") || a.note}`).join("\n")}

  按 Ctrl-C 停止 (stops DynamoDB Local too)
`);
  const warning = exposureWarning(host);
  if (warning) console.warn(`${warning}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\n正在停止… stopping");
    await platform.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (err) {
  if (err instanceof StartupError) {
    console.error(`\n无法启动 Cannot start:\n${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
