import { Hono } from "hono";
import * as z from "zod/mini";
import * as Registration from "@jinguo/core/registration";
import type { AppEnv } from "../env.ts";
import { valid, encodeCursor, decodeCursor } from "../validate.ts";
import { doc } from "../openapi.ts";
import { currentOrganiser, requireUser } from "../middleware/auth.ts";
import { listQuery } from "./list-query.ts";

/**
 * The door of a session: the sessions she runs, the running count, look-up by name or phone,
 * and check-in (one ticket, or an offline desk's queue). A session's door is run by the
 * organisers of its unit (`session.orgUnit ?? campaign.orgUnit`) and those above; the domain
 * checks that per session (core registration/door.ts), so any organiser may call these.
 */

const ticketCode = z.string().check(z.minLength(1), z.maxLength(32));

const checkInBody = z
  .object({
    ticketCode: z.optional(ticketCode),
    /** from the desk's look-up: instead of a code */
    registrationId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    /** the desk's session: a ticket of another session is refused (WRONG_SESSION) unless `otherSession` */
    sessionId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    otherSession: z.optional(z.boolean()),
  })
  .check(
    z.superRefine((b, ctx) => {
      // One or the other: a missing one is reported as the code (what a desk usually sends).
      if ((b.ticketCode === undefined) === (b.registrationId === undefined)) {
        ctx.addIssue({ code: "custom", path: ["ticketCode"], message: "FIELD_INVALID", params: { reason: "FIELD_INVALID" } });
      }
    }),
  );

const batchBody = z.object({
  sessionId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  items: z
    .array(
      z.object({
        ticketCode,
        // Any text: a desk's clock may be wrong, and a queue must never be stuck on it. A time that
        // cannot be read, is in the future or is more than 7 days back counts as now.
        scannedAt: z.string().check(z.maxLength(64)),
      }),
    )
    .check(z.minLength(1), z.maxLength(Registration.BATCH_MAX)),
});

const sessionPath = "/campaigns/:id/sessions/:sessionId";

export const door = new Hono<AppEnv>()
  .get(
    "/door/sessions",
    doc({
      summary: "我负责签到的场次",
      summaryEn: "The sessions whose door I run",
      access: "organiser",
      description: "Sessions of her units (and below), soonest first, from 12 hours ago on; `?all=1`: all.",
    }),
    requireUser,
    valid("query", z.object({ all: z.optional(z.enum(["0", "1"])) })),
    async (c) => {
      const user = await currentOrganiser(c);
      const { db, clock } = c.var.deps;
      const items = await Registration.doorSessions(db, clock, user, { all: c.req.valid("query").all === "1" });
      return c.json({ items, cursor: null });
    },
  )
  .get(
    `${sessionPath}/door`,
    doc({
      summary: "一个场次的签到台：已报名和已到人数",
      summaryEn: "One session's door: registered and arrived",
      access: "manager",
      description: "For organisers of the session's unit (its own, else its campaign's) or above.",
    }),
    requireUser,
    async (c) => {
      const user = await currentOrganiser(c);
      const { campaign, session } = await Registration.doorOf(c.var.deps.db, user, c.req.param("id"), c.req.param("sessionId"));
      return c.json(Registration.doorView(campaign, session));
    },
  )
  .get(
    `${sessionPath}/attendees`,
    doc({
      summary: "按姓名或手机尾号找人（已打码）",
      summaryEn: "Look someone up by name or the last 4 digits of her phone (masked)",
      access: "manager",
      description: "For organisers of the session's unit or above. Without `q`: the whole session, confirmed first.",
    }),
    requireUser,
    valid("query", z.extend(listQuery, { q: z.optional(z.string().check(z.maxLength(40))) })),
    async (c) => {
      const user = await currentOrganiser(c);
      const { db } = c.var.deps;
      const { campaign, session } = await Registration.doorOf(db, user, c.req.param("id"), c.req.param("sessionId"));
      const q = c.req.valid("query");
      const page = await Registration.attendees(db, campaign, session, { q: q.q, limit: q.limit, cursor: decodeCursor(q.cursor) });
      return c.json({ items: page.items, cursor: encodeCursor(page.next) });
    },
  )
  .post(
    "/checkins",
    doc({
      summary: "签到（签到码或报名编号）",
      summaryEn: "Check a ticket in (by code or registration id)",
      access: "organiser",
      description: "Her units' sessions only (403 otherwise). With `sessionId`, a ticket of another session is 409 WRONG_SESSION unless `otherSession: true`.",
    }),
    requireUser,
    valid("json", checkInBody),
    async (c) => {
      const user = await currentOrganiser(c);
      const { db, clock } = c.var.deps;
      const { registration, campaign, session, checkedInAt } = await Registration.checkIn(db, clock, user, c.req.valid("json"));
      return c.json({
        registration: {
          ...Registration.organiserView(campaign, registration),
          name: Registration.maskedName(campaign, registration),
          campaignId: campaign.id,
          campaignTitle: campaign.title,
          ...(campaign.titleEn ? { campaignTitleEn: campaign.titleEn } : {}),
          session: Registration.doorSession(campaign, session),
        },
        checkedInAt,
        ...Registration.doorCounts(session),
      });
    },
  )
  .post(
    "/checkins/batch",
    doc({
      summary: "同步离线时扫的票",
      summaryEn: "Sync the tickets an offline desk scanned",
      access: "organiser",
      description:
        "Each code is checked in once, at its first `scannedAt`; answered in the order given. A ticket of another session than `sessionId` is not checked in (`unknown`, WRONG_SESSION).",
    }),
    requireUser,
    valid("json", batchBody),
    async (c) => {
      const user = await currentOrganiser(c);
      const { db, clock } = c.var.deps;
      return c.json({ items: await Registration.checkInBatch(db, clock, user, c.req.valid("json")) });
    },
  );
