import { describe, it, expect } from "vitest";
import { createHash, createHmac } from "node:crypto";
import { fixedClock } from "../src/clock/index.ts";
import { smsFromEnvironment, tencentSmsEnvironment, type TencentSmsSettings } from "../src/sms/index.ts";
import { tc3Sign, tencentSms, SmsError } from "../src/sms/tencent.ts";

/**
 * The Tencent Cloud SMS sender against request/response pairs. The signature is checked
 * against Tencent's own worked example; the answers are shaped after the documented ones
 * (tencentcloud-cli's sms/v20210111 examples.json for SendSms, and API 3.0's error shape
 * `{ Response: { Error: { Code, Message }, RequestId } }`) — nothing here went over a network.
 */

// ---- The documented example ("Signature v3", tencentcloud.com/document/product/382/40467) ----
const DOC = {
  secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
  secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
  service: "cvm",
  host: "cvm.tencentcloudapi.com",
  // 2019-02-26 00:44:25 in Beijing, still 2019-02-25 in UTC: the date in the scope is the UTC one.
  timestamp: 1551113065,
  // The bytes as sent: the \u escapes are literal in the body, not decoded characters.
  payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
};

describe("TC3-HMAC-SHA256, the documented example", () => {
  it("gives the documentation's payload hash, canonical request, string to sign and signature (content-type;host)", () => {
    const s = tc3Sign({ ...DOC, headers: { "Content-Type": "application/json; charset=utf-8" } });
    expect(s.hashedPayload).toBe("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    expect(s.canonicalRequest).toBe(
      "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n" +
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064",
    );
    expect(s.hashedCanonicalRequest).toBe("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
    expect(s.stringToSign).toBe("TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
    expect(s.signature).toBe("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
    expect(s.authorization).toBe(
      "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, " +
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
    );
  });

  it("with the action signed too (the current Chinese page), gives its canonical request and hash", () => {
    // That page masks its key, so only the key-independent steps can be compared.
    const s = tc3Sign({ ...DOC, headers: { "Content-Type": "application/json; charset=utf-8", "X-TC-Action": "DescribeInstances" } });
    expect(s.canonicalRequest).toBe(
      "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\n" +
        "content-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064",
    );
    expect(s.hashedCanonicalRequest).toBe("7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84");
  });

  it("negative control: one byte of the body, the key, or the day changes the signature", () => {
    const base = { ...DOC, headers: { "Content-Type": "application/json; charset=utf-8" } };
    const good = tc3Sign(base).signature;
    expect(tc3Sign({ ...base, payload: DOC.payload.replace("1", "2") }).signature).not.toBe(good);
    expect(tc3Sign({ ...base, secretKey: `${DOC.secretKey}x` }).signature).not.toBe(good);
    expect(tc3Sign({ ...base, timestamp: DOC.timestamp + 86_400 }).signature).not.toBe(good);
  });
});

// ---- SendSms ----
const SETTINGS: TencentSmsSettings = {
  secretId: "AKIDtestSecretId",
  secretKey: "test-secret-key-0123456789",
  sdkAppId: "1400006666",
  signName: "湖南省妇联",
  region: "ap-guangzhou",
  templates: { otp: "2001", waitlist_promoted: "2002", session_reminder: "2003", results_published: "2004" },
};
const PHONE = "13800138000";
const AT = "2019-12-08T01:00:00.000Z"; // epoch 1575766800
const REMINDER = {
  template: "session_reminder" as const,
  params: ["巾帼创业创新公益大讲座", "长沙站", "12月9日 14:30", "长沙市妇女儿童活动中心三楼报告厅"],
};
const REMINDER_TEXT = "【巾帼活动平台】活动提醒：……";

/** The request the reminder above must be, byte for byte. */
const SENT_BODY =
  '{"PhoneNumberSet":["+8613800138000"],"SmsSdkAppId":"1400006666","SignName":"湖南省妇联","TemplateId":"2003",' +
  '"TemplateParamSet":["巾帼创业创新公益大讲座","长沙站","12月9日 14:30","长沙市妇女儿童活动中心三楼报告厅"]}';
/** Computed apart from this code (Python's hmac/hashlib, the same script reproduces the documented example). */
const SENT_AUTHORIZATION =
  "TC3-HMAC-SHA256 Credential=AKIDtestSecretId/2019-12-08/sms/tc3_request, SignedHeaders=content-type;host;x-tc-action, " +
  "Signature=e6cfeff9466a1838fc434508792d59ee703c4add7aa9d029671a7389130e9897";

/** The documented SendSms answer (one number). */
const OK = {
  Response: {
    SendStatusSet: [
      { SerialNo: "5000:1045710669157053657849499619", PhoneNumber: "+8613800138000", Fee: 1, SessionContext: "", Code: "Ok", Message: "send success", IsoCode: "CN" },
    ],
    RequestId: "a0aabda6-cf91-4f3e-a81f-9198114a2279",
  },
};
const perNumber = (Code: string, Message: string) => ({
  Response: {
    SendStatusSet: [{ SerialNo: "", PhoneNumber: "+8613800138000", Fee: 0, SessionContext: "", Code, Message, IsoCode: "CN" }],
    RequestId: "b6c1f0a2-2f7e-4a57-9d44-1f7f2e9e0c11",
  },
});
const requestError = (Code: string, Message: string) => ({ Response: { Error: { Code, Message }, RequestId: "c1d2e3f4-0000-4a57-9d44-1f7f2e9e0c11" } });

interface Sent {
  url: string;
  method: string | undefined;
  headers: Record<string, string>;
  body: string;
}

/** A fake `fetch`: records each request, answers with `reply` (or throws it). */
function fakeFetch(reply: { status?: number; json?: unknown; text?: string } | Error) {
  const sent: Sent[] = [];
  const impl = (async (url: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    sent.push({ url: String(url), method: init?.method, headers, body: String(init?.body) });
    if (reply instanceof Error) throw reply;
    const text = reply.text ?? JSON.stringify(reply.json);
    return new Response(text, { status: reply.status ?? 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { impl, sent };
}

const sender = (f: typeof fetch) => tencentSms(SETTINGS, { fetch: f, clock: fixedClock(AT) });

/**
 * The server's side of the signature, written apart from the sender: rebuild the canonical
 * request from what was actually sent (the headers it names, the host of the URL, the body)
 * and check the HMAC. It proves the signature covers the request as it went out.
 */
function verifiedBy(secretKey: string, req: Sent): boolean {
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/(\w+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? "");
  if (!m) return false;
  const [, , date, service, signedHeaders, signature] = m as unknown as string[];
  const values: Record<string, string> = { ...req.headers, host: new URL(req.url).host };
  const names = signedHeaders!.split(";");
  const canonical = ["POST", "/", "", names.map((n) => `${n}:${(values[n] ?? "").trim().toLowerCase()}\n`).join(""), signedHeaders, sha(req.body)].join("\n");
  const toSign = ["TC3-HMAC-SHA256", req.headers["x-tc-timestamp"], `${date}/${service}/tc3_request`, sha(canonical)].join("\n");
  const day = new Date(Number(req.headers["x-tc-timestamp"]) * 1000).toISOString().slice(0, 10);
  let key: Buffer = createHmac("sha256", `TC3${secretKey}`).update(date!).digest();
  key = createHmac("sha256", key).update(service!).digest();
  key = createHmac("sha256", key).update("tc3_request").digest();
  return day === date && names.includes("content-type") && createHmac("sha256", key).update(toSign).digest("hex") === signature;
}
const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** What a refusal must never carry: the number, in any of its spellings. */
const expectNoNumber = (err: unknown) => {
  const all = `${(err as Error).message} ${(err as Error).name} ${String((err as SmsError).code)} ${String((err as SmsError).requestId)}`;
  expect(all).not.toContain(PHONE);
  expect(all).not.toContain(PHONE.slice(3));
};

describe("Tencent Cloud SendSms", () => {
  it("sends a reminder as one signed POST: headers, body and signature as recorded, and succeeds on the documented answer", async () => {
    const { impl, sent } = fakeFetch({ json: OK });
    await sender(impl).sendNotice(PHONE, REMINDER_TEXT, REMINDER);
    expect(sent).toHaveLength(1);
    const req = sent[0]!;
    expect(req.url).toBe("https://sms.tencentcloudapi.com/");
    expect(req.method).toBe("POST");
    expect(req.headers).toEqual({
      authorization: SENT_AUTHORIZATION,
      "content-type": "application/json; charset=utf-8",
      "x-tc-action": "SendSms",
      "x-tc-version": "2021-01-11",
      "x-tc-timestamp": "1575766800",
      "x-tc-region": "ap-guangzhou",
    });
    expect(req.body).toBe(SENT_BODY);
    // The words themselves never go: only the approved template and its parameters.
    expect(req.body).not.toContain(REMINDER_TEXT);
    expect(verifiedBy(SETTINGS.secretKey, req)).toBe(true);
  });

  it("negative control: the verifier refuses a request changed after signing, or signed with another key", async () => {
    const { impl, sent } = fakeFetch({ json: OK });
    await sender(impl).sendNotice(PHONE, REMINDER_TEXT, REMINDER);
    const req = sent[0]!;
    expect(verifiedBy(SETTINGS.secretKey, { ...req, body: req.body.replace("长沙站", "株洲站") })).toBe(false);
    expect(verifiedBy(SETTINGS.secretKey, { ...req, headers: { ...req.headers, "x-tc-action": "SendSmsAgain" } })).toBe(false);
    expect(verifiedBy("another-key", req)).toBe(false);
  });

  it("sends the sign-in code through the code's template, to the number with +86", async () => {
    const { impl, sent } = fakeFetch({ json: OK });
    await sender(impl).sendOtp(PHONE, "042917");
    expect(JSON.parse(sent[0]!.body)).toEqual({
      PhoneNumberSet: ["+8613800138000"],
      SmsSdkAppId: "1400006666",
      SignName: "湖南省妇联",
      TemplateId: "2001",
      TemplateParamSet: ["042917"],
    });
    expect(verifiedBy(SETTINGS.secretKey, sent[0]!)).toBe(true);
  });

  it("takes a number already in +86 form as it is, and refuses anything else before sending", async () => {
    const { impl, sent } = fakeFetch({ json: OK });
    await sender(impl).sendOtp("+8613800138000", "042917");
    expect(JSON.parse(sent[0]!.body).PhoneNumberSet).toEqual(["+8613800138000"]);
    const err = await sender(impl).sendOtp("2380013800", "042917").catch((e) => e);
    expect(err).toBeInstanceOf(SmsError);
    expect(err.name).toBe("SmsRefused");
    expect(err.message).not.toContain("2380013800");
    expect(sent).toHaveLength(1);
  });

  it("a per-number failure in SendStatusSet is an error with the provider's code, and no number even when the provider quotes it", async () => {
    const { impl } = fakeFetch({ json: perNumber("FailedOperation.PhoneNumberInBlacklist", "phone number +8613800138000 is in blacklist") });
    const err = await sender(impl).sendNotice(PHONE, REMINDER_TEXT, REMINDER).catch((e) => e);
    expect(err).toBeInstanceOf(SmsError);
    expect(err).toMatchObject({ name: "SmsRefused", kind: "SmsRefused", code: "FailedOperation.PhoneNumberInBlacklist", requestId: "b6c1f0a2-2f7e-4a57-9d44-1f7f2e9e0c11" });
    expect(err.message).toContain("FailedOperation.PhoneNumberInBlacklist");
    expect(err.message).toContain("b6c1f0a2-2f7e-4a57-9d44-1f7f2e9e0c11");
    expectNoNumber(err);
  });

  it("throttling, per number or per request, is SmsThrottled", async () => {
    for (const answer of [
      perNumber("LimitExceeded.PhoneNumberThirtySecondLimit", "the number of SMS messages sent from a single mobile number within 30 seconds exceeds the upper limit"),
      perNumber("LimitExceeded.PhoneNumberDailyLimit", "the number of SMS messages sent from a single mobile number every day exceeds the upper limit"),
      requestError("RequestLimitExceeded", "Your current request rate exceeds the limit. Please try again later."),
    ]) {
      const err = await sender(fakeFetch({ json: answer }).impl).sendOtp(PHONE, "042917").catch((e) => e);
      expect(err).toBeInstanceOf(SmsError);
      expect(err.name).toBe("SmsThrottled");
      expectNoNumber(err);
    }
  });

  it("a bad signature or an unknown key is SmsAuthFailed", async () => {
    for (const code of ["AuthFailure.SignatureFailure", "AuthFailure.SecretIdNotFound", "UnauthorizedOperation.SmsSdkAppIdVerifyFail"]) {
      const err = await sender(fakeFetch({ json: requestError(code, "The provided credentials could not be validated.") }).impl)
        .sendOtp(PHONE, "042917")
        .catch((e) => e);
      expect(err).toMatchObject({ name: "SmsAuthFailed", code, requestId: "c1d2e3f4-0000-4a57-9d44-1f7f2e9e0c11" });
    }
  });

  it("an HTTP 500, an answer that is not JSON, no status, or no network at all is SmsUnavailable", async () => {
    const cases = [
      fakeFetch({ status: 500, text: "<html><body>502 Bad Gateway</body></html>" }),
      fakeFetch({ text: "<html>maintenance</html>" }),
      fakeFetch({ json: { Response: { SendStatusSet: [], RequestId: "r" } } }),
      fakeFetch({ json: requestError("InternalError.Timeout", "timeout") }),
      fakeFetch(Object.assign(new Error("connect ECONNREFUSED"), { name: "TypeError" })),
    ];
    const errors = await Promise.all(cases.map((c) => sender(c.impl).sendNotice(PHONE, REMINDER_TEXT, REMINDER).catch((e) => e)));
    expect(errors.map((e) => e.name)).toEqual(Array(cases.length).fill("SmsUnavailable"));
    expect(errors[0].message).toContain("HTTP 500");
    for (const e of errors) expectNoNumber(e);
  });

  it("a notice goes through its own kind's template", async () => {
    const { impl, sent } = fakeFetch({ json: OK });
    await sender(impl).sendNotice(PHONE, "…", { template: "waitlist_promoted", params: ["巾帼创业创新公益大讲座", "长沙站", "12月9日 14:30"] });
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ TemplateId: "2002", TemplateParamSet: ["巾帼创业创新公益大讲座", "长沙站", "12月9日 14:30"] });
  });
});

describe("smsFromEnvironment", () => {
  const names = tencentSmsEnvironment;
  const complete = {
    [names.secretId]: SETTINGS.secretId,
    [names.secretKey]: SETTINGS.secretKey,
    [names.sdkAppId]: SETTINGS.sdkAppId,
    [names.signName]: SETTINGS.signName,
    [names.templates.otp]: "2001",
    [names.templates.waitlist_promoted]: "2002",
    [names.templates.session_reminder]: "2003",
    [names.templates.results_published]: "2004",
  };

  it("gives the Tencent sender when the settings are complete (the region defaults to ap-guangzhou)", async () => {
    const { impl, sent } = fakeFetch({ json: OK });
    await smsFromEnvironment(complete, { fetch: impl, clock: fixedClock(AT) }).sendNotice(PHONE, REMINDER_TEXT, REMINDER);
    expect(sent[0]!.body).toBe(SENT_BODY);
    expect(sent[0]!.headers.authorization).toBe(SENT_AUTHORIZATION);
    expect(sent[0]!.headers["x-tc-region"]).toBe("ap-guangzhou");
    const { impl: nanjing, sent: toNanjing } = fakeFetch({ json: OK });
    await smsFromEnvironment({ ...complete, [names.region]: "ap-nanjing" }, { fetch: nanjing }).sendOtp(PHONE, "042917");
    expect(toNanjing[0]!.headers["x-tc-region"]).toBe("ap-nanjing");
  });

  it("refuses, naming every missing setting, when there are none at all", () => {
    const err = (() => {
      try {
        smsFromEnvironment({});
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(Error);
    for (const name of [names.secretId, names.secretKey, names.sdkAppId, names.signName, ...Object.values(names.templates)]) {
      expect(err!.message).toContain(`${name} is not set`);
    }
    expect(err!.message).not.toContain(names.region);
  });

  it("refuses one missing template or a malformed value, by name and never by value", () => {
    const { [names.templates.session_reminder]: _, ...withoutReminder } = complete;
    expect(() => smsFromEnvironment(withoutReminder)).toThrow(`${names.templates.session_reminder} is not set`);
    expect(() => smsFromEnvironment({ ...complete, [names.secretKey]: "  " })).toThrow(`${names.secretKey} is not set`);
    const malformed = (() => {
      try {
        smsFromEnvironment({ ...complete, [names.sdkAppId]: "app-secretish-1400", [names.signName]: "【湖南省妇联】" });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(malformed).toContain(`${names.sdkAppId} is not valid`);
    expect(malformed).toContain(`${names.signName} is not valid`);
    expect(malformed).not.toContain("app-secretish-1400");
    expect(malformed).not.toContain(SETTINGS.secretKey);
  });
});
