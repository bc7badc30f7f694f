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
        // The entry's unit: whose quota the nomination takes, and whose organisers review it.
        { key: "unit", label: "推荐单位", labelEn: "Nominating unit", type: "orgUnit", required: true, public: true },
        { key: "deeds", label: "主要事迹", labelEn: "What she has done", type: "textarea", required: true, maxLength: 2000, public: true },
        { key: "photo", label: "照片", labelEn: "Photo", type: "image", required: false, max: 3, public: true, help: "最多3张", helpEn: "Up to 3 photos" },
        // The same woman is put forward once per campaign: compared by a keyed hash of this number, stored sealed.
        {
          key: "idNumber",
          label: "推荐对象身份证号",
          labelEn: "Nominee's resident ID number",
          type: "idNumber",
          required: true,
          personal: true,
          help: "只用来审核资格和避免重复推荐，不公开",
          helpEn: "Used only for the qualification check and to avoid nominating anyone twice; never shown",
        },
        { key: "phone", label: "联系电话", labelEn: "Contact number", type: "phone", required: true, personal: true },
        {
          ...consent,
          label: "我同意妇联为评选使用我填写的信息",
          labelEn: "I agree that the federation uses what I filled in for this selection",
          help: "身份证号和联系电话只用来审核和联系，不公开；姓名、推荐单位、事迹和照片会在投票和公示时展示。被推荐人已经知道并同意。",
          helpEn:
            "The ID number and contact number are used only to check and to contact, never shown; the name, nominating unit, deeds and photos appear during voting and the public notice. The nominee knows and agrees.",
        },
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
        // Not a byline unless the consent says so (this one does not): an organiser who wants one says so in hers.
        { key: "authorName", label: "作者姓名", labelEn: "Author", type: "text", required: true, maxLength: 20, personal: true },
        { key: "phone", label: "手机号", labelEn: "Mobile number", type: "phone", required: true, personal: true },
        { key: "city", label: "所在市州", labelEn: "City", type: "orgUnit", required: true, public: true },
        { key: "story", label: "故事内容", labelEn: "The story", type: "textarea", required: true, maxLength: 3000, public: true, help: "3000字以内", helpEn: "Up to 3000 characters" },
        { key: "photos", label: "配图", labelEn: "Photos", type: "image", required: false, max: 9, public: true, help: "可以不传，最多9张", helpEn: "Optional, up to 9 photos" },
        {
          ...consent,
          label: "我同意妇联展示和宣传我的故事",
          labelEn: "I agree that the federation shows and promotes my story",
          help: "故事题目、内容和配图会公开展示；作者姓名和手机号只用来联系，不公开。",
          helpEn: "The title, story and photos are shown publicly; the author's name and mobile number are used only to contact you, never shown.",
        },
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
