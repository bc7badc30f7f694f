/** Who is signed in, and the data every page shares (the org units). */
import { action, query } from "@solidjs/router";
import { ApiError, client, parseResponse } from "./api.ts";
import type { User } from "./types.ts";

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
  await client.api.auth.logout.$post();
}, "logout");

/** Signs her out on every device, this one included (a copy of the cookie stops working too). */
export const logoutEverywhere = action(async () => {
  await client.api.auth["logout-everywhere"].$post();
}, "logoutEverywhere");

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
