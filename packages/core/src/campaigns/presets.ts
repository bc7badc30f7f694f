import type { Form } from "../forms/model.ts";
import type { Campaign, Capability, Kind, Phase, PhaseName } from "./model.ts";

const DAY = 86_400_000;

const consent = {
  key: "consent",
  label: "我同意妇联为组织本次活动使用我填写的信息",
  labelEn: "I agree that the federation uses what I filled in to organise this activity",
  type: "consent",
  required: true,
  personal: false,
} as const;

export interface Preset {
  /** what campaigns of this kind have */
  capabilities: readonly Capability[];
  /** the phase in which the public takes part first: registration (seats, teams) or submission (nominations, stories) */
  intakePhase: PhaseName;
  form: Form;
  phases: { name: PhaseName; days: number }[];
  settings: Partial<Campaign>;
}

/** What each kind has, asks and how it runs when the organiser says nothing else. */
export const presets: Record<Kind, Preset> = {
  event: {
    capabilities: ["sessions"],
    intakePhase: "registration",
    form: {
      fields: [
        { key: "name", label: "姓名", labelEn: "Name", type: "text", required: true, maxLength: 20, personal: true },
        { key: "phone", label: "手机号", labelEn: "Mobile number", type: "phone", required: true, personal: true },
        { key: "city", label: "所在市州", labelEn: "City", type: "orgUnit", required: true, personal: false },
        consent,
      ],
    },
    phases: [{ name: "registration", days: 30 }, { name: "closed", days: 30 }],
    settings: {},
  },
  contest: {
    capabilities: ["entries", "rounds", "results"],
    intakePhase: "registration",
    form: {
      fields: [
        { key: "teamName", label: "队伍名称", labelEn: "Team name", type: "text", required: true, maxLength: 40, public: true },
        { key: "leaderName", label: "领队姓名", labelEn: "Team leader's name", type: "text", required: true, maxLength: 20, personal: true },
        { key: "leaderPhone", label: "领队手机号", labelEn: "Team leader's mobile number", type: "phone", required: true, personal: true },
        { key: "memberCount", label: "队员人数", labelEn: "Number of team members", type: "number", required: true, min: 8, max: 30, public: true, help: "8到30人", helpEn: "8 to 30" },
        { key: "county", label: "所属县市区", labelEn: "County or district", type: "orgUnit", required: true, public: true },
        { key: "description", label: "队伍简介", labelEn: "About the team", type: "textarea", required: true, maxLength: 300, public: true, help: "300字以内", helpEn: "Up to 300 characters" },
        { key: "photo", label: "队伍照片", labelEn: "Team photo", type: "image", required: false, max: 1, public: true, help: "可以不传，最多1张", helpEn: "Optional, one photo at most" },
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
    capabilities: ["entries", "nominations", "rounds", "voting", "results"],
    intakePhase: "submission",
    form: {
      fields: [
        // An honour is announced by name (公示): the nominee's name is public, her contact is not.
        { key: "nomineeName", label: "推荐对象姓名", labelEn: "Nominee", type: "text", required: true, maxLength: 40, public: true },
        { key: "unit", label: "推荐单位", labelEn: "Nominating unit", type: "orgUnit", required: true, public: true },
        { key: "deeds", label: "主要事迹", labelEn: "What she has done", type: "textarea", required: true, maxLength: 2000, public: true },
        { key: "phone", label: "联系电话", labelEn: "Contact number", type: "phone", required: true, personal: true },
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
    capabilities: ["entries", "voting", "rounds", "results"],
    intakePhase: "submission",
    form: {
      fields: [
        { key: "title", label: "故事题目", labelEn: "Story title", type: "text", required: true, maxLength: 60, public: true },
        { key: "authorName", label: "作者姓名", labelEn: "Author", type: "text", required: true, maxLength: 20, personal: true },
        { key: "phone", label: "手机号", labelEn: "Mobile number", type: "phone", required: true, personal: true },
        { key: "story", label: "故事内容", labelEn: "The story", type: "textarea", required: true, maxLength: 5000, public: true },
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

export const hasCapability = (campaign: Pick<Campaign, "kind">, capability: Capability) => presets[campaign.kind].capabilities.includes(capability);

/** The phase in which the public takes part first, and whether it is open now. */
export function intake(campaign: Pick<Campaign, "kind" | "phases">, now: Date) {
  const phase = presets[campaign.kind].intakePhase;
  const window = campaign.phases.find((p) => p.name === phase);
  const t = now.getTime();
  const open = !!window && Date.parse(window.opensAt) <= t && t < Date.parse(window.closesAt);
  return { phase, open, ...(window ? { opensAt: window.opensAt, closesAt: window.closesAt } : {}) };
}
