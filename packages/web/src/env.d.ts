/// <reference types="vite-plugin-pwa/client" />

/** One table of words in one language, `{ key: text }` (vite.config.ts, messageTables). */
declare module "virtual:messages/*" {
  const texts: Readonly<Record<string, string>>;
  export default texts;
}

/**
 * Every table of words ("shell", "organiser", "pages/Home", …) and, per language, what loads it;
 * and the table of each route's page that has words of its own, by the route's path.
 */
declare module "virtual:message-tables" {
  export const tables: Readonly<Record<string, Readonly<Record<import("@jinguo/core/messages").Locale, () => Promise<{ default: Readonly<Record<string, string>> }>>>>>;
  export const pageTables: Readonly<Record<string, string | undefined>>;
}
