import { Hono } from "hono";
import * as Judging from "@jinguo/core/judging";
import type { AppEnv } from "../env.ts";
import { doc } from "../openapi.ts";

// Mounted at the API root, beside the other public reading.
export const results = new Hono<AppEnv>().get(
  "/campaigns/:id/results",
  doc({ summary: "公布的结果（公示中或最终）", summaryEn: "Published results (publicity or final); 404 before publication", access: "public" }),
  async (c) => {
    const { db, clock } = c.var.deps;
    return c.json(await Judging.publicResults(db, clock, c.req.param("id")));
  },
);
