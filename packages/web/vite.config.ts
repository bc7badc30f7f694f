import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";

const coreSrc = fileURLToPath(new URL("../core/src/", import.meta.url));

/**
 * The browser may only use the message table from core. Anything that reaches for
 * DynamoDB (or the rest of the domain) would drag the AWS SDK into the bundle, so the
 * build fails loudly instead.
 */
function browserSafeCore(): Plugin {
  const allowed = [`${coreSrc}messages/`];
  return {
    name: "jinguo:browser-safe-core",
    enforce: "pre",
    load(id) {
      const file = id.split("?")[0] ?? id;
      if (file.includes("/node_modules/@aws-sdk/") || file.includes("/node_modules/@smithy/")) {
        this.error(`The web app must not bundle the AWS SDK (${file}). Import only @jinguo/core/messages.`);
      }
      if (file.startsWith(coreSrc) && !allowed.some((dir) => file.startsWith(dir))) {
        this.error(`The web app may import only @jinguo/core/messages from core, not ${file}. Use \`import type\` for types.`);
      }
      return null;
    },
  };
}

export default defineConfig({
  plugins: [browserSafeCore(), solid()],
  resolve: {
    // core is TypeScript source (package exports `./*` → `./src/*/index.ts`); point the one
    // subpath the browser uses straight at it so it is compiled like our own code.
    alias: [{ find: /^@jinguo\/core\/messages$/, replacement: `${coreSrc}messages/index.ts` }],
  },
  server: {
    port: 5173,
    proxy: { "/api": { target: "http://localhost:3000", changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
  },
});
