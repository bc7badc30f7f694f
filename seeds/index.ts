export { orgUnits, type SeedOrgUnit } from "./org-units.ts";
export { localAccounts, type LocalAccount, type SeedRole } from "./accounts.ts";
export { seedCampaigns, chinaWallClock, type SeedCampaign } from "./campaigns.ts";
