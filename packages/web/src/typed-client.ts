/**
 * Hono's typed client (`hc`) and `parseResponse`, with hono/client's own types, in the part of
 * them a browser uses: `client.api.x[":id"].$post({ param, query, json, form, header }, { init })`,
 * `$url` and `$path`. Hono's own adds 2.6 KB gzip to every first visit, a third of it a cookie
 * serializer for a Cookie header no browser lets a page set. typed-client.unit.test.ts makes the
 * same calls through both and checks each request is the same.
 */
import type { hc as honoClient, parseResponse as honoParseResponse } from "hono/client";

type Headers_ = Record<string, string>;
type Options = { fetch?: typeof fetch; init?: RequestInit; headers?: Headers_ | (() => Headers_ | Promise<Headers_>) };
type Value = string | undefined;
type Args = { param?: Record<string, Value>; query?: Record<string, Value | Value[]>; json?: unknown; form?: Record<string, Value | Blob | (Value | Blob)[]>; header?: Headers_ };

const trimEnd = (base: string) => base.replace(/\/+$/, "");

/** The path with its parameters filled in (`/:id`, `/:id{[0-9]+}`, an optional `/:id?` left out) and its query. */
function urlOf(base: string, path: string[], args: Args | undefined): string {
  let url = `${trimEnd(base)}/${path.join("/").replace(/^\/+/, "")}`.replace(/\/index(?=\?|$)/, "");
  for (const [k, v] of Object.entries(args?.param ?? {})) {
    url = url.replace(new RegExp(`/:${k}(?:{[^/]+})?\\??(?=/|$)`), () => (v ? `/${v}` : ""));
  }
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(args?.query ?? {})) for (const one of [v].flat()) if (one !== undefined) query.append(k, one);
  const search = query.toString();
  return search ? `${url}?${search}` : url;
}

async function send(method: string, url: string, args: Args | undefined, base: Options, request: Options | undefined): Promise<Response> {
  const given = async (h: Options["headers"]) => (typeof h === "function" ? await h() : h);
  const headers = new Headers();
  for (const [k, v] of Object.entries({ ...args?.header, ...(await given(base.headers)), ...(await given(request?.headers)) })) {
    if (v !== undefined) headers.set(k, v);
  }
  let body: BodyInit | undefined;
  if (args?.form) {
    const form = new FormData();
    for (const [k, v] of Object.entries(args.form)) for (const one of [v].flat()) if (one !== undefined) form.append(k, one);
    body = form;
  }
  if (args?.json !== undefined) {
    body = JSON.stringify(args.json);
    headers.set("Content-Type", "application/json");
  }
  return (request?.fetch ?? base.fetch ?? fetch)(url, {
    body: method === "GET" || method === "HEAD" ? undefined : body,
    method,
    headers,
    ...base.init,
    ...request?.init,
  });
}

function node(base: string, options: Options, path: string[]): unknown {
  return new Proxy(() => undefined, {
    // not `then`: a route is not a promise (`await client.api` stays the client)
    get: (_, key) => (typeof key === "string" && key !== "then" ? node(base, options, [...path, key]) : undefined),
    apply: (_, __, [args, request]: [Args | undefined, Options | undefined]) => {
      const last = path.at(-1) ?? "";
      if (!last.startsWith("$")) throw new TypeError(`${path.join(".")} is a path, not a request: end it with $get, $post, …`);
      const url = urlOf(base, path.slice(0, -1), args);
      if (last === "$url") return new URL(url);
      if (last === "$path") return url.slice(trimEnd(base).length).replace(/^\/?/, "/");
      return send(last.slice(1).toUpperCase(), url, args, options, request);
    },
  });
}

export const hc = ((base: string, options: Options = {}) => node(base, options, [])) as unknown as typeof honoClient;

const NO_BODY = new Set([101, 204, 205, 304]);

/** A 2xx answer's body: JSON when it says so, else its text, nothing for a 204; a failure throws. */
export const parseResponse = (async (pending: Response | Promise<Response>) => {
  const response = await pending;
  const data =
    response.body && !NO_BODY.has(response.status)
      ? /^application\/(?:[\w!#$%&*.^`~-]*\+)?json$/i.test(response.headers.get("content-type")?.split(";")[0]?.trim() ?? "")
        ? await response.json()
        : await response.text()
      : undefined;
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return data;
}) as unknown as typeof honoParseResponse;
