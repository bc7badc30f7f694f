import { putItem, query, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import type { Clock } from "../clock/index.ts";

export interface AuditEntry {
  id: string;
  campaignId: string;
  at: string;
  actorId: string;
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

/** Who did what, when: kept per campaign. Never personal data in `details`, only ids. */
export async function record(db: Db, clock: Clock, entry: Omit<AuditEntry, "id" | "at">): Promise<void> {
  const at = clock.now().toISOString();
  const id = newId("a");
  await putItem(db, { ...keys.audit(entry.campaignId, at, id), ...entry, id, at });
}

export async function list(db: Db, campaignId: string, limit = 50, cursor?: Record<string, any>) {
  const page = await query<AuditEntry & { pk: string; sk: string }>(db, {
    partition: keys.auditPartition(campaignId),
    newestFirst: true,
    limit,
    cursor,
  });
  return { items: page.items.map(({ pk, sk, ...e }) => e), next: page.next };
}
