import { getItem, putItem, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";

export interface OrgUnit {
  id: string;
  name: string;
  nameEn: string;
  parent: string | null;
  level: "province" | "city" | "county";
}

/**
 * Does the scope (an organiser's unit) cover this unit? A unit covers itself and everything
 * below it: `hn` covers `hn.cs.yl`; `hn.zz` does not cover `hn.cs` (never a sibling).
 */
export const covers = (scope: string, unit: string) => unit === scope || unit.startsWith(`${scope}.`);

// The tree changes a few times a year; reading it once a minute per process is plenty.
const cache = new WeakMap<Db, { at: number; units: OrgUnit[] }>();

export async function saveOrgUnits(db: Db, units: OrgUnit[]): Promise<void> {
  await putItem(db, { ...keys.orgUnits(), units });
  cache.delete(db);
}

export async function listOrgUnits(db: Db): Promise<OrgUnit[]> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < 60_000) return hit.units;
  const item = await getItem<{ units: OrgUnit[] }>(db, keys.orgUnits(), false);
  const units = item?.units ?? [];
  if (units.length > 0) cache.set(db, { at: Date.now(), units });
  return units;
}

export async function orgUnitIds(db: Db): Promise<Set<string>> {
  return new Set((await listOrgUnits(db)).map((u) => u.id));
}
