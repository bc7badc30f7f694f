import { Hono } from "hono";
import { z } from "zod";
import { publicUser, updateProfile } from "@jinguo/core/identity";
import * as Registration from "@jinguo/core/registration";
import { orgUnitIds } from "@jinguo/core/org-units";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { currentUser, requireUser } from "../middleware/auth.ts";
import { valid, encodeCursor, decodeCursor } from "../validate.ts";
import { listQuery } from "./list-query.ts";

export const me = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", async (c) => c.json({ user: publicUser(await currentUser(c)) }))
  .patch(
    "/",
    valid("json", z.object({ name: z.string().trim().min(1).max(20).optional(), orgUnit: z.string().max(40).optional() }).strict()),
    async (c) => {
      const change = c.req.valid("json");
      const { db } = c.var.deps;
      if (change.orgUnit && !(await orgUnitIds(db)).has(change.orgUnit)) fail("VALIDATION", { fields: { orgUnit: "FIELD_ORG_UNIT" } });
      return c.json({ user: publicUser(await updateProfile(db, c.var.userId!, change)) });
    },
  )
  .get("/registrations", valid("query", listQuery), async (c) => {
    const { db } = c.var.deps;
    const { limit, cursor } = c.req.valid("query");
    const page = await Registration.listMine(db, c.var.userId!, limit, decodeCursor(cursor));
    return c.json({ items: page.items, cursor: encodeCursor(page.next) });
  });
