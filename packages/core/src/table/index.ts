/**
 * The one table. Local start-up, tests, infra/ (SST) and infra/cdk/ all build it from this
 * definition, so the shape of the data can only drift in one place.
 *
 * Generic key names with typed prefixes (single-table design); every key is built by `keys`
 * below and nowhere else.
 */
export const tableDefinition = {
  partitionKey: "pk",
  sortKey: "sk",
  ttlAttribute: "expiresAt",
  globalIndexes: [
    // gsi1: things that belong to a person or to a listing (my registrations, all campaigns).
    { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
    // gsi2: look-up by a second attribute: a code people type or scan (ticket codes), or a
    // listing by state (a campaign's entries by status).
    { name: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
  ],
} as const;

/** How many partitions the writes of votes are spread over (see keys.voteCounterShard). */
export const VOTE_SHARDS = 10;

export type IndexName = (typeof tableDefinition.globalIndexes)[number]["name"];

/** Parameters for CreateTable (local and tests); the cloud declares the same in infra/. */
export function createTableInput(tableName: string) {
  const attrs = new Set<string>([tableDefinition.partitionKey, tableDefinition.sortKey]);
  for (const g of tableDefinition.globalIndexes) {
    attrs.add(g.partitionKey);
    attrs.add(g.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: [...attrs].map((name) => ({ AttributeName: name, AttributeType: "S" as const })),
    KeySchema: [
      { AttributeName: tableDefinition.partitionKey, KeyType: "HASH" as const },
      { AttributeName: tableDefinition.sortKey, KeyType: "RANGE" as const },
    ],
    GlobalSecondaryIndexes: tableDefinition.globalIndexes.map((g) => ({
      IndexName: g.name,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: "HASH" as const },
        { AttributeName: g.sortKey, KeyType: "RANGE" as const },
      ],
      Projection: { ProjectionType: "ALL" as const },
    })),
  };
}

/** Every key of the table, in one place. */
export const keys = {
  orgUnits: () => ({ pk: "ORGUNITS", sk: "TREE" }),
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: "USER" }),
  phone: (phone: string) => ({ pk: `PHONE#${phone}`, sk: "USER" }),
  otp: (phone: string) => ({ pk: `PHONE#${phone}`, sk: "OTP" }),
  otpOutbox: (phone: string, sentAt: string) => ({ pk: `OUTBOX#${phone}`, sk: `SMS#${sentAt}` }),
  outboxPartition: (phone: string) => `OUTBOX#${phone}`,
  noticeOutbox: (phone: string, sentAt: string) => ({ pk: `NOTICES#${phone}`, sk: `SMS#${sentAt}` }),
  noticePartition: (phone: string) => `NOTICES#${phone}`,
  rateWindow: (scope: string, subject: string, window: string) => ({ pk: `RATE#${scope}#${subject}`, sk: window }),
  campaign: (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: "CAMPAIGN" }),
  campaignPartition: (campaignId: string) => `CAMPAIGN#${campaignId}`,
  campaignListing: (createdAt: string, campaignId: string) => ({ gsi1pk: "CAMPAIGNS", gsi1sk: `${createdAt}#${campaignId}` }),
  campaignListingPartition: () => "CAMPAIGNS",
  session: (campaignId: string, sessionId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: `SESSION#${sessionId}` }),
  sessionPrefix: () => "SESSION#",
  registration: (sessionId: string, userId: string) => ({ pk: `SESSION#${sessionId}`, sk: `REG#${userId}` }),
  registrationPartition: (sessionId: string) => `SESSION#${sessionId}`,
  registrationPrefix: () => "REG#",
  registrationByOwner: (userId: string, createdAt: string) => ({ gsi1pk: `USER#${userId}#REGS`, gsi1sk: createdAt }),
  ownerRegistrationsPartition: (userId: string) => `USER#${userId}#REGS`,
  ticket: (ticketCode: string) => ({ gsi2pk: `TICKET#${ticketCode}`, gsi2sk: "TICKET" }),
  // A check-in code is claimed by this item in the registration's own transaction
  // (attribute_not_exists), so two live tickets never share a code; it names its registration,
  // so the door finds a ticket by one strongly consistent read. It is never released: a code
  // once given out is not given to another woman.
  ticketCodeClaim: (ticketCode: string) => ({ pk: `TICKETCODE#${ticketCode}`, sk: "CLAIM" }),
  // The waitlist lives in the session's own partition so "first in line" is a strongly
  // consistent Query; the sort key orders by arrival.
  waitlistPlace: (sessionId: string, arrival: string) => ({ pk: `SESSION#${sessionId}`, sk: `WAIT#${arrival}` }),
  waitlistPrefix: () => "WAIT#",
  idempotency: (scope: string, key: string) => ({ pk: `IDEMP#${scope}`, sk: key }),
  // Sign-outs: one listing partition that every process re-reads from where it left off
  // (sort key = when), so checking a session cookie never reads the table per request.
  revocation: (at: string, id: string) => ({ pk: "REVOKED", sk: `${at}#${id}` }),
  revocationPartition: () => "REVOKED",
  // Messages to a person (the outbox): her own partition is her notices (newest first); a
  // pending one is also in the sparse gsi1 listing the dispatcher reads, removed when sent.
  notice: (userId: string, at: string, id: string) => ({ pk: `USER#${userId}#NOTICES`, sk: `${at}#${id}` }),
  noticesPartition: (userId: string) => `USER#${userId}#NOTICES`,
  pendingNotice: (at: string, id: string) => ({ gsi1pk: "OUTBOX#PENDING", gsi1sk: `${at}#${id}` }),
  pendingNoticesPartition: () => "OUTBOX#PENDING",
  // Entries (a team, a nominee, a story): each its own partition, never read with the campaign
  // page; listed per campaign and status (gsi2: a status change moves it) and per submitter (gsi1).
  entry: (entryId: string) => ({ pk: `ENTRY#${entryId}`, sk: "ENTRY" }),
  entryByStatus: (campaignId: string, status: string, createdAt: string, entryId: string) => ({
    gsi2pk: `CAMPAIGN#${campaignId}#ENTRIES#${status}`,
    gsi2sk: `${createdAt}#${entryId}`,
  }),
  entriesByStatusPartition: (campaignId: string, status: string) => `CAMPAIGN#${campaignId}#ENTRIES#${status}`,
  entryByOwner: (userId: string, createdAt: string, entryId: string) => ({ gsi1pk: `USER#${userId}#ENTRIES`, gsi1sk: `${createdAt}#${entryId}` }),
  ownerEntriesPartition: (userId: string) => `USER#${userId}#ENTRIES`,
  // How many live entries one person has in one campaign: a conditional counter in the same
  // transaction as the entry, so "one entry per leader" holds under any concurrency.
  entrantCount: (campaignId: string, userId: string) => ({ pk: `ENTRANT#${campaignId}#${userId}`, sk: "COUNT" }),
  // An uploaded image (its bytes live in the upload store, not in the table).
  upload: (uploadId: string) => ({ pk: `UPLOAD#${uploadId}`, sk: "UPLOAD" }),
  // Rounds: the round, its judges and every score live in the round's partition, so closing a
  // round is one Query of that partition; the campaign lists its rounds, a judge hers (gsi1).
  round: (roundId: string) => ({ pk: `ROUND#${roundId}`, sk: "ROUND" }),
  roundPartition: (roundId: string) => `ROUND#${roundId}`,
  roundByCampaign: (campaignId: string, createdAt: string, roundId: string) => ({ gsi1pk: `CAMPAIGN#${campaignId}#ROUNDS`, gsi1sk: `${createdAt}#${roundId}` }),
  campaignRoundsPartition: (campaignId: string) => `CAMPAIGN#${campaignId}#ROUNDS`,
  roundJudge: (roundId: string, userId: string) => ({ pk: `ROUND#${roundId}`, sk: `JUDGE#${userId}` }),
  roundJudgePrefix: () => "JUDGE#",
  judgeAssignment: (userId: string, roundId: string) => ({ gsi1pk: `USER#${userId}#JUDGING`, gsi1sk: roundId }),
  judgeAssignmentsPartition: (userId: string) => `USER#${userId}#JUDGING`,
  // One score per judge per entry per round, by key; her scores share a prefix (submit counts them).
  score: (roundId: string, judgeId: string, entryId: string) => ({ pk: `ROUND#${roundId}`, sk: `SCORE#${judgeId}#${entryId}` }),
  scorePrefix: (judgeId?: string) => (judgeId ? `SCORE#${judgeId}#` : "SCORE#"),
  // A closed round's ranking, one item per entry.
  roundResult: (roundId: string, entryId: string) => ({ pk: `ROUND#${roundId}`, sk: `RESULT#${entryId}` }),
  roundResultPrefix: () => "RESULT#",
  // Nominations: a unit's quota is a conditional counter in the nomination's transaction; a
  // nominee is unique per campaign by a keyed hash of her resident ID (never the ID itself).
  nominationQuota: (campaignId: string, unitId: string) => ({ pk: `QUOTA#${campaignId}#${unitId}`, sk: "COUNT" }),
  nominee: (campaignId: string, idHash: string) => ({ pk: `NOMINEE#${campaignId}#${idHash}`, sk: "NOMINEE" }),
  // Votes: one item per campaign × China day × voter × entry (the voter's day is her own
  // partition), her allowance for the day, and counters in shards. Everything every vote touches
  // is spread over VOTE_SHARDS partitions (the shard is chosen per vote), so one hot entry or one
  // busy campaign never throttles a single partition; the leaderboard is a cached aggregate.
  vote: (campaignId: string, day: string, voterId: string, entryId: string) => ({ pk: `VOTES#${campaignId}#${day}#${voterId}`, sk: `ENTRY#${entryId}` }),
  voterDayPartition: (campaignId: string, day: string, voterId: string) => `VOTES#${campaignId}#${day}#${voterId}`,
  voteAllowance: (campaignId: string, day: string, voterId: string) => ({ pk: `VOTES#${campaignId}#${day}#${voterId}`, sk: "ALLOWANCE" }),
  // Every vote of a campaign (recounts, fraud review), in gsi1 partitions by shard, by time.
  voteByCampaign: (campaignId: string, shard: number, at: string, voteId: string) => ({ gsi1pk: `CAMPAIGN#${campaignId}#VOTES#${shard}`, gsi1sk: `${at}#${voteId}` }),
  campaignVotesPartition: (campaignId: string, shard: number) => `CAMPAIGN#${campaignId}#VOTES#${shard}`,
  // A voter's votes in a campaign across days (voiding by voter).
  voteByVoter: (campaignId: string, voterId: string, at: string) => ({ gsi2pk: `CAMPAIGN#${campaignId}#VOTER#${voterId}`, gsi2sk: at }),
  voterVotesPartition: (campaignId: string, voterId: string) => `CAMPAIGN#${campaignId}#VOTER#${voterId}`,
  // One shard partition holds that shard's counter of every entry: the leaderboard reads VOTE_SHARDS partitions.
  voteCounterShard: (campaignId: string, shard: number, entryId: string) => ({ pk: `VOTECOUNT#${campaignId}#${shard}`, sk: `ENTRY#${entryId}` }),
  voteCounterPartition: (campaignId: string, shard: number) => `VOTECOUNT#${campaignId}#${shard}`,
  leaderboard: (campaignId: string) => ({ pk: `LEADERBOARD#${campaignId}`, sk: "LEADERBOARD" }),
  // 公示 objections, seen by the organisers.
  objection: (campaignId: string, at: string, id: string) => ({ pk: `OBJECTIONS#${campaignId}`, sk: `${at}#${id}` }),
  objectionsPartition: (campaignId: string) => `OBJECTIONS#${campaignId}`,
  audit: (campaignId: string, at: string, id: string) => ({ pk: `AUDIT#${campaignId}`, sk: `${at}#${id}` }),
  auditPartition: (campaignId: string) => `AUDIT#${campaignId}`,
} as const;
