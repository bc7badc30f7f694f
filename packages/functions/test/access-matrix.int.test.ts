import { describe, it, expect, beforeAll } from "vitest";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { createFullApp, type Deps } from "@jinguo/functions";
import { testApi, fixedClock, readResponse, ORIGIN, type TestApi } from "../../../test/harness.ts";
import { routeTable, type Route } from "../src/openapi.ts";
import { pngBytes } from "../../core/test/images.ts";

/**
 * Who may call what, for every route the app has: each route × persona gets a request that
 * passes validation, and the answer is held against the matrix below. A persona not allowed gets
 * 401 (anonymous) or 403/404, in the error shape, and the table is the same after as before; an
 * allowed persona gets a 2xx. The routes come from the app's own route table, so a new route
 * fails here until it has a row.
 */

const PERSONAS = ["anonymous", "participant", "otherParticipant", "judge", "zzOrganiser", "csOrganiser", "admin"] as const;
type Persona = (typeof PERSONAS)[number];

const everyone = PERSONAS;
const signedIn = PERSONAS.filter((p) => p !== "anonymous");
const organisers = ["zzOrganiser", "csOrganiser", "admin"] as const;
/** 长沙's organiser and the admin: who manages what 长沙 (hn.cs) owns; 株洲's organiser does not */
const changshaManagers = ["csOrganiser", "admin"] as const;
/** the fixtures' registrations are the participant's */
const owner = ["participant"] as const;

/** 长沙's campaign (hn.cs) with its sessions s-health-01…03 (seeds/campaigns.ts). */
const HEALTH = "c-2019-health-lectures";

interface Request {
  /** the path with its parameters filled in, and the query */
  path: string;
  body?: unknown;
}

interface Ctx<S> {
  persona: Persona;
  allowed: boolean;
  /** what the row's `setup` made, once for all personas */
  setup: S;
}

interface Row<S = any> {
  allow: readonly Persona[];
  /** Fixtures shared by every persona of the row (refusals change nothing, so they can share). */
  setup?: () => Promise<S>;
  /**
   * What to send, valid enough to pass validation; called for each persona just before it is
   * sent, so a state-changing row gives each allowed persona a fresh fixture. Default: the path.
   */
  request?: (ctx: Ctx<S>) => Request | Promise<Request>;
  /** The request ends the sign-in it is sent with: it is sent with a second sign-in of the persona, after every other row. */
  endsSignIn?: boolean;
}

let api: TestApi;
const clock = fixedClock(new Date());
const clients = {} as Record<Persona, ReturnType<TestApi["client"]>>;
const phones = {} as Record<Persona, string>;
let participantRegistration: { id: string; ticketCode: string };

const future = (days: number) => new Date(clock.now().getTime() + days * 86_400_000).toISOString();
const healthAnswers = (phone: string) => ({ name: "王秀兰", phone, district: "hn.cs.yl", consent: true });

// ---- fixtures, made through the API as the people concerned ----

async function ok<T = any>(res: Promise<{ status: number; json: any; text: string }>): Promise<T> {
  const r = await res;
  if (r.status >= 300) throw new Error(`fixture: ${r.status} ${r.text}`);
  return r.json as T;
}

/** A draft event campaign of 长沙's. */
const newCampaign = async () =>
  (await ok(clients.admin.post("/api/admin/campaigns", { kind: "event", title: "矩阵测试活动", orgUnit: "hn.cs" }))).campaign.id as string;

/** A new session of HEALTH with nobody registered. */
const newSession = async () =>
  (await ok(clients.admin.post(`/api/admin/campaigns/${HEALTH}/sessions`, { title: "矩阵场", startsAt: future(20), venue: "某地", capacity: 10, waitlist: false })))
    .session.id as string;

/** A woman signed in for the first time, registered for a HEALTH session: her ticket. */
async function newTicket(): Promise<string> {
  const woman = api.client();
  const phone = api.newPhone();
  await woman.signIn(phone);
  const res = await ok(woman.post(`/api/campaigns/${HEALTH}/registrations`, { sessionId: "s-health-02", answers: healthAnswers(phone) }));
  return res.registration.ticketCode;
}

/** Another sign-in of the same person (a second device): the persona's own cookie stays live. */
async function secondSignIn(persona: Persona): Promise<string> {
  clock.advance(61_000); // one code a minute per number
  const c = api.client();
  await c.signIn(phones[persona]);
  return cookieOf(c);
}

const cookieOf = (c: ReturnType<TestApi["client"]>) => [...c.jar].map(([k, v]) => `${k}=${v}`).join("; ");

/** A small image as a browser sends it (multipart; `send` passes FormData as it is). */
const photo = () => {
  const form = new FormData();
  form.append("file", new File([pngBytes(8, 8) as Uint8Array<ArrayBuffer>], "photo.png", { type: "image/png" }));
  return form;
};

