import type { Db } from "@jinguo/core/db";
import { isConditionFailed } from "@jinguo/core/db";
import type { Clock } from "@jinguo/core/clock";
import * as Campaigns from "@jinguo/core/campaigns";
import * as Registration from "@jinguo/core/registration";
import { listOrgUnits, saveOrgUnits, type OrgUnit } from "@jinguo/core/org-units";
import { setRoles, userForPhone } from "@jinguo/core/identity";
import { orgUnits, localAccounts, seedCampaigns } from "../../../seeds/index.ts";

export interface SeedReport {
  /** Org units added by this start: all of them on a new data dir, the missing ones on an old one. */
  orgUnits: number;
  campaignsCreated: number;
  sessionsCreated: number;
  accounts: number;
}

/**
 * Loads the seeds. Idempotent: what exists is left as it is (dates included, since they were
 * set relative to the first start), so a second start changes nothing. Org units the seeds
 * gained since the data dir was made are added on the next start.
 */
export async function seed(db: Db, clock: Clock, opts: { localAccounts: boolean }): Promise<SeedReport> {
  const report: SeedReport = { orgUnits: 0, campaignsCreated: 0, sessionsCreated: 0, accounts: 0 };
  const stored = await listOrgUnits(db);
  const storedIds = new Set(stored.map((u) => u.id));
  const missing = orgUnits.filter((u) => !storedIds.has(u.id));
  if (missing.length > 0) {
    await saveOrgUnits(db, withMissingUnits(stored, orgUnits));
    report.orgUnits = missing.length;
  }
  for (const { campaign, sessions } of seedCampaigns(clock.now())) {
    const { id, status, ...input } = campaign;
    const created = await ifNew(() => Campaigns.createCampaign(db, clock, input, id));
    if (created) {
      report.campaignsCreated++;
      if (status === "published") await Campaigns.publishCampaign(db, clock, id);
    }
    for (const { id: sessionId, ...session } of sessions) {
      if (await ifNew(() => Registration.addSession(db, id, session, sessionId))) report.sessionsCreated++;
    }
  }
  const all = await Campaigns.listCampaigns(db, clock, { includeDrafts: true });
  await Registration.backfillSessionEpochs(db, all.map((c) => c.id));
  if (opts.localAccounts) {
    for (const account of localAccounts) {
      const user = await userForPhone(db, clock, account.phone);
      if (user.roles.length === 0 && account.roles.length > 0) await setRoles(db, user.id, account.roles, account.name);
      report.accounts++;
    }
  }
  return report;
}

/**
 * The seeds' tree with what is stored kept as it is: a unit already there (renamed, say) stays
 * stored's version, and one the seeds do not know stays too, at the end. The seeds' order
 * otherwise, so a data dir from before the full tree lists its new counties under their cities.
 */
function withMissingUnits(stored: OrgUnit[], seeds: OrgUnit[]): OrgUnit[] {
  const byId = new Map(stored.map((u) => [u.id, u]));
  const seedIds = new Set(seeds.map((u) => u.id));
  return [...seeds.map((u) => byId.get(u.id) ?? u), ...stored.filter((u) => !seedIds.has(u.id))];
}

async function ifNew(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}
