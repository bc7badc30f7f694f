/**
 * Accounts for the local stage only (API.md, "Local accounts"): sign in with the number and
 * the code from the dev outbox. Never loaded in the cloud.
 */
export type SeedRole = { role: "admin" } | { role: "organiser"; orgUnit: string } | { role: "judge" };

export interface LocalAccount {
  phone: string;
  name: string;
  roles: SeedRole[];
  note: string;
}

export const localAccounts: LocalAccount[] = [
  {
    phone: "13800000000",
    name: "刘湘云",
    roles: [{ role: "admin" }, { role: "organiser", orgUnit: "hn" }],
    note: "管理员，湖南省妇联",
  },
  {
    phone: "13800000001",
    name: "陈丽华",
    roles: [{ role: "organiser", orgUnit: "hn.cs" }],
    note: "组织者，长沙市妇联",
  },
  {
    phone: "13800000002",
    name: "王芳",
    roles: [{ role: "organiser", orgUnit: "hn.zz" }],
    note: "组织者，株洲市妇联",
  },
  {
    phone: "13800000003",
    name: "李秀英",
    // A judge with no round yet: organisers invite her number to a round (API.md).
    roles: [{ role: "judge" }],
    note: "评委，等待邀请",
  },
];