/** The seeded 乡村广场舞大赛 (hn): its entries of a 长沙 county are reviewed by 长沙's organiser and the admin. */
const CONTEST = "c-2019-square-dance";
const teamAnswers = (phone: string) => ({ teamName: "矩阵舞蹈队", leaderName: "李秀英", leaderPhone: phone, memberCount: 12, county: "hn.cs.yl", description: "矩阵测试", consent: true });

/** A published contest of 长沙's, from the preset (one entry per person: a new campaign gives everyone a place). */
async function newContest(): Promise<string> {
  const id = (await ok(clients.admin.post("/api/admin/campaigns", { kind: "contest", title: "矩阵测试比赛", orgUnit: "hn.cs" }))).campaign.id as string;
  await ok(clients.admin.post(`/api/admin/campaigns/${id}/publish`));
  return id;
}

/** A woman signed in for the first time, her team entered in CONTEST: the entry's id. */
async function newEntry(): Promise<string> {
  const woman = api.client();
  const phone = api.newPhone();
  await woman.signIn(phone);
  return (await ok(woman.post(`/api/campaigns/${CONTEST}/entries`, { answers: teamAnswers(phone) }))).entry.id as string;
}

/** The participant's own entry, in a contest of its own. */
const participantEntry = async () =>
  (await ok(clients.participant.post(`/api/campaigns/${await newContest()}/entries`, { answers: teamAnswers(phones.participant) }))).entry.id as string;

/** A new woman's entry in the contest, approved by the admin: it is in the contest's rounds. */
async function approvedEntry(contest: string): Promise<string> {
  const woman = api.client();
  const phone = api.newPhone();
  await woman.signIn(phone);
  const id = (await ok(woman.post(`/api/campaigns/${contest}/entries`, { answers: teamAnswers(phone) }))).entry.id as string;
  await ok(clients.admin.post(`/api/admin/entries/${id}/approve`));
  return id;
}

/** A judging round of the contest for 长沙 (hn.cs), made by the admin. */
const newRound = async (contest: string) =>
  (
    await ok(
      clients.admin.post(`/api/admin/campaigns/${contest}/rounds`, {
        name: "矩阵评审",
        rubric: { criteria: [{ key: "show", label: "表演", weight: 1, max: 10 }], aggregate: "mean", blind: false },
      }),
    )
  ).round.id as string;

/** A judge invited to the round (a new number unless given): her user id. */
const invite = async (round: string, phone = api.newPhone()) =>
  (await ok(clients.admin.post(`/api/admin/rounds/${round}/judges`, { phone }))).judge.userId as string;

/** A contest of its own whose round the judge persona was invited to, two approved entries in it. */
async function judged() {
  const contest = await newContest();
  const entries = [await approvedEntry(contest), await approvedEntry(contest)] as const;
  const round = await newRound(contest);
  await invite(round, phones.judge);
  return { contest, round, entries };
}

/** A contest with one round, closed (forced: nobody scored), its results ready to publish. */
async function closedContest(): Promise<string> {
  const contest = await newContest();
  const round = await newRound(contest);
  await ok(clients.admin.post(`/api/admin/rounds/${round}/close`, { force: true }));
  return contest;
}

/** A contest of 长沙's in 公示: the judge persona scored its first entry, so that one is in the published list. */
async function inPublicity(): Promise<{ contest: string; entry: string }> {
  const { contest, round, entries } = await judged();
  await ok(clients.judge.put(`/api/judge/rounds/${round}/entries/${entries[0]}/score`, { criteria: { show: 8 } }));
  await ok(clients.admin.post(`/api/admin/rounds/${round}/close`, { force: true }));
  await ok(clients.admin.post(`/api/admin/campaigns/${contest}/results/publish`));
  return { contest, entry: entries[0] };
}

/** A contest of 长沙's whose results were published and whose 公示 was closed by hand: ready to finalise. */
async function publicityEnded(): Promise<string> {
  const contest = await closedContest();
  await ok(clients.admin.post(`/api/admin/campaigns/${contest}/results/publish`));
  await ok(clients.admin.post(`/api/admin/campaigns/${contest}/phase`, { phase: "closed" }));
  return contest;
}

/** A 长沙 story collection (a small form of its own) in its voting phase: one approved story, and its author's vote for it. */
async function votable(): Promise<{ campaign: string; entry: string; vote: string }> {
  const form = {
    fields: [
      { key: "title", label: "故事题目", type: "text", required: true, public: true },
      { key: "phone", label: "手机号", type: "phone", required: true },
      { key: "consent", label: "我同意", type: "consent", required: true },
    ],
  };
  const campaign = (await ok(clients.admin.post("/api/admin/campaigns", { kind: "collection", title: "矩阵投票", orgUnit: "hn.cs", form }))).campaign.id as string;
  await ok(clients.admin.post(`/api/admin/campaigns/${campaign}/publish`));
  const author = api.client();
  const phone = api.newPhone();
  await author.signIn(phone);
  const entry = (await ok(author.post(`/api/campaigns/${campaign}/entries`, { answers: { title: "矩阵家风", phone, consent: true } }))).entry.id as string;
  await ok(clients.admin.post(`/api/admin/entries/${entry}/approve`));
  await ok(clients.admin.post(`/api/admin/campaigns/${campaign}/phase`, { phase: "voting" }));
  const vote = (await ok(author.post(`/api/campaigns/${campaign}/votes`, { entryId: entry }))).vote.id as string;
  return { campaign, entry, vote };
}

