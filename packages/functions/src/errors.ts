import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError, type ErrorCode } from "@jinguo/core/errors";
import { t } from "@jinguo/core/messages";
import { chinaTimeText } from "@jinguo/core/clock";

/** HTTP status for each domain rule; anything not listed is a 400. */
const statusOf: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  BAD_REQUEST: 400,
  VALIDATION: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  OTP_INVALID: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  CAMPAIGN_NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  REGISTRATION_NOT_FOUND: 404,
  TICKET_NOT_FOUND: 404,
  UPLOAD_NOT_FOUND: 404,
  ALREADY_REGISTERED: 409,
  SEATS_FULL: 409,
  PHASE_CLOSED: 409,
  NOT_CANCELLABLE: 409,
  ALREADY_CHECKED_IN: 409,
  NOT_CONFIRMED: 409,
  WRONG_SESSION: 409,
  CAPACITY_BELOW_TAKEN: 409,
  SESSION_HAS_REGISTRATIONS: 409,
  NOT_EVENT: 409,
  IN_PROGRESS: 409,
  SESSION_STARTED: 409,
  CAMPAIGN_CHANGED: 409,
  BUSY: 503,
  SMS_UNAVAILABLE: 503,
  ENTRY_NOT_FOUND: 404,
  ENTRY_LIMIT: 409,
  NOT_EDITABLE: 409,
  NO_ENTRIES: 409,
  NOT_NOMINATOR: 403,
  QUOTA_FULL: 409,
  DUPLICATE_NOMINEE: 409,
  NO_NOMINATIONS: 409,
  ROUND_NOT_FOUND: 404,
  ROUND_LOCKED: 409,
  ROUND_INCOMPLETE: 409,
  ROUND_NOT_READY: 409,
  JUDGE_HAS_SCORES: 409,
  RESULTS_NOT_PUBLISHED: 404,
  NO_ROUNDS: 409,
  PUBLICITY_CLOSED: 409,
  NOT_FINAL_YET: 409,
  ALREADY_FINAL: 409,
  OBJECTIONS_UNRESOLVED: 409,
  OBJECTION_NOT_FOUND: 404,
  ALREADY_VOTED: 409,
  DAILY_LIMIT: 429,
  NO_VOTING: 409,
  SESSION_REQUIRED: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  OTP_TOO_OFTEN: 429,
  OTP_LOCKED: 429,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

const RETRY_AFTER_SECONDS = 1;

/** The one error shape: `{ error: { code, message, details? } }`, message in Chinese. */
export function problem(c: Context, code: ErrorCode, details?: unknown) {
  const params =
    code === "ALREADY_CHECKED_IN" && details && typeof details === "object" && "checkedInAt" in details
      ? { time: chinaTimeText(String((details as { checkedInAt: string }).checkedInAt)) }
      : undefined;
  const res = c.json(
    { error: { code, message: t(code, "zh-CN", params), ...(details !== undefined ? { details } : {}) } },
    statusOf[code] ?? 400,
  );
  // Contention and a repeat still running are worth another try in a moment: say when.
  if (code === "BUSY" || code === "IN_PROGRESS") res.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
  return res;
}

const httpCodes: Record<number, ErrorCode> = {
  400: "BAD_REQUEST",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
};

/** The app's one onError: domain rules and HTTP errors get their shape; anything else is logged, never shown. */
export function onError(err: Error, c: Context) {
  if (err instanceof DomainError) return problem(c, err.code, err.details);
  if (err instanceof HTTPException) return problem(c, httpCodes[err.status] ?? "BAD_REQUEST");
  // No request data in the log line: it may hold personal answers.
  console.error(`[error] ${c.req.method} ${new URL(c.req.url).pathname}: ${err.name}: ${err.message}`);
  return problem(c, "INTERNAL");
}
