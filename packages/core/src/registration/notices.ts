import type { Db } from "../db/index.ts";
import type { SmsSender } from "../sms/index.ts";
import { getUser } from "../identity/users.ts";
import { getCampaignRecent } from "../campaigns/index.ts";
import { t } from "../messages/index.ts";
import { chinaTimeText } from "../clock/index.ts";
import { getSession, type Promotion } from "./seats.ts";

/**
 * Tells each promoted woman by SMS that her waitlist place became a seat (as pretix mails a
 * waiting-list voucher). Her seat is already hers; a failed message is logged, not retried,
 * and never undoes the promotion. The log line names ids only, never a number.
 */
export async function tellPromoted(db: Db, sms: SmsSender, promoted: Promotion[]): Promise<void> {
  for (const p of promoted) {
    try {
      const [user, session, campaign] = await Promise.all([
        getUser(db, p.userId),
        getSession(db, p.campaignId, p.sessionId),
        getCampaignRecent(db, p.campaignId),
      ]);
      if (!user || !session || !campaign) continue;
      const when = chinaTimeText(session.startsAt);
      await sms.sendNotice(user.phone, t("notice.promoted", "zh-CN", { campaign: campaign.title, session: session.title, when }));
    } catch (err) {
      console.error(`[notice] promotion notice for ${p.userId} in ${p.sessionId} failed: ${(err as Error).message}`);
    }
  }
}
