import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { orgUnits, type SeedOrgUnit } from "../../../seeds/index.ts";

/** seeds/data/hunan-org-units.tsv: comment lines (#), a header, then id, place, parent, level. */
function readTsv(): { id: string; name: string; parent: string | null; level: string }[] {
  const text = readFileSync(new URL("../../../seeds/data/hunan-org-units.tsv", import.meta.url), "utf8");
  const [header, ...rows] = text.split(/\r?\n/).filter((line) => line.trim() !== "" && !line.startsWith("#"));
  expect(header!.split("\t")).toEqual(["id", "name", "parent", "level"]);
  return rows.map((row) => {
    const [id, name, parent, level, ...rest] = row.split("\t");
    expect(rest, row).toEqual([]);
    return { id: id!, name: name!, parent: parent ? parent : null, level: level! };
  });
}

/** What the Chinese says the unit is, as the English must say it too. */
function kindWord(unit: SeedOrgUnit): string | undefined {
  if (unit.level !== "county") return undefined;
  const place = unit.name.replace(/妇联$/, "");
  if (place.endsWith("自治县")) return "Autonomous County";
  if (place.endsWith("区")) return "District";
  if (place.endsWith("县")) return "County";
  if (place.endsWith("市")) return "City";
  return "?";
}

/** The rules any tree of units keeps; returns what breaks them, so a broken tree can be shown to fail. */
function treeProblems(units: SeedOrgUnit[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const byId = new Map(units.map((u) => [u.id, u]));
  const depth = { province: 0, city: 1, county: 2 } as const;
  for (const u of units) {
    if (ids.has(u.id)) problems.push(`${u.id}: twice`);
    ids.add(u.id);
    if (u.level === "province") {
      if (u.parent !== null) problems.push(`${u.id}: a province has no parent`);
      if (u.id.includes(".")) problems.push(`${u.id}: not a root id`);
    } else {
      const parent = u.parent === null ? undefined : byId.get(u.parent);
      if (!parent) problems.push(`${u.id}: parent ${u.parent} missing`);
      else {
        if (depth[parent.level] !== depth[u.level] - 1) problems.push(`${u.id}: level ${u.level} under ${parent.level}`);
        const tail = u.id.slice(parent.id.length + 1);
        if (!u.id.startsWith(`${parent.id}.`) || !/^[a-z]+$/.test(tail)) problems.push(`${u.id}: not a dotted path under ${parent.id}`);
      }
    }
    if (!u.name.endsWith("妇联")) problems.push(`${u.id}: name ${u.name} is not a 妇联`);
    if (!/^[\x20-\x7e]+$/.test(u.nameEn) || !u.nameEn.endsWith(" Women's Federation") || u.nameEn === " Women's Federation")
      problems.push(`${u.id}: English name ${JSON.stringify(u.nameEn)}`);
    const word = kindWord(u);
    if (word && !u.nameEn.endsWith(` ${word} Women's Federation`)) problems.push(`${u.id}: ${u.name} says ${word}, not ${u.nameEn}`);
    if (word === "County" && / (District|City|Autonomous) County/.test(u.nameEn)) problems.push(`${u.id}: ${u.nameEn}`);
  }
  return problems;
}

describe("the seeded org units", () => {
  it("are exactly the units of the TSV: ids, names (+妇联), parents and levels, in its order", () => {
    const tsv = readTsv();
    expect(orgUnits.map(({ id, name, parent, level }) => ({ id, name, parent, level }))).toEqual(
      tsv.map((u) => ({ ...u, name: `${u.name}妇联` })),
    );
  });

  it("are the province, its 14 市州 and their 122 县市区", () => {
    const count = (level: SeedOrgUnit["level"]) => orgUnits.filter((u) => u.level === level).length;
    expect([count("province"), count("city"), count("county")]).toEqual([1, 14, 122]);
    expect(orgUnits).toHaveLength(137);
  });

  it("form a tree of dotted ids with a plain-ASCII English name of the right kind each", () => {
    expect(treeProblems(orgUnits)).toEqual([]);
  });

  it("keep the ids and names the rest of the seeds and the accounts use", () => {
    const byId = new Map(orgUnits.map((u) => [u.id, u]));
    expect(byId.get("hn")?.name).toBe("湖南省妇联");
    expect(byId.get("hn.cs")?.nameEn).toBe("Changsha Women's Federation");
    expect(byId.get("hn.cs.yl")?.nameEn).toBe("Yuelu District Women's Federation");
    expect(byId.get("hn.cs.ly")?.nameEn).toBe("Liuyang City Women's Federation");
    expect(byId.get("hn.hh.td")?.nameEn).toBe("Tongdao Dong Autonomous County Women's Federation");
    expect(byId.get("hn.hh.jz")?.nameEn).toBe("Jingzhou Miao and Dong Autonomous County Women's Federation");
    expect(byId.get("hn.xx")?.nameEn).toBe("Xiangxi Tujia and Miao Autonomous Prefecture Women's Federation");
  });

  it("would be caught if broken (negative controls)", () => {
    const copy = () => orgUnits.map((u) => ({ ...u }));
    const orphan = copy();
    orphan[5]!.parent = "hn.nowhere";
    expect(treeProblems(orphan).join()).toMatch(/parent hn\.nowhere missing/);
    const offPath = copy();
    offPath.find((u) => u.id === "hn.zz.yx")!.parent = "hn.cs";
    expect(treeProblems(offPath).join()).toMatch(/hn\.zz\.yx: not a dotted path under hn\.cs/);
    const toned = copy();
    toned.find((u) => u.id === "hn.cs.ly")!.nameEn = "Liúyáng City Women's Federation";
    expect(treeProblems(toned).join()).toMatch(/hn\.cs\.ly: English name/);
    const wrongWord = copy();
    wrongWord.find((u) => u.id === "hn.hh.td")!.nameEn = "Tongdao Dong County Women's Federation";
    expect(treeProblems(wrongWord).join()).toMatch(/hn\.hh\.td: 通道侗族自治县妇联 says Autonomous County/);
    const empty = copy();
    empty[0]!.nameEn = "";
    expect(treeProblems(empty).join()).toMatch(/hn: English name ""/);
  });
});
