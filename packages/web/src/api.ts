/**
 * Our own API through Hono's typed client: paths, inputs and answers are read off the routes
 * (`AppType`), so nothing here restates the server. Every request carries the session cookie
 * and, when it changes something, the CSRF header; every failure is one error type.
 */
import { hc, parseResponse } from "./typed-client.ts";
import type { AppType } from "@jinguo/functions";

export { parseResponse };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Status 0: the request never got an answer (offline, server down). */
export const NETWORK = "NETWORK";

/**
 * The request got no answer from our server: no signal, or a request given up on (`patience`).
 * A 5xx while the phone itself says it is offline came from something in between, not from us.
 */
export function isOffline(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.code === NETWORK) return true;
  return error.status >= 500 && typeof navigator !== "undefined" && navigator.onLine === false;
}

/**
 * Client options that give a request up after `ms` (then it fails as NETWORK): in a hall with a
 * weak signal a request can hang for a minute, and what was kept on the phone should show instead.
 */
export function patience(ms: number): { init: RequestInit } {
  if (typeof AbortSignal.timeout === "function") return { init: { signal: AbortSignal.timeout(ms) } };
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return { init: { signal: controller.signal } };
}

function cookie(name: string): string | undefined {
  for (const part of document.cookie.split(";")) {
    const [k, ...rest] = part.trim().split("=");
    if (k === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/** The API's one error shape, `{ error: { code, message, details? } }`, as an ApiError. */
async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as
    | { error?: { code?: unknown; message?: unknown; details?: unknown } }
    | undefined;
  const error = body?.error;
  return new ApiError(
    response.status,
    typeof error?.code === "string" ? error.code : response.status >= 500 ? "INTERNAL" : `HTTP_${response.status}`,
    typeof error?.message === "string" ? error.message : response.statusText,
    error?.details,
  );
}

const signInListeners: ((userId: string) => void)[] = [];

/**
 * `listener` hears the user id of each sign-in made on this page (ticket-store.ts: the phone now
 * holds her tickets and no one else's, even before she opens a page that asks who she is).
 */
export function onSignIn(listener: (userId: string) => void): void {
  signInListeners.push(listener);
}

function announceSignIn(input: RequestInfo | URL, method: string, response: Response): void {
  if (method !== "POST" || signInListeners.length === 0) return;
  const url = input instanceof Request ? input.url : String(input);
  if (new URL(url, globalThis.location?.href ?? "http://localhost/").pathname !== "/api/auth/login") return;
  void response
    .clone()
    .json()
    .then((body: { user?: { id?: unknown } }) => {
      const id = body.user?.id;
      if (typeof id === "string") for (const listener of signInListeners) listener(id);
    })
    .catch(() => undefined);
}

/** The client's fetch: the cookie, the CSRF echo, and an ApiError for anything but 2xx. */
async function send(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? "GET").toUpperCase();
  const headers = new Headers(init.headers);
  headers.set("accept", "application/json");
  if (method !== "GET" && method !== "HEAD") {
    const csrf = cookie("csrf");
    if (csrf) headers.set("x-csrf-token", csrf);
  }
  let response: Response;
  try {
    response = await fetch(input, { ...init, headers, credentials: "same-origin" });
  } catch (cause) {
    throw new ApiError(0, NETWORK, cause instanceof Error ? cause.message : String(cause));
  }
  if (!response.ok) throw await errorOf(response);
  announceSignIn(input, method, response);
  return response;
}

/**
 * `await parseResponse(client.api.me.$get())` is the answer's body, typed by its route.
 * Path parameters are not encoded by the client: pass them through `encodeURIComponent`.
 */
export const client = hc<AppType>("/", { fetch: send });

export interface Uploaded {
  id: string;
  url: string;
}

/**
 * One photo to POST /api/uploads, as multipart (the typed client sends JSON only). Through
 * XMLHttpRequest rather than fetch: only it reports how much of the body has gone, and on a
 * village's mobile network a photo takes a while. `onProgress` gets 0…1.
 */
export function uploadImage(file: Blob, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/uploads");
    xhr.withCredentials = true;
    xhr.setRequestHeader("accept", "application/json");
    const csrf = cookie("csrf");
    if (csrf) xhr.setRequestHeader("x-csrf-token", csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
    };
    const gone = (message: string) => reject(new ApiError(0, NETWORK, message));
    xhr.onerror = () => gone("upload failed");
    xhr.ontimeout = () => gone("upload timed out");
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    xhr.onload = () => {
      const response = new Response(xhr.responseText, {
        status: xhr.status,
        headers: { "content-type": xhr.getResponseHeader("content-type") ?? "application/json" },
      });
      if (xhr.status < 200 || xhr.status >= 300) return void errorOf(response).then(reject, reject);
      response
        .json()
        .then((body: { upload?: Uploaded }) => (body.upload ? resolve(body.upload) : reject(new ApiError(xhr.status, "INTERNAL", "no upload in the answer"))))
        .catch(reject);
    };
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append("file", file, file instanceof File ? file.name : "photo.jpg");
    xhr.send(form);
  });
}

/** A fresh Idempotency-Key; `crypto.randomUUID` is missing outside secure contexts (plain http on a LAN). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
