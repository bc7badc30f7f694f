import type { Db } from "@jinguo/core/db";
import { isConditionFailed } from "@jinguo/core/db";
import type { Clock } from "@jinguo/core/clock";
import * as Campaigns from "@jinguo/core/campaigns";
import * as Registration from "@jinguo/core/registration";
import { listOrgUnits, saveOrgUnits } from "@jinguo/core/org-units";
import { setRoles, userForPhone } from "@jinguo/core/identity";
import { orgUnits, localAccounts, seedCampaigns } from "../../../seeds/index.ts";

export interface SeedReport {
  orgUnits: number;
  campaignsCreated: number;
  sessionsCreated: number;
  accounts: number;
}

/**
 * Loads the seeds. Idempotent: what exists is left as it is (dates included, since they were
 * set relative to the first start), so a second start changes nothing.
 */
export async function seed(db: Db, clock: Clock, opts: { localAccounts: boolean }): Promise<SeedReport> {
  const report: SeedReport = { orgUnits: 0, campaignsCreated: 0, sessionsCreated: 0, accounts: 0 };
  if ((await listOrgUnits(db)).length === 0) {
    await saveOrgUnits(db, orgUnits);
    report.orgUnits = orgUnits.length;
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
  if (opts.localAccounts) {
    for (const account of localAccounts) {
      const user = await userForPhone(db, clock, account.phone);
      if (user.roles.length === 0 && account.roles.length > 0) await setRoles(db, user.id, account.roles, account.name);
      report.accounts++;
    }
  }
  return report;
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
