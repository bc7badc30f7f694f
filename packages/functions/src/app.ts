import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv, Deps } from "./env.ts";
import { onError, problem } from "./errors.ts";
import { csrf, jsonBody, jsonBodyLimit } from "./middleware/guard.ts";
import { session } from "./middleware/auth.ts";
import { auth } from "./routes/auth.ts";
import { me } from "./routes/me.ts";
import { publicReading } from "./routes/public.ts";
import { registrations } from "./routes/registrations.ts";
import { entries } from "./routes/entries.ts";
import { adminEntries } from "./routes/admin-entries.ts";
import { uploads } from "./routes/uploads.ts";
import { admin } from "./routes/admin.ts";
import { door } from "./routes/door.ts";
import { adminRounds } from "./routes/admin-rounds.ts";
import { adminResults } from "./routes/admin-results.ts";
import { judging } from "./routes/judge.ts";
import { results } from "./routes/results.ts";
import { votes } from "./routes/votes.ts";
import { adminVotes } from "./routes/admin-votes.ts";
import { dev } from "./routes/dev.ts";
import { contract, type Mounted } from "./routes/docs.ts";

export type { Deps } from "./env.ts";

/** The whole HTTP API under /api. The same app runs in Lambda and in the local stack. */
export function createApp(deps: Deps) {
  const api = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set("deps", deps);
      await next();
    })
    .use(async (c, next) => {
      // A change may have written notices, even one that then failed (a promotion before her own error).
      try {
        await next();
      } finally {
        if (c.req.method !== "GET" && c.req.method !== "HEAD") c.var.deps.outbox?.kick();
      }
    })
    .use(secureHeaders({ crossOriginResourcePolicy: "same-origin" }))
    .use(async (c, next) => {
      await next();
      // Answers are per person: never cache them in a shared cache.
      if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
    })
    .use(jsonBodyLimit)
    .use(csrf)
    .use(jsonBody)
    .use(session)
    .get("/health", (c) => c.json({ ok: true, stage: deps.stage }))
    // openapi.json and /docs, made from `app` itself on first use, when every route is mounted.
    .route("/", contract((): Mounted => app, deps.stage))
    .route("/auth", auth)
    .route("/me", me)
    .route("/", publicReading)
    .route("/", registrations)
    .route("/", entries)
    .route("/", uploads)
    .route("/admin", admin)
    .route("/admin", door)
    .route("/admin", adminEntries)
    .route("/admin", adminRounds)
    .route("/admin", adminResults)
    .route("/admin", adminVotes)
    .route("/judge", judging)
    .route("/", results)
    .route("/", votes);
  if (deps.stage === "local") api.route("/dev", dev);
  api.all("*", (c) => problem(c, "NOT_FOUND"));
  api.onError(onError);

  const app = new Hono().route("/api", api);
  app.onError(onError);
  return app;
}

export type AppType = ReturnType<typeof createApp>;
