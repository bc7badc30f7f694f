import type { Hono } from "hono";
import type { AppEnv } from "../env.ts";

/**
 * The API's routes in groups, one module each, in the order they are mounted (the order
 * decides which route answers when two patterns match a path: the first).
 *
 * Each group is loaded with `import()` on the first request for one of its routes, so a cold
 * start reads none of them: the Lambda bundle gives each group a chunk of its own, with the
 * domain code only it uses (infra/bundle.ts). Which group answers which path is written down
 * before any of them loads: routes/manifest.ts, generated from these very modules
 * (`npm run routes`; a test fails when it is out of date).
 */
export const routeGroups = [
  { name: "contract", mount: "/", load: async () => (await import("./docs.ts")).contract },
  { name: "auth", mount: "/auth", load: async () => (await import("./auth.ts")).auth },
  { name: "me", mount: "/me", load: async () => (await import("./me.ts")).me },
  { name: "public", mount: "/", load: async () => (await import("./public.ts")).publicReading },
  { name: "registrations", mount: "/", load: async () => (await import("./registrations.ts")).registrations },
  { name: "entries", mount: "/", load: async () => (await import("./entries.ts")).entries },
  { name: "uploads", mount: "/", load: async () => (await import("./uploads.ts")).uploads },
  { name: "admin", mount: "/admin", load: async () => (await import("./admin.ts")).admin },
  { name: "door", mount: "/admin", load: async () => (await import("./door.ts")).door },
  { name: "admin-entries", mount: "/admin", load: async () => (await import("./admin-entries.ts")).adminEntries },
  { name: "admin-rounds", mount: "/admin", load: async () => (await import("./admin-rounds.ts")).adminRounds },
  { name: "admin-results", mount: "/admin", load: async () => (await import("./admin-results.ts")).adminResults },
  { name: "admin-votes", mount: "/admin", load: async () => (await import("./admin-votes.ts")).adminVotes },
  { name: "judge", mount: "/judge", load: async () => (await import("./judge.ts")).judging },
  { name: "results", mount: "/", load: async () => (await import("./results.ts")).results },
  { name: "votes", mount: "/", load: async () => (await import("./votes.ts")).votes },
  /** the local stage's own routes (the dev outbox, local accounts): never mounted in the cloud */
  { name: "dev", mount: "/dev", load: async () => (await import("./dev.ts")).dev, localOnly: true },
] as const satisfies readonly RouteGroup[];

export interface RouteGroup {
  name: string;
  /** where under /api its routes sit */
  mount: string;
  load: () => Promise<Hono<AppEnv, any, any>>;
  localOnly?: boolean;
}

export type GroupName = (typeof routeGroups)[number]["name"];

/** The groups a stage mounts: the dev routes only locally. */
export const groupsFor = (stage: string): readonly RouteGroup[] => routeGroups.filter((g) => !("localOnly" in g) || stage === "local");
