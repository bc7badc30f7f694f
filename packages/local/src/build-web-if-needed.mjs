// Builds the web app when its dist is missing or older than its sources (so `npm start`
// works on a fresh clone and stays quick after).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { execSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const web = join(root, "packages/web");
// WEB_DIST: build into (and serve from) another folder, so builds side by side do not collide.
const dist = process.env.WEB_DIST ?? join(web, "dist");
const built = join(dist, "index.html");

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
  const outDir = process.env.WEB_DIST ? ` -- --outDir ${JSON.stringify(dist)}` : "";
  execSync(`npm run build -w @jinguo/web${outDir}`, { cwd: root, stdio: "inherit" });
}
