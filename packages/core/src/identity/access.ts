import { covers } from "../org-units/index.ts";

export type Role = { role: "admin" } | { role: "organiser"; orgUnit: string } | { role: "judge" };

export interface Actor {
  id: string;
  roles: Role[];
}

export const isAdmin = (a: Actor) => a.roles.some((r) => r.role === "admin");

/** The units an organiser manages (each with everything below it). */
export const organiserScopes = (a: Actor) =>
  isAdmin(a) ? ["hn"] : a.roles.flatMap((r) => (r.role === "organiser" ? [r.orgUnit] : []));

export const isOrganiser = (a: Actor) => organiserScopes(a).length > 0;

/** May this person manage what the unit owns? Own unit and below; admin: all. */
export const canManage = (a: Actor, orgUnit: string) => isAdmin(a) || organiserScopes(a).some((s) => covers(s, orgUnit));

/**
 * Does her own unit own it (not merely a unit above)? Full, unmasked exports need this:
 * the province can manage a city's campaign, but the city's personal data stays the city's.
 */
export const owns = (a: Actor, orgUnit: string) =>
  a.roles.some((r) => r.role === "organiser" && r.orgUnit === orgUnit);
