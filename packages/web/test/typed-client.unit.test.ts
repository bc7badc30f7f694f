import { describe, expect, it } from "vitest";
import { hc as honoClient, parseResponse as honoParseResponse } from "hono/client";
import { hc, parseResponse } from "../src/typed-client.ts";

/** What a request was, as the server would see it. */
type Sent = { url: string; method: string; headers: [string, string][]; body: unknown; signal: AbortSignal | null | undefined };

async function sentBy(make: typeof honoClient, base: string, call: (client: any) => unknown, baseHeaders?: Record<string, string>): Promise<Sent | unknown> {
  let sent: Sent | undefined;
  const fetch = async (url: RequestInfo | URL, init: RequestInit = {}) => {
    const body = init.body instanceof FormData ? [...init.body.entries()].map(([k, v]) => [k, typeof v === "string" ? v : `blob:${v.size}`]) : init.body;
    sent = { url: String(url), method: init.method ?? "", headers: [...new Headers(init.headers).entries()].sort(), body, signal: init.signal };
    return new Response("{}", { headers: { "content-type": "application/json" } });
  };
  // Both untyped here: the calls, not their types, are what is compared.
  const client: any = make(base as "/", { fetch, ...(baseHeaders ? { headers: baseHeaders } : {}) });
  const result = await call(client);
  return sent ?? (result instanceof URL ? `URL ${result.href}` : result);
}

const signal = new AbortController().signal;
const calls: [string, (client: any) => unknown][] = [
  ["a GET without arguments", (c) => c.api.me.$get()],
  ["a GET with an empty query", (c) => c.api.campaigns.$get({ query: {} })],
  ["path parameters", (c) => c.api.campaigns[":id"].sessions[":sessionId"].door.$get({ param: { id: "c1", sessionId: "s 2" } })],
  ["a query with a list and a missing value", (c) => c.api.x.$get({ query: { q: "王*梅", limit: "20", cursor: undefined, tag: ["a", "b", undefined] } })],
  ["a POST with JSON", (c) => c.api.auth.login.$post({ json: { phone: "13912345678", code: "123456" } })],
  ["a PATCH with a parameter, JSON and a header", (c) => c.api.admin.campaigns[":id"].$patch({ param: { id: "c1" }, json: { title: "妇女节" }, header: { "x-a": "1" } })],
  ["a DELETE with a parameter", (c) => c.api.registrations[":id"].$delete({ param: { id: "r1" } })],
  ["a POST with nothing", (c) => c.api.auth.logout.$post()],
  ["a JSON null body", (c) => c.api.x.$post({ json: null })],
  ["a form", (c) => c.api.x.$post({ form: { a: "1", b: ["x", "y"], c: new Blob(["abc"]) } })],
  ["request options: a signal, and headers as a function", (c) => c.api.me.$get(undefined, { init: { signal }, headers: () => ({ "x-req": "r" }) })],
  ["an optional and a pattern parameter", (c) => c.api.a[":opt?"].b[":n{[0-9]+}"].$get({ param: { opt: "", n: "7" } })],
  ["an index path", (c) => c.api.index.$get()],
  ["$path with a parameter and a query", (c) => c.api.admin.campaigns[":id"]["registrations.csv"].$path({ param: { id: "c1" }, query: { full: "1" } })],
  ["$path without its optional query", (c) => c.api.admin.campaigns[":id"]["registrations.csv"].$path({ param: { id: "c1" }, query: { full: undefined } })],
];

describe("typed-client: the same requests as hono's client", () => {
  for (const [what, call] of calls) {
    it(what, async () => {
      const ours = await sentBy(hc, "/", call);
      expect(ours).toEqual(await sentBy(honoClient, "/", call));
      expect(await sentBy(hc, "http://localhost:3000/", call, { "x-base": "b" })).toEqual(
        await sentBy(honoClient, "http://localhost:3000/", call, { "x-base": "b" }),
      );
    });
  }

  it("$url with a full base", async () => {
    const call = (c: any) => c.api.campaigns[":id"].$url({ param: { id: "c1" }, query: { a: "1" } });
    expect(await sentBy(hc, "http://localhost:3000", call)).toBe("URL http://localhost:3000/api/campaigns/c1?a=1");
    expect(await sentBy(hc, "http://localhost:3000", call)).toEqual(await sentBy(honoClient, "http://localhost:3000", call));
  });

  it("(control) a different request is told apart", async () => {
    const ours = await sentBy(hc, "/", (c) => c.api.auth.login.$post({ json: { phone: "13912345678" } }));
    expect(ours).not.toEqual(await sentBy(honoClient, "/", (c) => c.api.auth.login.$post({ json: { phone: "13912345679" } })));
    expect(ours).not.toEqual(await sentBy(honoClient, "/", (c) => c.api.auth.login.$put({ json: { phone: "13912345678" } })));
  });

  it("is not a promise (a route awaited stays a route)", () => {
    expect((hc("/") as any).then).toBeUndefined();
  });
});

describe("typed-client: parseResponse reads an answer as hono's does", () => {
  const answers: [string, () => Response][] = [
    ["JSON", () => new Response(JSON.stringify({ items: [1] }), { headers: { "content-type": "application/json; charset=utf-8" } })],
    ["problem JSON", () => new Response(JSON.stringify({ a: 1 }), { headers: { "content-type": "application/problem+json" } })],
    ["text", () => new Response("名单", { headers: { "content-type": "text/csv; charset=utf-8" } })],
    ["no content type", () => new Response("plain")],
    ["204", () => new Response(null, { status: 204 })],
    ["an empty 200", () => new Response(null, { status: 200 })],
  ];
  for (const [what, answer] of answers) {
    it(what, async () => {
      expect(await parseResponse(answer() as never)).toEqual(await honoParseResponse(answer() as never));
    });
  }

  it("a failure throws, with the same words", async () => {
    const failed = () => new Response(JSON.stringify({ error: { code: "X" } }), { status: 409, statusText: "Conflict", headers: { "content-type": "application/json" } });
    const theirs = await honoParseResponse(failed() as never).catch((e: Error) => e.message);
    expect(theirs).toBe("409 Conflict");
    await expect(parseResponse(failed() as never)).rejects.toThrow(theirs);
  });
});