// ---- the matrix: "METHOD /path" → who may ----

const matrix: Record<string, Row> = {
  "GET /api/health": { allow: everyone },
  "GET /api/openapi.json": { allow: everyone },
  "GET /api/docs": { allow: everyone },
  "GET /api/docs/style.css": { allow: everyone },

  "POST /api/auth/otp": { allow: everyone, request: () => ({ path: "/api/auth/otp", body: { phone: api.newPhone() } }) },
  "POST /api/auth/login": {
    allow: everyone,
    request: async () => {
      const phone = api.newPhone();
      await ok(api.client().post("/api/auth/otp", { phone }));
      return { path: "/api/auth/login", body: { phone, code: api.sent.get(phone) } };
    },
  },
  "POST /api/auth/logout": { allow: everyone, endsSignIn: true },
  "POST /api/auth/logout-everywhere": { allow: signedIn, endsSignIn: true },

  "GET /api/me": { allow: signedIn },
  "PATCH /api/me": { allow: signedIn, request: () => ({ path: "/api/me", body: { name: "测试者" } }) },
  "GET /api/me/registrations": { allow: signedIn },
  "GET /api/me/notices": { allow: signedIn },

  "GET /api/org-units": { allow: everyone },
  "GET /api/campaigns": { allow: everyone, request: () => ({ path: "/api/campaigns?kind=event" }) },
  "GET /api/campaigns/:id": { allow: everyone, request: () => ({ path: `/api/campaigns/${HEALTH}` }) },

  "POST /api/campaigns/:id/registrations": {
    allow: signedIn,
    request: ({ persona }) => ({
      path: `/api/campaigns/${HEALTH}/registrations`,
      body: { sessionId: "s-health-02", answers: healthAnswers(phones[persona] ?? "13912345678") },
    }),
  },
  "GET /api/registrations/:id": { allow: owner, request: () => ({ path: `/api/registrations/${participantRegistration.id}` }) },
  "GET /api/registrations/:id/ticket": { allow: owner, request: () => ({ path: `/api/registrations/${participantRegistration.id}/ticket` }) },
  "DELETE /api/registrations/:id": {
    allow: owner,
    // Her own registration, made for this row: the others try to cancel it first.
    setup: async () =>
      (await ok(clients.participant.post(`/api/campaigns/${HEALTH}/registrations`, { sessionId: "s-health-03", answers: healthAnswers(phones.participant) })))
        .registration.id as string,
    request: ({ setup }) => ({ path: `/api/registrations/${setup}` }),
  },

  "POST /api/campaigns/:id/entries": {
    allow: signedIn,
    setup: newContest,
    request: ({ persona, setup }) => ({ path: `/api/campaigns/${setup}/entries`, body: { answers: teamAnswers(phones[persona] ?? "13912345678") } }),
  },
  "GET /api/campaigns/:id/entries": { allow: everyone, request: () => ({ path: `/api/campaigns/${CONTEST}/entries` }) },
  "GET /api/entries/:id": {
    // Approved: public, for everyone.
    allow: everyone,
    setup: async () => {
      const id = await newEntry();
      await ok(clients.admin.post(`/api/admin/entries/${id}/approve`));
      return id;
    },
    request: ({ setup }) => ({ path: `/api/entries/${setup}` }),
  },
  "PATCH /api/entries/:id": {
    allow: owner,
    setup: participantEntry,
    request: ({ setup }) => ({ path: `/api/entries/${setup}`, body: { answers: { memberCount: 20 } } }),
  },
  "DELETE /api/entries/:id": { allow: owner, setup: participantEntry, request: ({ setup }) => ({ path: `/api/entries/${setup}` }) },
  "GET /api/me/entries": { allow: signedIn },

  "POST /api/uploads": { allow: signedIn, request: () => ({ path: "/api/uploads", body: photo() }) },
  "GET /api/uploads/:id": {
    // Her photo, not yet public: she and organisers (any unit) see it.
    allow: ["participant", ...organisers],
    setup: async () => (await ok(send("POST", { path: "/api/uploads", body: photo() }, cookieOf(clients.participant)))).upload.id as string,
    request: ({ setup }) => ({ path: `/api/uploads/${setup}` }),
  },
  "GET /api/uploads/config": { allow: everyone },
  // Direct uploads need a store that takes them (the cloud's bucket); this app's is the local
  // one: 404 to everyone signed in. Who may where they exist: direct-uploads.int.test.ts.
  "POST /api/uploads/intents": { allow: [], request: () => ({ path: "/api/uploads/intents", body: { contentType: "image/png", size: 100 } }) },
  "POST /api/uploads/:id/complete": { allow: [], request: () => ({ path: "/api/uploads/up0000000000zz/complete" }) },

  "GET /api/admin/campaigns": { allow: organisers },
  "POST /api/admin/campaigns": {
    allow: changshaManagers,
    request: () => ({ path: "/api/admin/campaigns", body: { kind: "event", title: "矩阵测试活动", orgUnit: "hn.cs" } }),
  },
  "GET /api/admin/campaigns/:id": { allow: changshaManagers, request: () => ({ path: `/api/admin/campaigns/${HEALTH}` }) },
  "PATCH /api/admin/campaigns/:id": {
    allow: changshaManagers,
    request: () => ({ path: `/api/admin/campaigns/${HEALTH}`, body: { description: "改过的说明" } }),
  },
  "POST /api/admin/campaigns/:id/publish": {
    allow: changshaManagers,
    setup: newCampaign,
    request: async ({ allowed, setup }) => ({ path: `/api/admin/campaigns/${allowed ? await newCampaign() : setup}/publish` }),
  },
  "POST /api/admin/campaigns/:id/phase": {
    allow: changshaManagers,
    setup: newCampaign,
    request: async ({ allowed, setup }) => ({ path: `/api/admin/campaigns/${allowed ? await newCampaign() : setup}/phase`, body: { phase: "closed" } }),
  },
  "POST /api/admin/campaigns/:id/sessions": {
    allow: changshaManagers,
    request: () => ({ path: `/api/admin/campaigns/${HEALTH}/sessions`, body: { title: "加场", startsAt: future(30), venue: "某地", capacity: 10, waitlist: false } }),
  },
  "PATCH /api/admin/campaigns/:id/sessions/:sessionId": {
    allow: changshaManagers,
    setup: newSession,
    request: ({ setup }) => ({ path: `/api/admin/campaigns/${HEALTH}/sessions/${setup}`, body: { capacity: 20 } }),
  },
  "DELETE /api/admin/campaigns/:id/sessions/:sessionId": {
    allow: changshaManagers,
    setup: newSession,
    request: async ({ allowed, setup }) => ({ path: `/api/admin/campaigns/${HEALTH}/sessions/${allowed ? await newSession() : setup}` }),
  },
  "GET /api/admin/campaigns/:id/registrations.csv": { allow: changshaManagers, request: () => ({ path: `/api/admin/campaigns/${HEALTH}/registrations.csv` }) },
  "GET /api/admin/campaigns/:id/registrations": { allow: changshaManagers, request: () => ({ path: `/api/admin/campaigns/${HEALTH}/registrations` }) },
  "POST /api/admin/checkins": {
    allow: changshaManagers,
    setup: newTicket,
    request: async ({ allowed, setup }) => ({ path: "/api/admin/checkins", body: { ticketCode: allowed ? await newTicket() : setup } }),
  },
  // The door: the seeded lectures are the province's (hn), their session s-cxcy-01 is 长沙's — 长沙's organiser runs its door.
  "GET /api/admin/door/sessions": { allow: organisers },
  "GET /api/admin/campaigns/:id/sessions/:sessionId/door": { allow: changshaManagers, request: () => ({ path: "/api/admin/campaigns/c-2019-cxcy-lectures/sessions/s-cxcy-01/door" }) },
  "GET /api/admin/campaigns/:id/sessions/:sessionId/attendees": {
    allow: changshaManagers,
    request: () => ({ path: "/api/admin/campaigns/c-2019-cxcy-lectures/sessions/s-cxcy-01/attendees?q=5678" }),
  },
  "POST /api/admin/checkins/batch": {
    // Any organiser syncs her desk's queue; a ticket outside her units comes back refused, item by item (株洲's: FORBIDDEN).
    allow: organisers,
    setup: newTicket,
    request: ({ setup }) => ({ path: "/api/admin/checkins/batch", body: { items: [{ ticketCode: setup, scannedAt: clock.now().toISOString() }] } }),
  },
  // A province-wide contest: every organiser reviews the entries of her own units (株洲's sees none of 长沙's).
  "GET /api/admin/campaigns/:id/entries": { allow: organisers, request: () => ({ path: `/api/admin/campaigns/${CONTEST}/entries?status=submitted` }) },
  "POST /api/admin/entries/:id/approve": {
    allow: changshaManagers,
    setup: newEntry,
    request: async ({ allowed, setup }) => ({ path: `/api/admin/entries/${allowed ? await newEntry() : setup}/approve` }),
  },
  "POST /api/admin/entries/:id/reject": {
    allow: changshaManagers,
    setup: newEntry,
    request: async ({ allowed, setup }) => ({ path: `/api/admin/entries/${allowed ? await newEntry() : setup}/reject`, body: { reason: "材料不全" } }),
  },
  // The seeded 三八红旗手 (hn): every organiser reads the quotas of her own units (株洲's, 株洲's).
  "GET /api/admin/campaigns/:id/quotas": { allow: organisers, request: () => ({ path: "/api/admin/campaigns/c-2019-sanba-honours/quotas" }) },
  "POST /api/admin/entries/:id/request-changes": {
    allow: changshaManagers,
    setup: newEntry,
    request: async ({ allowed, setup }) => ({ path: `/api/admin/entries/${allowed ? await newEntry() : setup}/request-changes`, body: { reason: "请补充队伍介绍" } }),
  },
  "GET /api/admin/audit": { allow: changshaManagers, request: () => ({ path: `/api/admin/audit?campaignId=${HEALTH}` }) },

  // Judging: rounds of 长沙's contests (hn.cs); the judge persona judges where she was invited.
  "POST /api/admin/campaigns/:id/rounds": {
    allow: changshaManagers,
    setup: newContest,
    request: ({ setup }) => ({
      path: `/api/admin/campaigns/${setup}/rounds`,
      body: { name: "初赛", rubric: { criteria: [{ key: "show", label: "表演", weight: 1, max: 10 }], aggregate: "mean", blind: true } },
    }),
  },
  "GET /api/admin/campaigns/:id/rounds": { allow: changshaManagers, setup: newContest, request: ({ setup }) => ({ path: `/api/admin/campaigns/${setup}/rounds` }) },
  "GET /api/admin/rounds/:roundId": { allow: changshaManagers, setup: async () => newRound(await newContest()), request: ({ setup }) => ({ path: `/api/admin/rounds/${setup}` }) },
  "POST /api/admin/rounds/:roundId/judges": {
    allow: changshaManagers,
    setup: async () => newRound(await newContest()),
    request: ({ setup }) => ({ path: `/api/admin/rounds/${setup}/judges`, body: { phone: api.newPhone() } }),
  },
  "GET /api/admin/rounds/:roundId/judges": { allow: changshaManagers, setup: async () => newRound(await newContest()), request: ({ setup }) => ({ path: `/api/admin/rounds/${setup}/judges` }) },
  "DELETE /api/admin/rounds/:roundId/judges/:userId": {
    allow: changshaManagers,
    setup: async () => {
      const round = await newRound(await newContest());
      return { round, judge: await invite(round) };
    },
    request: async ({ setup, allowed }) => ({ path: `/api/admin/rounds/${setup.round}/judges/${allowed ? await invite(setup.round) : setup.judge}` }),
  },
  "GET /api/admin/rounds/:roundId/progress": { allow: changshaManagers, setup: async () => (await judged()).round, request: ({ setup }) => ({ path: `/api/admin/rounds/${setup}/progress` }) },
  "POST /api/admin/rounds/:roundId/close": {
    allow: changshaManagers,
    setup: async () => {
      const contest = await newContest();
      return { contest, round: await newRound(contest) };
    },
    request: async ({ setup, allowed }) => ({ path: `/api/admin/rounds/${allowed ? await newRound(setup.contest) : setup.round}/close`, body: { force: true } }),
  },
  "GET /api/admin/rounds/:roundId/ranking": { allow: changshaManagers, setup: async () => (await judged()).round, request: ({ setup }) => ({ path: `/api/admin/rounds/${setup}/ranking` }) },
  "POST /api/admin/campaigns/:id/results/publish": {
    allow: changshaManagers,
    // Each allowed organiser publishes a contest of its own: publishing twice changes nothing.
    setup: closedContest,
    request: async ({ allowed, setup }) => ({ path: `/api/admin/campaigns/${allowed ? await closedContest() : setup}/results/publish` }),
  },
  "GET /api/campaigns/:id/results": {
    allow: everyone,
    setup: async () => {
      const contest = await closedContest();
      await ok(clients.admin.post(`/api/admin/campaigns/${contest}/results/publish`));
      return contest;
    },
    request: ({ setup }) => ({ path: `/api/campaigns/${setup}/results` }),
  },
  "POST /api/campaigns/:id/objections": {
    // Anyone signed in, once each (well within her 5 a day).
    allow: signedIn,
    setup: inPublicity,
    request: ({ setup }) => ({ path: `/api/campaigns/${setup.contest}/objections`, body: { entryId: setup.entry, text: "请核实这支队伍的人数", contact: "13912345678" } }),
  },
  "GET /api/admin/campaigns/:id/objections": {
    allow: changshaManagers,
    setup: async () => {
      const { contest, entry } = await inPublicity();
      await ok(clients.participant.post(`/api/campaigns/${contest}/objections`, { entryId: entry, text: "有异议" }));
      return contest;
    },
    request: ({ setup }) => ({ path: `/api/admin/campaigns/${setup}/objections` }),
  },
  "POST /api/admin/campaigns/:id/objections/:objectionId/resolve": {
    // Writing it down again replaces it: both allowed organisers resolve the same one.
    allow: changshaManagers,
    setup: async () => {
      const { contest, entry } = await inPublicity();
      const { objection } = await ok(clients.participant.post(`/api/campaigns/${contest}/objections`, { entryId: entry, text: "有异议" }));
      return { contest, objection: objection.id as string };
    },
    request: ({ setup }) => ({ path: `/api/admin/campaigns/${setup.contest}/objections/${setup.objection}/resolve`, body: { resolution: "经核实，维持结果" } }),
  },
  "POST /api/admin/campaigns/:id/results/refresh": {
    allow: changshaManagers,
    setup: async () => (await inPublicity()).contest,
    request: ({ setup }) => ({ path: `/api/admin/campaigns/${setup}/results/refresh` }),
  },
  "POST /api/admin/campaigns/:id/results/finalise": {
    // Each allowed organiser finalises one of her own: a second time is 409.
    allow: changshaManagers,
    setup: publicityEnded,
    request: async ({ allowed, setup }) => ({ path: `/api/admin/campaigns/${allowed ? await publicityEnded() : setup}/results/finalise` }),
  },
  "GET /api/judge/assignments": { allow: signedIn },
  "GET /api/judge/rounds/:roundId/entries": { allow: ["judge"], setup: judged, request: ({ setup }) => ({ path: `/api/judge/rounds/${setup.round}/entries` }) },
  "PUT /api/judge/rounds/:roundId/entries/:entryId/score": {
    allow: ["judge"],
    setup: judged,
    request: ({ setup }) => ({ path: `/api/judge/rounds/${setup.round}/entries/${setup.entries[0]}/score`, body: { criteria: { show: 8.5 }, comment: "整齐" } }),
  },
  "POST /api/judge/rounds/:roundId/entries/:entryId/recuse": {
    allow: ["judge"],
    setup: judged,
    request: ({ setup }) => ({ path: `/api/judge/rounds/${setup.round}/entries/${setup.entries[1]}/recuse`, body: { reason: "是我村的队" } }),
  },
  "POST /api/judge/rounds/:roundId/submit": {
    allow: ["judge"],
    // Everything in the round scored or recused first, as a judge does before she submits.
    setup: async () => {
      const j = await judged();
      await ok(clients.judge.put(`/api/judge/rounds/${j.round}/entries/${j.entries[0]}/score`, { criteria: { show: 7 } }));
      await ok(clients.judge.post(`/api/judge/rounds/${j.round}/entries/${j.entries[1]}/recuse`, { reason: "认识队长" }));
      return j.round;
    },
    request: ({ setup }) => ({ path: `/api/judge/rounds/${setup}/submit` }),
  },

  // Voting: each signed-in persona votes once for the story; the seeded 家风故事 collection (hn) has a leaderboard from the start.
  "POST /api/campaigns/:id/votes": {
    allow: signedIn,
    setup: votable,
    request: ({ setup }) => ({ path: `/api/campaigns/${setup.campaign}/votes`, body: { entryId: setup.entry } }),
  },
  "GET /api/campaigns/:id/leaderboard": { allow: everyone, request: () => ({ path: "/api/campaigns/c-2019-family-stories/leaderboard" }) },
  "GET /api/me/votes": { allow: signedIn, request: () => ({ path: "/api/me/votes?campaignId=c-2019-family-stories" }) },
  "GET /api/admin/campaigns/:id/votes/anomalies": {
    allow: changshaManagers,
    setup: votable,
    request: ({ setup }) => ({ path: `/api/admin/campaigns/${setup.campaign}/votes/anomalies` }),
  },
  "POST /api/admin/campaigns/:id/votes/void": {
    // The first allowed organiser voids the vote; for the second it is already void (200 all the same).
    allow: changshaManagers,
    setup: votable,
    request: ({ setup }) => ({ path: `/api/admin/campaigns/${setup.campaign}/votes/void`, body: { voteIds: [setup.vote], reason: "矩阵测试" } }),
  },

  // Local stage only (mounted there, as here): anyone may read what would have been texted.
  "GET /api/dev/outbox": { allow: everyone, request: () => ({ path: "/api/dev/outbox?phone=13800000000" }) },
  "GET /api/dev/notices": { allow: everyone, request: () => ({ path: "/api/dev/notices?phone=13800000000" }) },
};

