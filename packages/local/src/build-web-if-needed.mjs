// Builds the web app when its dist is missing or older than its sources (so `npm start`
// works on a fresh clone and stays quick after).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { execSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const web = join(root, "packages/web");
const built = join(web, "dist/index.html");

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "dist") continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(newest(web), newest(join(root, "packages/core/src/messages")));
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log("正在构建网页 building the web app…");
  execSync("npm run build -w @jinguo/web", { cwd: root, stdio: "inherit" });
}
