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
    // gsi2: look-up by a code people type or scan (ticket codes).
    { name: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
  ],
} as const;

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
  // The waitlist lives in the session's own partition so "first in line" is a strongly
  // consistent Query; the sort key orders by arrival.
  waitlistPlace: (sessionId: string, arrival: string) => ({ pk: `SESSION#${sessionId}`, sk: `WAIT#${arrival}` }),
  waitlistPrefix: () => "WAIT#",
  idempotency: (scope: string, key: string) => ({ pk: `IDEMP#${scope}`, sk: key }),
  audit: (campaignId: string, at: string, id: string) => ({ pk: `AUDIT#${campaignId}`, sk: `${at}#${id}` }),
  auditPartition: (campaignId: string) => `AUDIT#${campaignId}`,
} as const;
