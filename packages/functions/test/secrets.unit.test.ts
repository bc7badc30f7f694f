import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GetSecretValueCommand, SecretsManagerClient, type ServiceInputTypes, type ServiceOutputTypes } from "@aws-sdk/client-secrets-manager";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { getSecretString, secretsManagerEndpoint, SecretReadError } from "../src/secrets.ts";
import { readSecretValue } from "../src/cloud.ts";

/**
 * The hand-made GetSecretValue (src/secrets.ts) against the SDK's client, its oracle: both
 * talk to one local server, at one fixed time, with the same keys and region, and the server
 * compares what each sent. No AWS, no network beyond 127.0.0.1.
 */

const ARN = "arn:aws:secretsmanager:ap-east-1:123456789012:secret:SessionSecret-AbCdEf";
const VALUE = "session-secret-value-".repeat(3);
const KEYS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const SESSION_KEYS = { ...KEYS, sessionToken: "FwoGZXIvYXdzEXAMPLE//token+with/odd=chars" };
const NOW = new Date("2026-03-14T01:59:26.535Z");

/**
 * The SDK's bookkeeping headers: it signs them too (its SignedHeaders name them), but they say
 * which SDK and which attempt, not what is asked. The oracle drops them just before it signs,
 * so what remains is the request itself, to compare byte for byte.
 */
const SDK_BOOKKEEPING = ["amz-sdk-invocation-id", "amz-sdk-request", "x-amz-user-agent"];

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Reply = (res: ServerResponse) => void;

const seen: Seen[] = [];
let replies: Reply[] = [];
let endpoint = "";
const server = createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c: string) => (body += c));
  req.on("end", () => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    (replies.shift() ?? ok(VALUE))(res);
  });
});

