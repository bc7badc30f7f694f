import { Hono } from "hono";
import type { MergeSchemaPath } from "hono/types";
import type { AppEnv, Deps } from "./env.ts";
import { mountApi, type health, type Mounted } from "./api.ts";
import { groupsFor, routeGroups, type GroupName } from "./routes/groups.ts";
import { routeManifest } from "./routes/manifest.ts";
import { once } from "./once.ts";

export type { Deps } from "./env.ts";

/**
 * The whole HTTP API under /api, as it runs in Lambda and in the local stack: a router over
 * routes/manifest.ts that hands each request to the app of the group its route belongs to,
 * made on that group's first request (its module loaded then). A cold start so reads the
 * middleware every request passes and this list, not the code of ~100 routes; a request pays
 * only for its own group. Each group's app is `mountApi` with that one group: the same
 * middleware, the same errors, as the whole API (`createFullApp`) answers.
 */
export function createApp(deps: Deps) {
  const apps = new Map<GroupName | "shell", () => Promise<Hono>>();
  const appOf = (name: GroupName | "shell"): Promise<Hono> => {
    let app = apps.get(name);
    if (!app) {
      const group = routeGroups.find((g) => g.name === name);
      app = once(async () => mountApi(deps, group ? [{ mount: group.mount, app: await group.load() }] : []));
      apps.set(name, app);
    }
    return app();
  };
  const mounted = new Set(groupsFor(deps.stage).map((g) => g.name));
  const app = new Hono();
  for (const [method, path, group] of routeManifest) {
    if (group !== "shell" && !mounted.has(group)) continue;
    app.on(method, path, async (c) => (await appOf(group)).fetch(c.req.raw, c.env));
  }
  // What no route answers (an unknown path, a method a path does not take): the 404 after the same middleware.
  app.all("/api/*", async (c) => (await appOf("shell")).fetch(c.req.raw, c.env));
  return app as unknown as AppType;
}

/** The whole API with every group loaded: what the contract describes and tests read the route table of. */
export async function createFullApp(deps: Deps) {
  const groups: Mounted[] = await Promise.all(groupsFor(deps.stage).map(async (g) => ({ mount: g.mount, app: await g.load() })));
  return mountApi(deps, groups);
}

// The API's type for the web app's typed client: each group's routes under its mount. Types
// only, so the groups' code is not imported here.
type Groups = (typeof routeGroups)[number];
type SchemaOf<G> = G extends { mount: infer M extends string; load: () => Promise<Hono<any, infer S, any>> }
  ? MergeSchemaPath<S, `/api${M extends "/" ? "" : M}`>
  : never;
export type AppType = Hono<AppEnv, SchemaOf<Groups | { mount: "/"; load: () => Promise<typeof health> }>, "/">;
