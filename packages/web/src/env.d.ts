/// <reference types="vite-plugin-pwa/client" />

/** One area of the message table in one language, `{ key: text }` (vite.config.ts, messageTables). */
declare module "virtual:messages/*" {
  const texts: Readonly<Record<string, string>>;
  export default texts;
}
