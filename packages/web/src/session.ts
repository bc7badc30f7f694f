/** Who is signed in, and the data every page shares (the org units). */
import { action, query } from "@solidjs/router";
import { ApiError, client, onSignIn, parseResponse } from "./api.ts";
import type { User } from "./types.ts";

// Her kept tickets (ticket-store.ts) load with the pages that show them, not with the app; but
// whoever signs in, anyone else's go at once (she may go offline before opening 我的报名).
onSignIn((userId) => void import("./ticket-store.ts").then((store) => store.rememberHolder(userId), () => undefined));

export const getMe = query(async (): Promise<User | null> => {
  try {
    const { user } = await parseResponse(client.api.me.$get());
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}, "me");

export const logout = action(async () => {
  forgetSignInPhone();
  (await import("./ticket-store.ts")).forgetTickets();
  await client.api.auth.logout.$post();
}, "logout");

/** Signs her out on every device, this one included (a copy of the cookie stops working too). */
export const logoutEverywhere = action(async () => {
  forgetSignInPhone();
  (await import("./ticket-store.ts")).forgetTickets();
  await client.api.auth["logout-everywhere"].$post();
}, "logoutEverywhere");

const SIGN_IN_PHONE = "jinguo.signInPhone";

/**
 * The number she signed in with, for this visit, so a form's phone field can be filled for her
 * (`GET /api/me` gives it masked). In sessionStorage, not localStorage: this tab only, gone when
 * WeChat closes the page, never sent anywhere; tied to her account and forgotten on sign-out. It
 * shows nothing new to whoever holds the phone while she is signed in: her own registrations,
 * answers included, are open to them then anyway.
 */
export function rememberSignInPhone(user: User, phone: string): void {
  try {
    sessionStorage.setItem(SIGN_IN_PHONE, JSON.stringify({ userId: user.id, phone }));
  } catch {
    // storage switched off: she types it
  }
}

/** Her full number, when she signed in with it in this tab and is still that account. */
export function signInPhone(user: User | null | undefined): string | undefined {
  if (!user) return undefined;
  try {
    const saved = JSON.parse(sessionStorage.getItem(SIGN_IN_PHONE) ?? "null") as { userId?: unknown; phone?: unknown } | null;
    const phone = typeof saved?.phone === "string" ? saved.phone : undefined;
    // The masked number must be hers too: a copy left by another account is not used.
    return saved?.userId === user.id && phone && /^1[3-9]\d{9}$/.test(phone) && maskedLike(phone, user.phone) ? phone : undefined;
  } catch {
    return undefined;
  }
}

const maskedLike = (phone: string, masked: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}` === masked;

export function forgetSignInPhone(): void {
  try {
    sessionStorage.removeItem(SIGN_IN_PHONE);
  } catch {
    // nothing was kept
  }
}

/** Organisers (of any unit) and admins: the 管理 area, check-in included. */
export function isOrganiser(user: User | null | undefined): boolean {
  return !!user?.roles.some((r) => r.role === "admin" || r.role === "organiser");
}

/** A judge (invited to some round): the 评审 console. */
export function isJudge(user: User | null | undefined): boolean {
  return !!user?.roles.some((r) => r.role === "judge");
}

/**
 * Does her own unit own the campaign (not merely a unit above)? Only then may she download
 * the full, unmasked list; the server checks the same and records every such download.
 */
export function ownsUnit(user: User | null | undefined, orgUnit: string): boolean {
  return !!user?.roles.some((r) => r.role === "organiser" && r.orgUnit === orgUnit);
}

export const getOrgUnits = query(async () => {
  const { items } = await parseResponse(client.api["org-units"].$get());
  return items;
}, "orgUnits");

/** A safe place to go back to after signing in: our own paths only. */
export function safeNext(next: string | undefined | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}
