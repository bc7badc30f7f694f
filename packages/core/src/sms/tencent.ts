import { createHash, createHmac } from "node:crypto";
import { systemClock, type Clock } from "../clock/index.ts";
import { isMobilePhone } from "../forms/personal.ts";
import type { SmsSender } from "./index.ts";
import { tencentSmsApi, type TencentSmsSettings, type TencentTemplateKind } from "./tencent-settings.ts";

/**
 * Tencent Cloud SMS (API 3.0, `SendSms`, version 2021-01-11) over plain `fetch`, signed with
 * TC3-HMAC-SHA256 as Tencent documents it ("Signature v3", e.g.
 * https://www.tencentcloud.com/document/product/382/40467). No SDK: the whole client is the
 * signature below and one POST, which keeps the Lambda bundle small.
 *
 * In mainland China every text goes out through a template approved in the SMS console, under
 * an approved sign name (签名); we send only the template's id and its parameters. The
 * templates to apply for, with their parameters in this order (the wording is a suggestion;
 * the number and order of the {n} are what the code relies on):
 *
 * - otp:               您的登录验证码是{1}，5分钟内有效。如非本人操作，请忽略本短信。
 * - waitlist_promoted: 您候补的“{1} {2}”已为您确认座位，{3}开始。电子票：https://<site>/me/tickets/{4}
 * - session_reminder:  提醒：您报名的“{1} {2}”{3}开始，地点：{4}。电子票：https://<site>/me/tickets/{5}
 * - results_published: （the results notice: its parameters are fixed when that notice is built）
 *
 * The site's address is written into an approved template, not passed as a parameter: the
 * console does not approve a link in a variable, so the variable is the ticket's registration id
 * only. An organisation's account (企业/机关认证) has no length limit on one variable; a personal
 * account's 12-character limit would cut titles (and the registration id).
 */

/** What is signed must be exactly what is sent: this one content type, charset included. */
const CONTENT_TYPE = "application/json; charset=utf-8";
const ALGORITHM = "TC3-HMAC-SHA256";

export interface TencentSmsOptions {
  fetch?: typeof fetch;
  clock?: Clock;
  /** a send that takes longer is given up (and retried by whoever called) */
  timeoutMs?: number;
}

/** What TC3-HMAC-SHA256 covers, and the key that signs it. */
export interface Tc3Input {
  secretId: string;
  secretKey: string;
  /** the product, as in the host's first label: "sms" */
  service: string;
  host: string;
  /** the headers signed besides host (content-type at least), with the values as sent */
  headers: Record<string, string>;
  /** the body, byte for byte as sent */
  payload: string;
  /** epoch seconds, the same as sent in X-TC-Timestamp */
  timestamp: number;
}

const sha256Hex = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/**
 * The TC3-HMAC-SHA256 signature of a POST to "/", step by step as documented: the canonical
 * request, the string to sign, the key derived through date, service and "tc3_request", and
 * the Authorization header. The steps are returned too, so a test can check each one against
 * the documentation's example.
 */
