import { Hono } from "hono";
import * as z from "zod/mini";
import * as Registration from "@jinguo/core/registration";
import { answersSchema } from "@jinguo/core/forms";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { requireUser } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { requestOrigin } from "../middleware/guard.ts";

const registrationBody = z.object({
  sessionId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  answers: z._default(answersSchema, {}),
});

// Mounted at the API root, so the sign-in check goes on each route, not on "*" (that would
// answer 401 for every unknown path after this point).
export const registrations = new Hono<AppEnv>()
  .post("/campaigns/:id/registrations", doc({ summary: "报名一个场次（满了可以候补）", summaryEn: "Register for a session (or join its waitlist)", access: "signed-in", status: 201 }), requireUser, idempotent, valid("json", registrationBody), async (c) => {
    const { db, clock } = c.var.deps;
    const body = c.req.valid("json");
    const { registration, position } = await Registration.register(db, clock, {
      campaignId: c.req.param("id"),
      sessionId: body.sessionId,
      userId: c.var.userId!,
      answers: body.answers,
      requestKey: c.var.idempotencyKey,
    });
    return c.json({ registration: { ...Registration.ownView(registration), ...(position ? { position } : {}) } }, 201);
  })
  .delete("/registrations/:id", doc({ summary: "取消我的报名", summaryEn: "Cancel my registration", access: "owner" }), requireUser, async (c) => {
    const { db, clock } = c.var.deps;
    const { registration } = await Registration.cancel(db, clock, c.req.param("id"), c.var.userId!);
    return c.json({ registration: Registration.ownView(registration) });
  })
  .get("/registrations/:id", doc({ summary: "我的一条报名", summaryEn: "One of my registrations", access: "owner" }), requireUser, async (c) => {
    const registration = await Registration.findOwnRegistration(c.var.deps.db, c.req.param("id"), c.var.userId!);
    return c.json({ registration: Registration.ownView(registration) });
  })
  .get("/registrations/:id/ticket", doc({ summary: "我的电子票（签到码、二维码、场次和打码的姓名）", summaryEn: "My ticket: check-in code, QR, session and masked name", access: "owner" }), requireUser, async (c) => {
    // The QR opens the organisers' check-in desk with the code filled in, so a phone's own
    // scanner (WeChat 扫一扫) is enough at the door.
    const origin = c.var.deps.publicUrl ?? requestOrigin(c.req.url, c.req.header("host"), c.req.header("x-forwarded-proto"));
    return c.json(await Registration.ticket(c.var.deps.db, c.req.param("id"), c.var.userId!, `${origin}/organiser/checkin`));
  });
