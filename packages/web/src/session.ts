/** Who is signed in, and the data every page shares (the org units). */
import { action, query } from "@solidjs/router";
import { api, ApiError } from "./api.ts";
import type { OrgUnit, Role, User } from "./types.ts";

export const getMe = query(async (): Promise<User | null> => {
  try {
    const body = await api.get<{ user: User }>("/api/me");
    return body.user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}, "me");

export const logout = action(async () => {
  await api.post<void>("/api/auth/logout");
}, "logout");

/** Organisers (of any unit) and admins: the 管理 area, check-in included. */
export function isOrganiser(user: User | null | undefined): boolean {
  return !!user?.roles.some((r: Role) => r.role === "admin" || r.role === "organiser");
}

/**
 * Does her own unit own the campaign (not merely a unit above)? Only then may she download
 * the full, unmasked list; the server checks the same and records every such download.
 */
export function ownsUnit(user: User | null | undefined, orgUnit: string): boolean {
  return !!user?.roles.some((r: Role) => r.role === "organiser" && r.orgUnit === orgUnit);
}

/** Flattens the units whether the API sends a flat list or a tree with `children`. */
function flatten(nodes: unknown[], parent?: string): OrgUnit[] {
  const out: OrgUnit[] = [];
  for (const node of nodes) {
    if (!node || typeof node !== "object") continue;
    const n = node as OrgUnit & { children?: unknown[] };
    const { children, ...unit } = n;
    out.push({ ...unit, parent: unit.parent ?? parent ?? null });
    if (Array.isArray(children)) out.push(...flatten(children, unit.id));
  }
  return out;
}

export const getOrgUnits = query(async (): Promise<OrgUnit[]> => {
  const body = await api.get<{ items?: unknown[] } | unknown[]>("/api/org-units");
  const list = Array.isArray(body) ? body : Array.isArray(body.items) ? body.items : [];
  return flatten(list);
}, "orgUnits");

/** Depth in the tree from the id path: `hn` 0 (province), `hn.cs` 1 (city), `hn.cs.yl` 2 (county). */
export function depthOf(unit: OrgUnit): number {
  return unit.id.split(".").length - 1;
}

/** A safe place to go back to after signing in: our own paths only. */
export function safeNext(next: string | undefined | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}
