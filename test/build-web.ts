import { execSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Browser tests drive the built web app, as `npm start` serves it. */
export default function buildWeb() {
  execSync("node packages/local/src/build-web-if-needed.mjs", {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: "inherit",
  });
}
