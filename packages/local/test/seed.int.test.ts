import { describe, it, expect } from "vitest";
import { getItem, type Db } from "@jinguo/core/db";
import { keys } from "@jinguo/core/table";
import { listOrgUnits, saveOrgUnits, type OrgUnit } from "@jinguo/core/org-units";
import { freshDb, systemClock } from "../../../test/harness.ts";
import { seed } from "../src/seed.ts";
import { orgUnits } from "../../../seeds/index.ts";

/**
 * What a data dir made before the full tree holds: the seeds as they were, the province, the 14
 * cities and 4 of 长沙's counties (浏阳 and 宁乡 without "City" in English). Copied here, not
 * derived from the seeds, because it is history.
 */
const OLD_UNITS: OrgUnit[] = [
  { id: "hn", name: "湖南省妇联", nameEn: "Hunan Women's Federation", parent: null, level: "province" },

  { id: "hn.cs", name: "长沙市妇联", nameEn: "Changsha Women's Federation", parent: "hn", level: "city" },
  { id: "hn.zz", name: "株洲市妇联", nameEn: "Zhuzhou Women's Federation", parent: "hn", level: "city" },
  { id: "hn.xt", name: "湘潭市妇联", nameEn: "Xiangtan Women's Federation", parent: "hn", level: "city" },
  { id: "hn.hy", name: "衡阳市妇联", nameEn: "Hengyang Women's Federation", parent: "hn", level: "city" },
  { id: "hn.sy", name: "邵阳市妇联", nameEn: "Shaoyang Women's Federation", parent: "hn", level: "city" },
  { id: "hn.yy", name: "岳阳市妇联", nameEn: "Yueyang Women's Federation", parent: "hn", level: "city" },
  { id: "hn.cd", name: "常德市妇联", nameEn: "Changde Women's Federation", parent: "hn", level: "city" },
  { id: "hn.zjj", name: "张家界市妇联", nameEn: "Zhangjiajie Women's Federation", parent: "hn", level: "city" },
  { id: "hn.yiy", name: "益阳市妇联", nameEn: "Yiyang Women's Federation", parent: "hn", level: "city" },
  { id: "hn.cz", name: "郴州市妇联", nameEn: "Chenzhou Women's Federation", parent: "hn", level: "city" },
  { id: "hn.yz", name: "永州市妇联", nameEn: "Yongzhou Women's Federation", parent: "hn", level: "city" },
  { id: "hn.hh", name: "怀化市妇联", nameEn: "Huaihua Women's Federation", parent: "hn", level: "city" },
  { id: "hn.ld", name: "娄底市妇联", nameEn: "Loudi Women's Federation", parent: "hn", level: "city" },
  {
    id: "hn.xx",
    name: "湘西土家族苗族自治州妇联",
    nameEn: "Xiangxi Tujia and Miao Autonomous Prefecture Women's Federation",
    parent: "hn",
    level: "city",
  },

  { id: "hn.cs.yl", name: "岳麓区妇联", nameEn: "Yuelu District Women's Federation", parent: "hn.cs", level: "county" },
  { id: "hn.cs.fr", name: "芙蓉区妇联", nameEn: "Furong District Women's Federation", parent: "hn.cs", level: "county" },
  { id: "hn.cs.ly", name: "浏阳市妇联", nameEn: "Liuyang Women's Federation", parent: "hn.cs", level: "county" },
  { id: "hn.cs.nx", name: "宁乡市妇联", nameEn: "Ningxiang Women's Federation", parent: "hn.cs", level: "county" },
];

/** The tree as stored, read past listOrgUnits' one-minute cache so a missed write cannot hide. */
async function storedUnits(db: Db): Promise<OrgUnit[]> {
  return (await getItem<{ units: OrgUnit[] }>(db, keys.orgUnits(), true))?.units ?? [];
}

/** Every item of the table, to compare whole states. Test-only: requests never Scan. */
async function snapshot(db: Db): Promise<string[]> {
  const { ScanCommand } = await import("@aws-sdk/client-dynamodb");
  const items: string[] = [];
  let start: Record<string, any> | undefined;
  do {
    const out = await db.client.send(new ScanCommand({ TableName: db.tableName, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []).map((i) => JSON.stringify(i)));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort();
}

describe("seeding org units", () => {
  it("starts a new data dir with the whole tree", async () => {
    const db = await freshDb();
    const report = await seed(db, systemClock, { localAccounts: false });
    expect(report.orgUnits).toBe(137);
    expect(await storedUnits(db)).toEqual(orgUnits);
  });

  it("adds the missing units to a data dir from before the full tree, and a second start changes nothing", async () => {
    const db = await freshDb();
    await seed(db, systemClock, { localAccounts: false });
    await saveOrgUnits(db, OLD_UNITS);
    // The way a running process sees it: the old tree in listOrgUnits' cache.
    expect(await listOrgUnits(db)).toHaveLength(19);

    const upgrade = await seed(db, systemClock, { localAccounts: false });
    expect(upgrade.orgUnits).toBe(137 - 19);
    expect(upgrade.campaignsCreated).toBe(0);
    const units = await storedUnits(db);
    expect(units).toHaveLength(137);
    expect(units.map((u) => u.id)).toEqual(orgUnits.map((u) => u.id));
    // What was stored is kept as it was, even where today's seeds say it differently.
    for (const old of OLD_UNITS) expect(units.find((u) => u.id === old.id)).toEqual(old);
    expect(units.find((u) => u.id === "hn.cs.ly")?.nameEn).toBe("Liuyang Women's Federation");
    expect(units.find((u) => u.id === "hn.hh.td")?.nameEn).toBe("Tongdao Dong Autonomous County Women's Federation");
    expect(await listOrgUnits(db)).toEqual(units);

    const before = await snapshot(db);
    const again = await seed(db, systemClock, { localAccounts: false });
    expect(again).toMatchObject({ orgUnits: 0, campaignsCreated: 0, sessionsCreated: 0 });
    expect(await snapshot(db)).toEqual(before);
  });

  it("keeps a stored unit the seeds do not know", async () => {
    const db = await freshDb();
    const own: OrgUnit = { id: "hn.cs.xj", name: "湘江新区妇联", nameEn: "Xiangjiang New Area Women's Federation", parent: "hn.cs", level: "county" };
    await saveOrgUnits(db, [...OLD_UNITS, own]);
    await seed(db, systemClock, { localAccounts: false });
    const units = await storedUnits(db);
    expect(units).toHaveLength(138);
    expect(units.at(-1)).toEqual(own);
  });
});
