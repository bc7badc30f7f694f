import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import * as Campaigns from "@jinguo/core/campaigns";
import * as Registration from "@jinguo/core/registration";
import * as Audit from "@jinguo/core/audit";
import { formSchema, multiLineText, oneLineText } from "@jinguo/core/forms";
import { covers, listOrgUnits, orgUnitIds } from "@jinguo/core/org-units";
import { organiserScopes, owns, canManage, type User } from "@jinguo/core/identity";
import { fail } from "@jinguo/core/errors";

import type { AppEnv } from "../env.ts";
import { valid, encodeCursor, decodeCursor } from "../validate.ts";
import { doc } from "../openapi.ts";
import { currentOrganiser, mustManage, requireUser } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { listQuery } from "./list-query.ts";
import { registrationsCsv } from "../csv.ts";

const isoTime = z.iso.datetime({ offset: true });
const text = (max: number) => oneLineText(max, { required: true });

const campaignFields = {
  title: text(100),
  titleEn: z.optional(oneLineText(200)),
  description: z.optional(multiLineText(5000)),
  descriptionEn: z.optional(multiLineText(10000)),
  phases: z.optional(z.array(Campaigns.phaseSchema).check(z.minLength(1), z.maxLength(10))),
  form: z.optional(formSchema),
};
/** A new campaign: the fields every kind has, and the settings of its own kind only. */
const campaignOf = <K extends Campaigns.Kind>(kind: K) =>
  z.strictObject({ kind: z.literal(kind), orgUnit: z.string().check(z.maxLength(40)), ...campaignFields, ...Campaigns.settingsByKind[kind] });
const newCampaign = z.discriminatedUnion("kind", [campaignOf("event"), campaignOf("contest"), campaignOf("selection"), campaignOf("collection")]);
const anySettings = Object.assign({}, ...Object.values(Campaigns.settingsByKind)) as typeof Campaigns.settingsByKind.selection &
  typeof Campaigns.settingsByKind.collection &
  typeof Campaigns.settingsByKind.contest;
/** A change: the kind is already set, so settings of another kind are refused once the campaign is read. */
const campaignChange = z.partial(z.strictObject({ ...campaignFields, ...anySettings }));

function refuseForeignSettings(kind: Campaigns.Kind, change: object) {
  const own = Campaigns.settingsByKind[kind];
  const foreign = Object.keys(change).filter((k) => k in anySettings && !(k in own));
  if (foreign.length) fail("VALIDATION", { fields: Object.fromEntries(foreign.map((k) => [k, "FIELD_UNKNOWN"])) });
}

const sessionFields = {
  title: text(100),
  titleEn: z.optional(oneLineText(200)),
  startsAt: isoTime,
  endsAt: z.optional(isoTime),
  venue: text(200),
  orgUnit: z.optional(z.string().check(z.maxLength(40))),
  capacity: z.number().check(z.int(), z.gte(0), z.lte(100_000)),
  waitlist: z.boolean(),
};
const newSession = z.strictObject(sessionFields);
const sessionChange = z.partial(z.strictObject(sessionFields));

/** The campaign, if she may manage it: 404 when it does not exist, 403 when it is another unit's. */
async function managed(c: Context<AppEnv>, id: string) {
  const user = await currentOrganiser(c);
  const found = (await Campaigns.getCampaignWithSessions(c.var.deps.db, id)) ?? fail("CAMPAIGN_NOT_FOUND");
  mustManage(user, found.campaign.orgUnit);
  return { user, ...found };
}

const adminView = (campaign: Campaigns.Campaign, sessions: Campaigns.Session[], now: Date, canEdit = true) => ({
  ...Campaigns.publicCampaign(campaign, sessions, now),
  status: campaign.status,
  createdAt: campaign.createdAt,
  updatedAt: campaign.updatedAt,
  version: campaign.version,
  ...(campaign.sensitiveWords ? { sensitiveWords: campaign.sensitiveWords } : {}),
  /** false where she takes part through her unit (reviews its entries, runs its rounds) but does not manage the campaign */
  canEdit,
});

/**
 * A campaign of a unit above hers in which her unit has a part: a province contest's county
 * teams enter through their county, whose organiser reviews them and runs the county round.
 * She sees it among her campaigns, but its settings stay the owner's.
 */
const takesPart = (user: User, campaign: Campaigns.Campaign) =>
  campaign.status === "published" &&
  Campaigns.hasCapability(campaign, "entries") &&
  organiserScopes(user).some((scope) => scope !== campaign.orgUnit && covers(campaign.orgUnit, scope));

const audit = (c: Context<AppEnv>, user: User, campaignId: string, action: string, target?: string, details?: Record<string, unknown>) =>
  Audit.record(c.var.deps.db, c.var.deps.clock, { campaignId, actorId: user.id, action, target, details });

