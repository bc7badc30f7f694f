import { Hono } from "hono";
import * as z from "zod/mini";
import * as Campaigns from "@jinguo/core/campaigns";
import { listOrgUnits } from "@jinguo/core/org-units";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { sharedFor } from "../cache.ts";

/**
 * One campaign with its sessions: her browser asks each time (max-age=0, answered by a 304 when
 * nothing changed), because its seats left change with every registration and the woman who has
 * just registered, or cancelled, must see the count move at once. The edge keeps it briefly.
 */
const CAMPAIGN = { browserSeconds: 0, edgeSeconds: 10 };
/**
 * The list has no seats in it: it changes when a campaign is published or a phase opens, and
 * half a minute late is not late for either. Going back to 首页 reuses it without a request.
 */
const CAMPAIGN_LIST = { browserSeconds: 30, edgeSeconds: 10 };
// The tree changes a few times a year (and listOrgUnits rereads it once a minute).
const ORG_UNITS = { browserSeconds: 300, edgeSeconds: 300 };

const campaignFilter = z.object({
  kind: z.optional(z.enum(Campaigns.kinds)),
  org: z.optional(z.string().check(z.maxLength(40))),
  phase: z.optional(z.enum([...Campaigns.phaseNames, "upcoming"])),
});

export const publicReading = new Hono<AppEnv>()
  .get("/org-units", doc({ summary: "组织单位（市州、区县）", summaryEn: "The tree of org units", access: "public" }), sharedFor(ORG_UNITS), async (c) =>
    c.json({ items: await listOrgUnits(c.var.deps.db) }),
  )
  .get("/campaigns", doc({ summary: "已发布的活动", summaryEn: "Published campaigns", access: "public" }), sharedFor(CAMPAIGN_LIST), valid("query", campaignFilter), async (c) => {
    const { db, clock } = c.var.deps;
    const campaigns = await Campaigns.listCampaigns(db, clock, c.req.valid("query"));
    return c.json({ items: campaigns.map((x) => campaignCard(Campaigns.publicCampaign(x, undefined, clock.now()))), cursor: null });
  })
  .get("/campaigns/:id", doc({ summary: "一个活动（含场次）", summaryEn: "One campaign, with its sessions", access: "public" }), sharedFor(CAMPAIGN), async (c) => {
    const { db, clock } = c.var.deps;
    const found = await Campaigns.getCampaignWithSessions(db, c.req.param("id"));
    if (!found || found.campaign.status !== "published") return fail("CAMPAIGN_NOT_FOUND");
    return c.json({ campaign: Campaigns.publicCampaign(found.campaign, found.sessions, clock.now()) });
  });

/**
 * A campaign as its card on 首页 shows it (pages/Home.tsx, components/CampaignCards.tsx): title,
 * unit, kind, phase and until when. Its form, description, sessions and settings are for its own
 * page, which reads them there: a list of ten campaigns would otherwise carry ten forms.
 */
function campaignCard(c: ReturnType<typeof Campaigns.publicCampaign>) {
  return {
    id: c.id,
    kind: c.kind,
    title: c.title,
    ...(c.titleEn ? { titleEn: c.titleEn } : {}),
    orgUnit: c.orgUnit,
    phase: c.phase,
    phases: c.phases,
    intake: c.intake,
  };
}
