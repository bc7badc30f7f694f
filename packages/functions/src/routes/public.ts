import { Hono } from "hono";
import { z } from "zod";
import * as Campaigns from "@jinguo/core/campaigns";
import { listOrgUnits } from "@jinguo/core/org-units";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { sharedFor } from "../cache.ts";

// Seats left change with every registration: the edge's copy is at most this old.
const CAMPAIGN_SECONDS = 10;
const ORG_UNITS_SECONDS = 300;

const campaignFilter = z.object({
  kind: z.enum(Campaigns.kinds).optional(),
  org: z.string().max(40).optional(),
  phase: z.enum([...Campaigns.phaseNames, "upcoming"]).optional(),
});

export const publicReading = new Hono<AppEnv>()
  .get("/org-units", doc({ summary: "组织单位（市州、区县）", summaryEn: "The tree of org units", access: "public" }), sharedFor(ORG_UNITS_SECONDS), async (c) =>
    c.json({ items: await listOrgUnits(c.var.deps.db) }),
  )
  .get("/campaigns", doc({ summary: "已发布的活动", summaryEn: "Published campaigns", access: "public" }), sharedFor(CAMPAIGN_SECONDS), valid("query", campaignFilter), async (c) => {
    const { db, clock } = c.var.deps;
    const campaigns = await Campaigns.listCampaigns(db, clock, c.req.valid("query"));
    // Lists carry no sessions; a campaign's page has them.
    return c.json({ items: campaigns.map((x) => Campaigns.publicCampaign(x, undefined, clock.now())), cursor: null });
  })
  .get("/campaigns/:id", doc({ summary: "一个活动（含场次）", summaryEn: "One campaign, with its sessions", access: "public" }), sharedFor(CAMPAIGN_SECONDS), async (c) => {
    const { db, clock } = c.var.deps;
    const found = await Campaigns.getCampaignWithSessions(db, c.req.param("id"));
    if (!found || found.campaign.status !== "published") return fail("CAMPAIGN_NOT_FOUND");
    return c.json({ campaign: Campaigns.publicCampaign(found.campaign, found.sessions, clock.now()) });
  });
