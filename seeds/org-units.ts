/**
 * The federation's units in Hunan: the province, its 14 市州 and, as the third level, a few
 * of 长沙's 县市区 (enough to show an organiser scoped to a subtree). Ids are dotted paths so
 * that "this unit and below" is a prefix test.
 */
export interface SeedOrgUnit {
  id: string;
  name: string;
  nameEn: string;
  parent: string | null;
  level: "province" | "city" | "county";
}

export const orgUnits: SeedOrgUnit[] = [
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