const json = (status: number, value: unknown): Reply => (res) => {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
  res.end(JSON.stringify(value));
};
const ok = (secret: string) => json(200, { ARN, Name: "SessionSecret", SecretString: secret, VersionId: "v1", VersionStages: ["AWSCURRENT"] });
const notFound = json(400, { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." });
const serverError = json(500, { __type: "InternalServiceError", message: "An error occurred on the server side." });
const reset: Reply = (res) => res.socket?.destroy();
const silence: Reply = () => {};

function sdk(options: { region?: string; credentials?: typeof KEYS | typeof SESSION_KEYS; bookkeeping?: boolean } = {}) {
  const client = new SecretsManagerClient({
    region: options.region ?? "ap-east-1",
    endpoint,
    maxAttempts: 1,
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  if (!options.bookkeeping) {
    const drop: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
      const headers = (args.request as { headers: Record<string, string> }).headers;
      for (const h of SDK_BOOKKEEPING) delete headers[h];
      return next(args);
    };
    client.middlewareStack.addRelativeTo(drop, { relation: "before", toMiddleware: "httpSigningMiddleware", name: "dropBookkeeping" });
  }
  return client;
}

async function bySdk(options: Parameters<typeof sdk>[0] = {}): Promise<Seen> {
  const client = sdk(options);
  try {
    await client.send(new GetSecretValueCommand({ SecretId: ARN }));
  } finally {
    client.destroy();
  }
  return seen.at(-1)!;
}

async function byUs(options: Parameters<typeof getSecretString>[1] = {}): Promise<Seen> {
  await getSecretString(ARN, { region: "ap-east-1", endpoint, ...options });
  return seen.at(-1)!;
}

/** What the signature covers, and the signature: everything the two must agree on. */
function signed(r: Seen) {
  const auth = /^AWS4-HMAC-SHA256 Credential=(\S+), SignedHeaders=(\S+), Signature=([0-9a-f]{64})$/.exec(String(r.headers.authorization));
  expect(auth, `an Authorization header: ${r.headers.authorization}`).not.toBeNull();
  const signedHeaders = auth![2]!.split(";");
  return {
    method: r.method,
    path: r.url,
    body: r.body,
    credential: auth![1],
    signedHeaders: auth![2]!,
    headers: Object.fromEntries(signedHeaders.map((h) => [h, r.headers[h]])),
    signature: auth![3],
  };
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  // Only the date is fixed: the servers' sockets and the backoff still run on real timers.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  seen.length = 0;
  replies = [];
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("GetSecretValue, as the SDK sends it", () => {
  it("the same request, signed the same, byte for byte (keys without a session token)", async () => {
    const theirs = signed(await bySdk({ credentials: KEYS }));
    const ours = signed(await byUs({ credentials: KEYS }));
    expect(ours).toEqual(theirs);
    expect(ours.signedHeaders).toBe("content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target");
    expect(ours.headers).toMatchObject({ "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.GetSecretValue", "x-amz-date": "20260314T015926Z" });
    expect(ours.credential).toBe("AKIDEXAMPLE/20260314/ap-east-1/secretsmanager/aws4_request");
    expect({ method: ours.method, path: ours.path, body: JSON.parse(ours.body) }).toEqual({ method: "POST", path: "/", body: { SecretId: ARN } });
  });

  it("with a session token (Lambda's role keys): x-amz-security-token signed as the SDK signs it", async () => {
    const theirs = signed(await bySdk({ credentials: SESSION_KEYS }));
    const ours = signed(await byUs({ credentials: SESSION_KEYS }));
    expect(ours).toEqual(theirs);
    expect(ours.headers["x-amz-security-token"]).toBe(SESSION_KEYS.sessionToken);
    expect(ours.signedHeaders).toContain(";x-amz-security-token;");
  });

  it("in China's partition too (cn-north-1)", async () => {
    const theirs = signed(await bySdk({ credentials: SESSION_KEYS, region: "cn-north-1" }));
    const ours = signed(await byUs({ credentials: SESSION_KEYS, region: "cn-north-1" }));
    expect(ours).toEqual(theirs);
  });

  it("with the default credential chain and AWS_REGION, as a Lambda starts: same keys, same signature", async () => {
    vi.stubEnv("AWS_PROFILE", "");
    vi.stubEnv("AWS_ACCESS_KEY_ID", SESSION_KEYS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", SESSION_KEYS.secretAccessKey);
    vi.stubEnv("AWS_SESSION_TOKEN", SESSION_KEYS.sessionToken);
    vi.stubEnv("AWS_REGION", "ap-east-1");
    const theirs = signed(await bySdk());
    vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint);
    // cloud.ts's own entry point: no options at all
    await expect(readSecretValue(ARN)).resolves.toBe(VALUE);
    expect(signed(seen.at(-1)!)).toEqual(theirs);
  });

  it("negative control: a request signed for another region, or with a header more, is told apart", async () => {
    const theirs = signed(await bySdk({ credentials: SESSION_KEYS }));
    const otherRegion = signed(await byUs({ credentials: SESSION_KEYS, region: "ap-southeast-1" }));
    expect(otherRegion.signature).not.toBe(theirs.signature);
    expect(otherRegion).not.toEqual(theirs);
    // the SDK's own request, bookkeeping left in: more signed headers, another signature
    const withBookkeeping = signed(await bySdk({ credentials: SESSION_KEYS, bookkeeping: true }));
    expect(withBookkeeping.signedHeaders.split(";").filter((h) => !theirs.signedHeaders.split(";").includes(h)).sort()).toEqual(SDK_BOOKKEEPING);
    expect(withBookkeeping.signature).not.toBe(theirs.signature);
  });

  it("the endpoint the SDK resolves, for the regions it might run in", () => {
    const client = new SecretsManagerClient({ region: "ap-east-1", credentials: KEYS });
    for (const region of ["ap-east-1", "ap-southeast-1", "us-east-1", "eu-west-1", "cn-north-1", "cn-northwest-1"]) {
      const resolved = client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false }, {});
      expect(secretsManagerEndpoint(region), region).toBe(resolved.url.href.replace(/\/$/, ""));
    }
    client.destroy();
  });
});

describe("what it answers", () => {
  it("the SecretString", async () => {
    replies = [ok("the value")];
    await expect(getSecretString(ARN, { region: "ap-east-1", endpoint, credentials: KEYS })).resolves.toBe("the value");
    expect(seen).toHaveLength(1);
  });

  it("ResourceNotFoundException: an error naming the secret and the type, as the SDK names it; not retried", async () => {
    replies = [notFound];
    const theirs = await sdk({ credentials: KEYS }).send(new GetSecretValueCommand({ SecretId: ARN })).catch((e: Error) => e);
    expect((theirs as Error).name).toBe("ResourceNotFoundException");
    seen.length = 0;
    replies = [notFound, ok(VALUE)];
    const err = await getSecretString(ARN, { region: "ap-east-1", endpoint, credentials: KEYS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretReadError);
    expect((err as SecretReadError).type).toBe((theirs as Error).name);
    expect((err as Error).message).toContain(ARN);
    expect((err as Error).message).toContain("ResourceNotFoundException");
    expect(seen, "one attempt").toHaveLength(1);
  });

  it("the error type with its namespace or URI, or in the x-amzn-errortype header, as JSON 1.1 allows", async () => {
    replies = [
      json(400, { __type: "com.amazonaws.secretsmanager#AccessDeniedException", Message: "not allowed" }),
      (res) => {
        res.writeHead(400, { "x-amzn-errortype": "DecryptionFailure:http://internal.amazon.com/coral/com.amazonaws.secretsmanager/" });
        res.end("{}");
      },
    ];
    const opts = { region: "ap-east-1", endpoint, credentials: KEYS };
    await expect(getSecretString(ARN, opts)).rejects.toMatchObject({ type: "AccessDeniedException", message: expect.stringContaining("not allowed") });
    await expect(getSecretString(ARN, opts)).rejects.toMatchObject({ type: "DecryptionFailure" });
  });

  it("a binary secret is refused by name, its bytes not repeated", async () => {
    replies = [json(200, { ARN, SecretBinary: "c2VjcmV0LWJ5dGVz" })];
    const err = (await getSecretString(ARN, { region: "ap-east-1", endpoint, credentials: KEYS }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(ARN);
    expect(err.message).not.toContain("c2VjcmV0LWJ5dGVz");
  });

  it("500 then 200: retried, and the value returned", async () => {
    replies = [serverError, ok(VALUE)];
    await expect(getSecretString(ARN, { region: "ap-east-1", endpoint, credentials: SESSION_KEYS })).resolves.toBe(VALUE);
    expect(seen).toHaveLength(2);
    // each attempt signed on its own, as the SDK does
    expect(seen[1]!.headers.authorization).toMatch(/Signature=[0-9a-f]{64}$/);
  });

  it("three 500s: fails after 3 attempts, naming the secret and the type", async () => {
    replies = [serverError, serverError, serverError, ok(VALUE)];
    const err = (await getSecretString(ARN, { region: "ap-east-1", endpoint, credentials: KEYS }).catch((e: unknown) => e)) as SecretReadError;
    expect(err).toBeInstanceOf(SecretReadError);
    expect(err.attempts).toBe(3);
    expect(err.message).toContain(ARN);
    expect(err.message).toContain("InternalServiceError");
    expect(seen).toHaveLength(3);
  });

  it("throttling, a dropped connection and no answer in time are retried too", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const opts = { region: "ap-east-1", endpoint, credentials: KEYS, timeout: 200 };
    replies = [json(400, { __type: "ThrottlingException", message: "Rate exceeded" }), ok("a")];
    await expect(getSecretString(ARN, opts)).resolves.toBe("a");
    replies = [reset, ok("b")];
    await expect(getSecretString(ARN, opts)).resolves.toBe("b");
    replies = [silence, ok("c")];
    await expect(getSecretString(ARN, opts)).resolves.toBe("c");
    expect(seen).toHaveLength(6);
  });

  it("without a region it says so, and sends nothing", async () => {
    vi.stubEnv("AWS_REGION", "");
    await expect(getSecretString(ARN, { endpoint, credentials: KEYS })).rejects.toThrow(/AWS_REGION is not set/);
    expect(seen).toHaveLength(0);
  });
});