export function tc3Sign(input: Tc3Input) {
  const headers = Object.entries({ ...input.headers, host: input.host })
    .map(([k, v]) => [k.trim().toLowerCase(), v.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = headers.map(([k, v]) => `${k}:${v}\n`).join("");
  const signedHeaders = headers.map(([k]) => k).join(";");
  const hashedPayload = sha256Hex(input.payload);
  const canonicalRequest = ["POST", "/", "", canonicalHeaders, signedHeaders, hashedPayload].join("\n");
  // The date of the timestamp in UTC, whatever the clock's zone: at 00:30 in Beijing it is still yesterday.
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${input.service}/tc3_request`;
  const hashedCanonicalRequest = sha256Hex(canonicalRequest);
  const stringToSign = [ALGORITHM, String(input.timestamp), scope, hashedCanonicalRequest].join("\n");
  const signingKey = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), "tc3_request");
  const signature = createHmac("sha256", signingKey).update(stringToSign, "utf8").digest("hex");
  const authorization = `${ALGORITHM} Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { hashedPayload, canonicalRequest, hashedCanonicalRequest, stringToSign, signature, authorization };
}

/**
 * Why a text did not go out, by what the caller can do about it: wait (throttled), fix the
 * settings (auth), try again later (unavailable), or not send this one (refused). The name is
 * the kind, so a log that keeps only `error.name` still says which. The message carries the
 * provider's code and request id, never the number.
 */
export type SmsFailure = "SmsThrottled" | "SmsAuthFailed" | "SmsUnavailable" | "SmsRefused";

export class SmsError extends Error {
  constructor(
    readonly kind: SmsFailure,
    message: string,
    /** the provider's code (e.g. LimitExceeded.PhoneNumberThirtySecondLimit), or ours */
    readonly code: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = kind;
  }
}

function failureOf(code: string): SmsFailure {
  if (code.startsWith("LimitExceeded") || code.startsWith("RequestLimitExceeded")) return "SmsThrottled";
  if (code.startsWith("AuthFailure") || code.startsWith("UnauthorizedOperation")) return "SmsAuthFailed";
  if (code.startsWith("InternalError") || code.startsWith("ResourceUnavailable")) return "SmsUnavailable";
  return "SmsRefused";
}

/** The provider's own words may quote the number (or our app id): every long run of digits goes. */
const scrub = (text: unknown) =>
  String(text ?? "")
    .replace(/\+?\d[\d\s-]{5,}\d/g, "…")
    .slice(0, 200);

const refusal = (where: string, code: string, message: unknown, requestId?: string) =>
  new SmsError(failureOf(code), `Tencent Cloud SMS ${where}: ${code}${message ? ` (${scrub(message)})` : ""}${requestId ? ` [request ${requestId}]` : ""}`, code, requestId);

/** A mainland mobile number as the provider wants it (E.164): 13812345678 → +8613812345678. */
export function toE164(phone: string): string {
  if (isMobilePhone(phone)) return `+86${phone}`;
  if (phone.startsWith("+86") && isMobilePhone(phone.slice(3))) return phone;
  throw new SmsError("SmsRefused", "Tencent Cloud SMS: not a mainland China mobile number", "InvalidPhoneNumber");
}

interface SendSmsAnswer {
  Response?: {
    Error?: { Code?: string; Message?: string };
    SendStatusSet?: { Code?: string; Message?: string; PhoneNumber?: string; SerialNo?: string }[];
    RequestId?: string;
  };
}

/** The SMS sender of the cloud stages: one signed `SendSms` per text, to one number. */
export function tencentSms(settings: TencentSmsSettings, options: TencentSmsOptions = {}): SmsSender {
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function send(phone: string, kind: TencentTemplateKind, params: string[]): Promise<void> {
    const body = JSON.stringify({
      PhoneNumberSet: [toE164(phone)],
      SmsSdkAppId: settings.sdkAppId,
      SignName: settings.signName,
      TemplateId: settings.templates[kind],
      TemplateParamSet: params,
    });
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    const { authorization } = tc3Sign({
      secretId: settings.secretId,
      secretKey: settings.secretKey,
      service: tencentSmsApi.service,
      host: tencentSmsApi.host,
      // The action is signed too, so a captured signature cannot be replayed as another call.
      headers: { "content-type": CONTENT_TYPE, "x-tc-action": tencentSmsApi.action },
      payload: body,
      timestamp,
    });
    let res: Response;
    try {
      res = await doFetch(`https://${tencentSmsApi.host}/`, {
        method: "POST",
        headers: {
          Authorization: authorization,
          "Content-Type": CONTENT_TYPE,
          "X-TC-Action": tencentSmsApi.action,
          "X-TC-Version": tencentSmsApi.version,
          "X-TC-Timestamp": String(timestamp),
          "X-TC-Region": settings.region,
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new SmsError("SmsUnavailable", `Tencent Cloud SMS could not be reached (${(err as Error)?.name ?? "Error"})`, "NetworkError");
    }
    // API 3.0 answers 200 even to a refusal; anything else is the gateway's trouble, not ours.
    if (res.status !== 200) {
      const kind: SmsFailure = res.status === 429 ? "SmsThrottled" : res.status >= 500 ? "SmsUnavailable" : "SmsRefused";
      throw new SmsError(kind, `Tencent Cloud SMS answered HTTP ${res.status}`, `HTTP${res.status}`);
    }
    let answer: SendSmsAnswer;
    try {
      answer = JSON.parse(await res.text()) as SendSmsAnswer;
    } catch {
      throw new SmsError("SmsUnavailable", "Tencent Cloud SMS gave an answer that is not JSON", "UnreadableAnswer");
    }
    const reply = answer?.Response;
    const requestId = typeof reply?.RequestId === "string" ? reply.RequestId : undefined;
    if (reply?.Error) throw refusal("refused the request", String(reply.Error.Code ?? "UnknownError"), reply.Error.Message, requestId);
    // One number per request, so one status; "Ok" is the only success.
    const status = Array.isArray(reply?.SendStatusSet) ? reply.SendStatusSet[0] : undefined;
    if (!status) throw new SmsError("SmsUnavailable", `Tencent Cloud SMS gave no send status${requestId ? ` [request ${requestId}]` : ""}`, "NoSendStatus", requestId);
    if (status.Code !== "Ok") throw refusal("did not send the text", String(status.Code ?? "UnknownError"), status.Message, requestId);
  }

  return {
    sendOtp: (phone, code) => send(phone, "otp", [code]),
    sendNotice: (phone, _text, message) => send(phone, message.template, message.params),
  };
}
