import type { Form } from "../forms/model.ts";
import type { Campaign, Kind, Phase, PhaseName } from "./model.ts";

const DAY = 86_400_000;

const consent = {
  key: "consent",
  label: "我同意妇联为组织本次活动使用我填写的信息",
  labelEn: "I agree that the federation uses what I filled in to organise this activity",
  type: "consent",
  required: true,
} as const;

/** What each kind asks and how it runs when the organiser says nothing else. */
export const presets: Record<Kind, { form: Form; phases: { name: PhaseName; days: number }[]; settings: Partial<Campaign> }> = {
  event: {
    form: {
      fields: [
        { key: "name", label: "姓名", labelEn: "Name", type: "text", required: true, maxLength: 20 },
        { key: "phone", label: "手机号", labelEn: "Mobile number", type: "phone", required: true },
        { key: "city", label: "所在市州", labelEn: "City", type: "orgUnit", required: true },
        consent,
      ],
    },
    phases: [{ name: "registration", days: 30 }, { name: "closed", days: 30 }],
    settings: {},
  },
  contest: {
    form: {
      fields: [
        { key: "teamName", label: "队伍名称", labelEn: "Team name", type: "text", required: true, maxLength: 40 },
        { key: "leaderName", label: "领队姓名", labelEn: "Team leader", type: "text", required: true, maxLength: 20 },
        { key: "phone", label: "领队手机号", labelEn: "Leader's mobile", type: "phone", required: true },
        { key: "county", label: "所在县市区", labelEn: "County", type: "orgUnit", required: true },
        consent,
      ],
    },
    phases: [
      { name: "registration", days: 30 },
      { name: "review", days: 10 },
      { name: "judging", days: 14 },
      { name: "publicity", days: 7 },
      { name: "closed", days: 30 },
    ],
    settings: {},
  },
  selection: {
    form: {
      fields: [
        { key: "nomineeName", label: "推荐对象姓名", labelEn: "Nominee", type: "text", required: true, maxLength: 40 },
        { key: "unit", label: "推荐单位", labelEn: "Nominating unit", type: "orgUnit", required: true },
        { key: "deeds", label: "主要事迹", labelEn: "What she has done", type: "textarea", required: true, maxLength: 2000 },
        { key: "phone", label: "联系电话", labelEn: "Contact number", type: "phone", required: true },
        consent,
      ],
    },
    phases: [
      { name: "submission", days: 30 },
      { name: "review", days: 10 },
      { name: "judging", days: 10 },
      { name: "voting", days: 7 },
      { name: "publicity", days: 7 },
      { name: "closed", days: 30 },
    ],
    settings: { voting: { votesPerDay: 5, perEntryPerDay: 1, showCounts: true }, weights: { judges: 0.7, public: 0.3 }, quota: { perUnit: 3 } },
  },
  collection: {
    form: {
      fields: [
        { key: "title", label: "故事题目", labelEn: "Story title", type: "text", required: true, maxLength: 60 },
        { key: "authorName", label: "作者姓名", labelEn: "Author", type: "text", required: true, maxLength: 20 },
        { key: "phone", label: "手机号", labelEn: "Mobile number", type: "phone", required: true },
        { key: "story", label: "故事内容", labelEn: "The story", type: "textarea", required: true, maxLength: 5000 },
        consent,
      ],
    },
    phases: [
      { name: "submission", days: 30 },
      { name: "review", days: 10 },
      { name: "voting", days: 14 },
      { name: "judging", days: 10 },
      { name: "publicity", days: 7 },
      { name: "closed", days: 30 },
    ],
    settings: { voting: { votesPerDay: 3, perEntryPerDay: 1, showCounts: true } },
  },
};

/** The preset's phases laid end to end, the first opening now. */
export function presetPhases(kind: Kind, now: Date): Phase[] {
  let t = now.getTime();
  return presets[kind].phases.map(({ name, days }) => {
    const phase = { name, opensAt: new Date(t).toISOString(), closesAt: new Date(t + days * DAY).toISOString() };
    t += days * DAY;
    return phase;
  });
}