async function checkOrgUnits(c: Context<AppEnv>, ...units: (string | undefined)[]) {
  const known = await orgUnitIds(c.var.deps.db);
  for (const u of units) if (u !== undefined && !known.has(u)) fail("VALIDATION", { fields: { orgUnit: "FIELD_ORG_UNIT" } });
}

/**
 * Every unit an organiser writes is in her scope, and a session's unit is within its campaign's:
 * a 株洲 organiser cannot put a session of hers under 长沙.
 */
async function checkSessionUnit(c: Context<AppEnv>, user: User, campaign: Campaigns.Campaign, orgUnit: string | undefined) {
  if (orgUnit === undefined) return;
  await checkOrgUnits(c, orgUnit);
  if (!covers(campaign.orgUnit, orgUnit)) fail("VALIDATION", { fields: { orgUnit: "FIELD_ORG_UNIT" } });
  mustManage(user, orgUnit);
}

export const admin = new Hono<AppEnv>()
  .use(requireUser)
  .get("/campaigns", doc({ summary: "我管的活动（含草稿）", summaryEn: "Campaigns I manage, drafts included", access: "organiser" }), async (c) => {
    const user = await currentOrganiser(c);
    const { db, clock } = c.var.deps;
    const all = await Campaigns.listCampaigns(db, clock, { includeDrafts: true });
    const items = all.flatMap((x) =>
      canManage(user, x.orgUnit) ? [adminView(x, [], clock.now())] : takesPart(user, x) ? [adminView(x, [], clock.now(), false)] : [],
    );
    return c.json({ items, cursor: null, scopes: organiserScopes(user) });
  })
  .post("/campaigns", doc({ summary: "新建活动（草稿）", summaryEn: "Create a campaign (a draft)", access: "organiser", status: 201 }), idempotent, valid("json", newCampaign), async (c) => {
    const user = await currentOrganiser(c);
    const input = c.req.valid("json");
    await checkOrgUnits(c, input.orgUnit);
    mustManage(user, input.orgUnit);
    const { db, clock } = c.var.deps;
    const campaign = await Campaigns.createCampaign(db, clock, input);
    await audit(c, user, campaign.id, "campaign.create");
    return c.json({ campaign: adminView(campaign, [], clock.now()) }, 201);
  })
  .get("/campaigns/:id", doc({ summary: "我管的或本单位参与的一个活动", summaryEn: "One campaign I manage or my unit takes part in", access: "manager" }), async (c) => {
    const user = await currentOrganiser(c);
    const found = (await Campaigns.getCampaignWithSessions(c.var.deps.db, c.req.param("id"))) ?? fail("CAMPAIGN_NOT_FOUND");
    const canEdit = canManage(user, found.campaign.orgUnit);
    if (!canEdit && !takesPart(user, found.campaign)) fail("FORBIDDEN");
    return c.json({ campaign: adminView(found.campaign, found.sessions, c.var.deps.clock.now(), canEdit) });
  })
  .patch("/campaigns/:id", doc({ summary: "修改活动", summaryEn: "Change a campaign", access: "manager" }), valid("json", campaignChange), async (c) => {
    const { user, campaign, sessions } = await managed(c, c.req.param("id"));
    const { db, clock } = c.var.deps;
    refuseForeignSettings(campaign.kind, c.req.valid("json"));
    const updated = await Campaigns.updateCampaign(db, clock, campaign.id, c.req.valid("json"), campaign);
    await audit(c, user, campaign.id, "campaign.update", undefined, { fields: Object.keys(c.req.valid("json")) });
    return c.json({ campaign: adminView(updated, sessions, clock.now()) });
  })
  .post("/campaigns/:id/publish", doc({ summary: "发布活动", summaryEn: "Publish a campaign", access: "manager" }), async (c) => {
    const { user, campaign, sessions } = await managed(c, c.req.param("id"));
    const { db, clock } = c.var.deps;
    const updated = await Campaigns.publishCampaign(db, clock, campaign.id);
    await audit(c, user, campaign.id, "campaign.publish");
    return c.json({ campaign: adminView(updated, sessions, clock.now()) });
  })
  .post("/campaigns/:id/phase", doc({ summary: "现在打开某个阶段", summaryEn: "Open a phase now", access: "manager" }), valid("json", z.object({ phase: z.enum(Campaigns.phaseNames) })), async (c) => {
    const { user, campaign, sessions } = await managed(c, c.req.param("id"));
    const { db, clock } = c.var.deps;
    const { phase } = c.req.valid("json");
    const updated = await Campaigns.openPhase(db, clock, campaign.id, phase);
    await audit(c, user, campaign.id, "campaign.phase", phase);
    return c.json({ campaign: adminView(updated, sessions, clock.now()) });
  })
  .post("/campaigns/:id/sessions", doc({ summary: "新增场次", summaryEn: "Add a session", access: "manager", status: 201 }), idempotent, valid("json", newSession), async (c) => {
    const { user, campaign } = await managed(c, c.req.param("id"));
    if (!Campaigns.hasCapability(campaign, "sessions")) fail("NOT_EVENT");
    const input = c.req.valid("json");
    await checkSessionUnit(c, user, campaign, input.orgUnit);
    const session = await Registration.addSession(c.var.deps.db, campaign.id, input);
    await audit(c, user, campaign.id, "session.create", session.id);
    return c.json({ session: Campaigns.publicSession(session) }, 201);
  })
  .patch("/campaigns/:id/sessions/:sessionId", doc({ summary: "修改场次", summaryEn: "Change a session", access: "manager" }), valid("json", sessionChange), async (c) => {
    const { user, campaign, sessions } = await managed(c, c.req.param("id"));
    const sessionId = c.req.param("sessionId");
    if (!sessions.some((s) => s.id === sessionId)) fail("SESSION_NOT_FOUND");
    const change = c.req.valid("json");
    await checkSessionUnit(c, user, campaign, change.orgUnit);
    const { db, clock } = c.var.deps;
    const { session, promoted } = await Registration.updateSession(db, clock, campaign.id, sessionId, change);
    await audit(c, user, campaign.id, "session.update", sessionId, { fields: Object.keys(change), promoted: promoted.length });
    return c.json({ session: Campaigns.publicSession(session) });
  })
  .delete("/campaigns/:id/sessions/:sessionId", doc({ summary: "删除没人报名的场次", summaryEn: "Delete a session nobody registered for", access: "manager", status: 204 }), async (c) => {
    const { user, campaign, sessions } = await managed(c, c.req.param("id"));
    const sessionId = c.req.param("sessionId");
    if (!sessions.some((s) => s.id === sessionId)) fail("SESSION_NOT_FOUND");
    await Registration.deleteSession(c.var.deps.db, campaign.id, sessionId);
    await audit(c, user, campaign.id, "session.delete", sessionId);
    return c.body(null, 204);
  })
  .get("/campaigns/:id/registrations.csv", doc({ summary: "导出报名表（已打码；?full=1 仅本单位）", summaryEn: "Registrations as CSV (masked; ?full=1 owning unit only)", access: "manager" }), valid("query", z.object({ full: z.optional(z.enum(["0", "1"])) })), async (c) => {
    const { user, campaign, sessions } = await managed(c, c.req.param("id"));
    const full = c.req.valid("query").full === "1";
    // Unmasked personal data only for the unit that owns the campaign, and always audit-logged.
    if (full && !owns(user, campaign.orgUnit)) fail("FORBIDDEN");
    const all: Registration.Registration[] = [];
    let cursor: Registration.CampaignListCursor | undefined;
    do {
      const page = await Registration.listForCampaign(c.var.deps.db, sessions, { limit: 100, cursor });
      all.push(...page.items);
      cursor = page.next;
    } while (cursor);
    if (full) await audit(c, user, campaign.id, "registrations.export_full", undefined, { rows: all.length });
    const csv = registrationsCsv(campaign, sessions, all, full, await listOrgUnits(c.var.deps.db));
    return c.body(csv, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="registrations-${campaign.id}.csv"`,
      "cache-control": "no-store",
    });
  })
  .get(
    "/campaigns/:id/registrations",
    doc({ summary: "报名名单（已打码）", summaryEn: "Registrations, masked", access: "manager" }),
    valid("query", z.extend(listQuery, { sessionId: z.optional(z.string().check(z.maxLength(64))) })),
    async (c) => {
      const { campaign, sessions } = await managed(c, c.req.param("id"));
      const q = c.req.valid("query");
      const page = await Registration.listForCampaign(c.var.deps.db, sessions, {
        limit: q.limit,
        cursor: decodeCursor(q.cursor),
        sessionId: q.sessionId,
      });
      return c.json({ items: page.items.map((r) => Registration.organiserView(campaign, r)), cursor: encodeCursor(page.next) });
    },
  )
  .get("/audit", doc({ summary: "操作日志", summaryEn: "A campaign's audit log", access: "manager" }), valid("query", z.extend(listQuery, { campaignId: z.string().check(z.maxLength(64)) })), async (c) => {
    const q = c.req.valid("query");
    await managed(c, q.campaignId);
    const page = await Audit.list(c.var.deps.db, q.campaignId, q.limit, decodeCursor(q.cursor));
    return c.json({ items: page.items, cursor: encodeCursor(page.next) });
  });