// ---- running it ----

/** The app's routes, read before the tests are declared: one test per route. */
const table = routeTable(await createFullApp({ stage: "local" } as Deps));
// Sign-outs go last: what they end, no later row needs.
const ordered = [...table].sort((a, b) => Number(!!matrix[a.key]?.endsSignIn) - Number(!!matrix[b.key]?.endsSignIn));

/** Every item of the table, as text, by key: what "changes nothing" is held against. */
async function snapshot(): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  let start: Record<string, any> | undefined;
  do {
    const page = await api.db.client.send(new ScanCommand({ TableName: api.db.tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const raw of page.Items ?? []) {
      const item = unmarshall(raw);
      items.set(`${item.pk} ${item.sk}`, JSON.stringify(item));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Commands that can write, counted as the app sends them: while none is sent, nothing can have
 * changed, so the table is scanned again only after a write (a refusal that tried one, or a fixture).
 */
let writes = 0;
const READS = /^(Get|BatchGet|Query|Scan|Describe|ListTables)/;
let cached: { at: number; items: Map<string, string> } | undefined;
async function current(): Promise<Map<string, string>> {
  if (!cached || cached.at !== writes) cached = { at: writes, items: await snapshot() };
  return cached.items;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).map((k) => `${before.has(k) ? (after.has(k) ? "changed" : "deleted") : "added"} ${k}`);
}

/** The route a concrete path belongs to, by the route's own pattern. */
const matches = (route: Route, path: string) => {
  const pattern = route.path
    .split(/(:\w+(?:\{[^}]*\})?)/)
    .map((part, i) => (i % 2 ? (part.includes("{") ? `(?:${part.slice(part.indexOf("{") + 1, -1)})` : "[^/]+") : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${pattern}$`).test(path.split("?")[0]!);
};

interface Outcome {
  key: string;
  persona: Persona;
  allowed: boolean;
  status: number;
  text: string;
  json: any;
  /** what the request changed in the table (refused requests only) */
  changed: string[];
}

/** What is wrong with one answer, if anything. */
function judge(o: Outcome): string | undefined {
  const at = `${o.key} as ${o.persona}`;
  const answer = `${o.status} ${o.text.slice(0, 160)}`;
  if (o.status >= 500) return `${at}: ${answer}`;
  if (o.allowed) {
    if (o.status === 401 || o.status === 403) return `${at}: allowed, but refused: ${answer}`;
    if (o.status < 200 || o.status >= 300) return `${at}: allowed, expected a 2xx (is the matrix's request right?): ${answer}`;
    return undefined;
  }
  const refusals = o.persona === "anonymous" ? [401] : [403, 404];
  if (!refusals.includes(o.status)) return `${at}: not allowed, expected ${refusals.join(" or ")}: ${answer}`;
  if (!o.json || JSON.stringify(Object.keys(o.json)) !== '["error"]' || typeof o.json.error?.code !== "string") return `${at}: refusal not in the error shape: ${answer}`;
  if (o.changed.length) return `${at}: refused, yet changed ${o.changed.slice(0, 5).join(", ")}`;
  return undefined;
}

async function send(method: string, { path, body }: Request, cookie: string) {
  const res = await api.app.request(`${ORIGIN}${path}`, {
    method,
    headers: {
      origin: ORIGIN,
      host: "localhost",
      ...(cookie ? { cookie } : {}),
      ...(body !== undefined && !(body instanceof FormData) ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
  });
  // Set-Cookie is not kept: a login or logout here never changes who a persona is.
  return readResponse(res);
}

async function run(route: Route, row: Row): Promise<{ problems: string[]; outcomes: Outcome[] }> {
  const setup = row.setup ? await row.setup() : undefined;
  const problems: string[] = [];
  const outcomes: Outcome[] = [];
  const refusedFirst = [...PERSONAS.filter((p) => !row.allow.includes(p)), ...PERSONAS.filter((p) => row.allow.includes(p))];
  for (const persona of refusedFirst) {
    const allowed = row.allow.includes(persona);
    const request = row.request ? await row.request({ persona, allowed, setup }) : { path: route.path };
    if (!matches(route, request.path)) problems.push(`${route.key}: the matrix sends ${request.path}, which is another route`);
    const cookie = persona === "anonymous" ? cookieOf(clients.anonymous) : row.endsSignIn ? await secondSignIn(persona) : cookieOf(clients[persona]);
    const before = allowed ? undefined : await current();
    const res = await send(route.method, request, cookie);
    const changed = before ? changes(before, await current()) : [];
    const outcome: Outcome = { key: route.key, persona, allowed, status: res.status, text: res.text, json: res.json, changed };
    outcomes.push(outcome);
    const problem = judge(outcome);
    if (problem) problems.push(problem);
  }
  return { problems, outcomes };
}

beforeAll(async () => {
  api = await testApi({ clock });
  api.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!READS.test(String(context.commandName))) writes++;
      return next(args);
    },
    { step: "initialize", name: "countWrites" },
  );
  for (const p of PERSONAS) clients[p] = api.client();
  Object.assign(phones, {
    participant: api.newPhone(),
    otherParticipant: api.newPhone(),
    judge: "13800000003",
    zzOrganiser: "13800000002",
    csOrganiser: "13800000001",
    admin: "13800000000",
  });
  for (const p of signedIn) await clients[p].signIn(phones[p]);
  await clients.anonymous.get("/api/health"); // the csrf cookie, as a browser has it
  participantRegistration = (
    await ok(clients.participant.post(`/api/campaigns/${HEALTH}/registrations`, { sessionId: "s-health-01", answers: healthAnswers(phones.participant) }))
  ).registration;
});

// The controls first: the matrix ends with sign-outs.
describe("negative controls: the matrix catches", () => {
  const outcome = (o: Partial<Outcome>): Outcome => ({ key: "GET /x", persona: "participant", allowed: false, status: 403, text: "", json: { error: { code: "FORBIDDEN" } }, changed: [], ...o });

  it("a refused persona let in, a refusal that changed something, an allowed one refused, a 5xx, a wrong refusal", () => {
    expect(judge(outcome({}))).toBeUndefined();
    expect(judge(outcome({ status: 404 }))).toBeUndefined();
    expect(judge(outcome({ persona: "anonymous", status: 401 }))).toBeUndefined();
    expect(judge(outcome({ allowed: true, status: 201 }))).toBeUndefined();
    expect(judge(outcome({ status: 200 }))).toMatch(/not allowed, expected 403 or 404/);
    expect(judge(outcome({ status: 422 }))).toMatch(/not allowed/);
    expect(judge(outcome({ persona: "anonymous", status: 403 }))).toMatch(/expected 401/);
    expect(judge(outcome({ changed: ["added SESSION#x REG#y"] }))).toMatch(/refused, yet changed added SESSION#x REG#y/);
    expect(judge(outcome({ json: { message: "no" } }))).toMatch(/error shape/);
    expect(judge(outcome({ allowed: true, status: 403 }))).toMatch(/allowed, but refused/);
    expect(judge(outcome({ allowed: true, status: 409 }))).toMatch(/expected a 2xx/);
    expect(judge(outcome({ allowed: true, status: 500 }))).toMatch(/500/);
  });

  it("a route let open to the anonymous that should not be, on the real app, and a change by a refused request", async () => {
    const me = table.find((r) => r.key === "GET /api/me")!;
    const wrong = await run(me, { allow: ["participant"] });
    // Everyone signed in reads her own account: the others are "let in" against this made-up row.
    expect(wrong.problems).toEqual(signedIn.filter((p) => p !== "participant").map((p) => expect.stringMatching(new RegExp(`^GET /api/me as ${p}: not allowed`))));
    const create = table.find((r) => r.key === "POST /api/admin/campaigns")!;
    const made = await run(create, { allow: ["csOrganiser"], request: () => ({ path: "/api/admin/campaigns", body: { kind: "event", title: "对照", orgUnit: "hn.cs" } }) });
    const adminProblem = made.problems.find((p) => p.startsWith("POST /api/admin/campaigns as admin"))!;
    expect(adminProblem).toMatch(/not allowed, expected 403 or 404: 201/);
    // A refusal that did write is reported as a change, not only as the wrong status.
    const admin = made.outcomes.find((o) => o.persona === "admin")!;
    expect(admin.changed.some((c) => c.startsWith("added CAMPAIGN#"))).toBe(true);
  });

  it("a request the matrix sends to another route", async () => {
    const health = table.find((r) => r.key === "GET /api/health")!;
    const { problems } = await run(health, { allow: everyone, request: () => ({ path: "/api/org-units" }) });
    expect(problems).toContain("GET /api/health: the matrix sends /api/org-units, which is another route");
  });
});

describe("the access matrix", () => {
  it("has a row for every route of the app, and none for a route it does not have", () => {
    expect(routeTable(api.app).map((r) => r.key)).toEqual(table.map((r) => r.key));
    const missing = table.filter((r) => !matrix[r.key]).map((r) => `add ${r.key} to the access matrix`);
    const stale = Object.keys(matrix)
      .filter((k) => !table.some((r) => r.key === k))
      .map((k) => `${k} is in the access matrix but not in the app`);
    expect([...missing, ...stale]).toEqual([]);
  });

  it("agrees with what the docs say of each route: public ones are open to all, the others not to the anonymous", () => {
    const problems: string[] = [];
    for (const r of table) {
      const row = matrix[r.key];
      if (!row || !r.doc) continue;
      const open = r.doc.access === "public" || r.doc.access === "local-only";
      if (open && row.allow.length !== PERSONAS.length) problems.push(`${r.key}: documented ${r.doc.access}, matrix allows ${row.allow}`);
      if (!open && row.allow.includes("anonymous")) problems.push(`${r.key}: documented ${r.doc.access}, matrix lets the anonymous in`);
    }
    expect(problems).toEqual([]);
  });

  for (const route of ordered) {
    it(`${route.key}: ${matrix[route.key] ? `allowed ${matrix[route.key]!.allow.join(", ")}` : "(no row)"}`, async () => {
      const row = matrix[route.key];
      if (!row) expect.fail(`add ${route.key} to the access matrix`);
      const { problems } = await run(route, row);
      expect(problems).toEqual([]);
    });
  }
});
