/**
 * The campaigns of the Hunan federation's 2019 plan (plan/hunan-womens-federation-2019-work-plan.txt),
 * as the platform runs them. Dates are relative to the moment of seeding so that a fresh
 * database always has campaigns open; ids are fixed slugs so that seeding twice changes nothing.
 */
import type { Campaign, Phase, PhaseName, Session } from "../packages/core/src/campaigns/model.ts";
import type { FormField } from "../packages/core/src/forms/model.ts";

export interface SeedCampaign {
  campaign: Omit<Campaign, "createdAt" | "updatedAt" | "publishedAt">;
  sessions: Omit<Session, "campaignId" | "taken" | "waiting">[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** China has one time zone and no daylight saving: Asia/Shanghai is always UTC+8. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * `at(days, "14:30")`: the China calendar day `days` after `now`, at that wall-clock time,
 * as "2026-12-12T14:30:00+08:00".
 */
export function chinaWallClock(now: Date): (daysFromNow: number, time: string) => string {
  return (daysFromNow, time) => {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) throw new Error(`not a wall-clock time: ${time}`);
    const day = new Date(now.getTime() + CHINA_OFFSET_MS + daysFromNow * DAY_MS);
    const yyyy = String(day.getUTCFullYear()).padStart(4, "0");
    const mm = String(day.getUTCMonth() + 1).padStart(2, "0");
    const dd = String(day.getUTCDate()).padStart(2, "0");
    return `${yyyy}-${mm}-${dd}T${time}:00+08:00`;
  };
}

/** Phases back to back: each opens when the one before closes. */
function phasesInSequence(opensAt: string, steps: [PhaseName, string][]): Phase[] {
  const phases: Phase[] = [];
  let from = opensAt;
  for (const [name, closesAt] of steps) {
    phases.push({ name, opensAt: from, closesAt });
    from = closesAt;
  }
  return phases;
}

// ---------------------------------------------------------------------------------------------
// Form fields used by several campaigns. Labels are for a reader with little schooling, on a phone.

const nameField: FormField = {
  key: "name",
  label: "您的姓名",
  labelEn: "Your name",
  type: "text",
  required: true,
  maxLength: 20,
  personal: true,
};

const phoneField: FormField = {
  key: "phone",
  label: "手机号",
  labelEn: "Mobile number",
  type: "phone",
  required: true,
  personal: true,
  help: "11位手机号，有变动时我们打这个电话通知您",
  helpEn: "11 digits; we call this number if anything changes",
};

function consentField(label: string, labelEn: string, help: string, helpEn: string): FormField {
  return { key: "consent", label, labelEn, type: "consent", required: true, personal: false, help, helpEn };
}

function eventForm(where: FormField, consent: FormField, extra: FormField[] = []): { fields: FormField[] } {
  return { fields: [nameField, phoneField, where, ...extra, consent] };
}

// ---------------------------------------------------------------------------------------------

export function seedCampaigns(now: Date): SeedCampaign[] {
  const at = chinaWallClock(now);
  return [
    cxcyLectures(at),
    healthLectures(at),
    parentGrowthTour(at),
    squareDanceContest(at),
    sanbaHonours(at),
    bestFamilies(at),
    familyStories(at),
  ];
}

type At = ReturnType<typeof chinaWallClock>;

/** Plan §2: "持续深化巾帼“双创”行动。举办10场创业创新公益大讲座". */
function cxcyLectures(at: At): SeedCampaign {
  // [city id, city, city in English, venue, days ahead, capacity, waitlist]
  const tour: [string, string, string, string, number, number, boolean][] = [
    ["hn.cs", "长沙", "Changsha", "长沙市妇女儿童活动中心三楼报告厅", 10, 300, true],
    // Deliberately tiny: a tester fills it with three sign-ins and sees the waitlist.
    ["hn.zz", "株洲", "Zhuzhou", "株洲市妇联巾帼创业孵化基地小会议室", 12, 3, true],
    ["hn.xt", "湘潭", "Xiangtan", "湘潭市妇女儿童活动中心多功能厅", 24, 150, true],
    // No waitlist: a full session says so at once.
    ["hn.hy", "衡阳", "Hengyang", "衡阳市图书馆学术报告厅", 36, 200, false],
    ["hn.yy", "岳阳", "Yueyang", "岳阳市妇女儿童活动中心二楼报告厅", 48, 120, true],
    ["hn.cd", "常德", "Changde", "常德市妇女儿童活动中心一楼报告厅", 60, 180, true],
    ["hn.yiy", "益阳", "Yiyang", "益阳市妇女儿童活动中心报告厅", 72, 100, true],
    ["hn.cz", "郴州", "Chenzhou", "郴州市妇女儿童活动中心报告厅", 85, 150, true],
    ["hn.hh", "怀化", "Huaihua", "怀化市妇女儿童活动中心会议厅", 100, 80, true],
    ["hn.xx", "湘西", "Xiangxi", "湘西州妇女儿童活动中心（吉首）报告厅", 120, 50, true],
  ];
  const sessions = tour.map(([orgUnit, city, cityEn, venue, days, capacity, waitlist], i) => ({
    id: `s-cxcy-${String(i + 1).padStart(2, "0")}`,
    title: `第${i + 1}场 · ${city}`,
    titleEn: `Lecture ${i + 1} · ${cityEn}`,
    startsAt: at(days, "14:30"),
    endsAt: at(days, "16:30"),
    venue,
    orgUnit,
    capacity,
    waitlist,
  }));
  const lastStart = at(120, "14:30");
  return {
    campaign: {
      id: "c-2019-cxcy-lectures",
      kind: "event",
      title: "巾帼创业创新公益大讲座",
      titleEn: "Women's Entrepreneurship and Innovation Public Lectures",
      description:
        "省妇联2019年工作要点：“持续深化巾帼‘双创’行动。举办10场创业创新公益大讲座”。" +
        "讲座免费，在全省10个市州各办一场，请创业成功的姐妹和专家讲怎样起步、怎样申请妇女创业担保贷款。" +
        "选一场离您近的报名，到场时出示电子票签到。",
      descriptionEn:
        "From the federation's 2019 plan: \"Deepen the women's entrepreneurship and innovation drive. " +
        "Hold 10 free public lectures on entrepreneurship and innovation.\" One free lecture in each of ten " +
        "cities, where women who have started businesses, and experts, explain how to begin and how to apply " +
        "for the women's business-start guaranteed loan. Pick the session nearest you and show your e-ticket at the door.",
      orgUnit: "hn",
      status: "published",
      phases: phasesInSequence(at(-7, "09:00"), [
        ["registration", lastStart],
        ["closed", at(150, "14:30")],
      ]),
      form: eventForm(
        { key: "city", label: "您在哪个市州", labelEn: "Which city or prefecture you live in", type: "orgUnit", required: true, personal: false },
        consentField(
          "我同意妇联为组织本次讲座使用我填写的姓名和手机号",
          "I agree that the Women's Federation uses my name and mobile number to organise this lecture",
          "只用来安排座位、签到和通知讲座变动，不会给别人，活动结束后按规定删除。",
          "Used only for seating, check-in and notices about this lecture; never passed to others, and deleted as the rules require after the event.",
        ),
      ),
    },
    sessions,
  };
}

/** Plan §3: 举办“健康大讲堂”，开展“健康与美丽同行”宣传教育. */
function healthLectures(at: At): SeedCampaign {
  const sessions = [
    {
      id: "s-health-01",
      title: "第1场 · 岳麓区",
      titleEn: "Session 1 · Yuelu District",
      startsAt: at(14, "09:30"),
      endsAt: at(14, "11:30"),
      venue: "岳麓区妇女儿童之家（岳麓街道社区服务中心二楼）",
      orgUnit: "hn.cs.yl",
      capacity: 120,
      waitlist: true,
    },
    {
      id: "s-health-02",
      title: "第2场 · 芙蓉区",
      titleEn: "Session 2 · Furong District",
      startsAt: at(28, "09:30"),
      endsAt: at(28, "11:30"),
      venue: "芙蓉区妇幼保健院一楼健康教育室",
      orgUnit: "hn.cs.fr",
      capacity: 80,
      waitlist: true,
    },
    {
      id: "s-health-03",
      title: "第3场 · 浏阳市",
      titleEn: "Session 3 · Liuyang",
      startsAt: at(42, "14:30"),
      endsAt: at(42, "16:30"),
      venue: "浏阳市妇女儿童活动中心报告厅",
      orgUnit: "hn.cs.ly",
      capacity: 150,
      waitlist: false,
    },
  ];
  return {
    campaign: {
      id: "c-2019-health-lectures",
      kind: "event",
      title: "健康大讲堂 · 健康与美丽同行",
      titleEn: "Health Lectures · Health and Beauty Together",
      description:
        "省妇联2019年工作要点：实施“巾帼健康行动”，“举办‘健康大讲堂’，开展‘健康与美丽同行’宣传教育，" +
        "引导妇女树立健康观念，带动家庭成员养成健康的生活方式和行为习惯”。" +
        "长沙市妇联请医生到区县讲妇女保健、“两癌”预防和全家人的健康习惯，免费参加。",
      descriptionEn:
        "From the federation's 2019 plan: \"Hold 'Health Lectures' and run the 'Health and Beauty Together' " +
        "campaign, helping women take up healthy habits and bring their families along.\" The Changsha " +
        "federation brings doctors to its districts to talk about women's health, cervical and breast cancer " +
        "prevention, and healthy habits for the whole family. Free of charge.",
      orgUnit: "hn.cs",
      status: "published",
      phases: phasesInSequence(at(-3, "09:00"), [
        ["registration", at(42, "14:30")],
        ["closed", at(72, "14:30")],
      ]),
      form: eventForm(
        { key: "district", label: "您住在哪个区县", labelEn: "Which district or county you live in", type: "orgUnit", required: true, personal: false },
        consentField(
          "我同意妇联为组织本次讲座使用我填写的姓名和手机号",
          "I agree that the Women's Federation uses my name and mobile number to organise this lecture",
          "只用来安排座位、签到和通知讲座变动，不会给别人，活动结束后按规定删除。",
          "Used only for seating, check-in and notices about this lecture; never passed to others, and deleted as the rules require after the event.",
        ),
      ),
    },
    sessions,
  };
}

/** Plan §3: 继续开展“父母成长计划”家庭教育巡讲活动. */
function parentGrowthTour(at: At): SeedCampaign {
  const childAge: FormField = {
    key: "childAge",
    label: "孩子多大了",
    labelEn: "How old your child is",
    type: "choice",
    required: false,
    personal: false,
    help: "可以不填。填了，老师好多讲您关心的内容。",
    helpEn: "Optional. It helps the speaker talk about what matters to you.",
    options: [
      { value: "under3", label: "不到3岁", labelEn: "Under 3" },
      { value: "kindergarten", label: "3到6岁（上幼儿园）", labelEn: "3 to 6 (kindergarten)" },
      { value: "primary", label: "上小学", labelEn: "Primary school" },
      { value: "junior", label: "上初中", labelEn: "Junior secondary school" },
      { value: "senior", label: "上高中或更大", labelEn: "Senior secondary school or older" },
    ],
  };
  return {
    campaign: {
      id: "c-2019-parent-growth",
      kind: "event",
      title: "“父母成长计划”家庭教育巡讲",
      titleEn: "\"Parents' Growth Plan\" Family Education Talks",
      description:
        "省妇联2019年工作要点：“继续开展‘父母成长计划’家庭教育巡讲活动”，“关注互联网条件下的家庭教育、单亲家庭、留守儿童等问题”。" +
        "株洲市妇联请家庭教育老师讲怎样陪孩子学习、怎样管手机、怎样和孩子好好说话。爸爸妈妈、爷爷奶奶都可以来。",
      descriptionEn:
        "From the federation's 2019 plan: \"Continue the 'Parents' Growth Plan' family-education tour\", with " +
        "attention to parenting in the internet age, single-parent families and left-behind children. The Zhuzhou " +
        "federation invites family-education teachers to talk about helping children learn, screen time, and " +
        "talking with children. Parents and grandparents are all welcome.",
      orgUnit: "hn.zz",
      status: "published",
      phases: phasesInSequence(at(-2, "09:00"), [
        ["registration", at(35, "09:30")],
        ["closed", at(65, "09:30")],
      ]),
      form: eventForm(
        { key: "city", label: "您在哪个市州", labelEn: "Which city or prefecture you live in", type: "orgUnit", required: true, personal: false },
        consentField(
          "我同意妇联为组织本次巡讲使用我填写的信息",
          "I agree that the Women's Federation uses what I fill in to organise this talk",
          "姓名和手机号只用来安排座位、签到和通知变动；孩子的年龄段只用来准备讲课内容。不会给别人。",
          "Name and number are used only for seating, check-in and notices; your child's age group only to prepare the talk. Never passed to others.",
        ),
        [childAge],
      ),
    },
    sessions: [
      {
        id: "s-parents-01",
        title: "第1场 · 天元区",
        titleEn: "Talk 1 · Tianyuan District",
        startsAt: at(18, "09:30"),
        endsAt: at(18, "11:30"),
        venue: "株洲市妇女儿童活动中心二楼家长学校",
        orgUnit: "hn.zz",
        capacity: 100,
        waitlist: true,
      },
      {
        id: "s-parents-02",
        title: "第2场 · 醴陵市",
        titleEn: "Talk 2 · Liling",
        startsAt: at(35, "09:30"),
        endsAt: at(35, "11:30"),
        venue: "醴陵市图书馆一楼报告厅",
        orgUnit: "hn.zz",
        capacity: 60,
        waitlist: true,
      },
    ],
  };
}

/** Plan §3: 举办全省“爱我中华、美丽乡村”庆祝建国70周年乡村广场舞大赛. */
function squareDanceContest(at: At): SeedCampaign {
  return {
    campaign: {
      id: "c-2019-square-dance",
      kind: "contest",
      title: "“爱我中华、美丽乡村”乡村广场舞大赛",
      titleEn: "\"Love China, Beautiful Countryside\" Rural Square Dance Contest",
      description:
        "省妇联2019年工作要点：实施“巾帼健康行动”，“举办全省‘爱我中华、美丽乡村’庆祝建国70周年乡村广场舞大赛”。" +
        "以村、社区或乡镇为单位组队报名，每队8到30人。先由县市区初赛，再到市州复赛，最后全省决赛，评委现场打分。",
      descriptionEn:
        "From the federation's 2019 plan: \"Hold the province-wide 'Love China, Beautiful Countryside' rural " +
        "square dance contest celebrating the 70th anniversary of the People's Republic.\" Teams of 8 to 30 enter " +
        "for their village, community or township. County heats first, then city rounds, then the provincial final, " +
        "scored by judges.",
      orgUnit: "hn",
      status: "published",
      phases: phasesInSequence(at(-1, "09:00"), [
        ["registration", at(30, "18:00")],
        ["review", at(40, "18:00")],
        ["judging", at(60, "18:00")],
        ["publicity", at(67, "18:00")],
        ["closed", at(97, "18:00")],
      ]),
      form: {
        fields: [
          {
            key: "teamName",
            label: "舞蹈队名字",
            labelEn: "Team name",
            type: "text",
            required: true,
            maxLength: 30,
            public: true,
            help: "例如：浏阳市沙市镇赤马村姐妹舞蹈队",
            helpEn: "For example: Chima Village Sisters Dance Team, Shashi Town, Liuyang",
          },
          { key: "leaderName", label: "领队姓名", labelEn: "Team leader's name", type: "text", required: true, maxLength: 20, personal: true },
          {
            key: "leaderPhone",
            label: "领队手机号",
            labelEn: "Team leader's mobile number",
            type: "phone",
            required: true,
            personal: true,
            help: "比赛时间、地点会打这个电话通知",
            helpEn: "We call this number about the time and place of each round",
          },
          {
            key: "memberCount",
            label: "队里有几个人跳",
            labelEn: "How many dancers in the team",
            type: "number",
            required: true,
            min: 8,
            max: 30,
            public: true,
            help: "8到30人",
            helpEn: "8 to 30",
          },
          {
            key: "county",
            label: "所属县市区",
            labelEn: "County or district the team belongs to",
            type: "orgUnit",
            required: true,
            public: true,
            help: "先在这个县市区比初赛",
            helpEn: "The team dances its first round in this county or district",
          },
          {
            key: "description",
            label: "介绍一下你们队",
            labelEn: "About your team",
            type: "textarea",
            required: true,
            maxLength: 300,
            public: true,
            help: "跳的是什么舞、队伍有什么故事，300字以内",
            helpEn: "Which dance you perform and your team's story, up to 300 characters",
          },
          {
            key: "photo",
            label: "队伍照片或跳舞的截图",
            labelEn: "Team photo or a still from your dance",
            type: "image",
            required: false,
            max: 1,
            public: true,
            help: "可以不传，最多1张。传了，评委和大家能先认识你们。",
            helpEn: "Optional, one at most. It helps judges and the public get to know your team.",
          },
          consentField(
            "我同意妇联为组织比赛使用我们填写的信息和照片",
            "I agree that the Women's Federation uses what we fill in and our photo to run the contest",
            "领队姓名和手机号只用来联系比赛事宜，不公开；队名、人数、所属县市区、队伍介绍和照片会在比赛页面和公示中展示。我已经问过队员，她们也同意。",
            "The leader's name and number are used only to contact you and are never shown; the team name, size, county, description and photo appear on the contest pages and the public notice. I have asked the team members and they agree.",
          ),
        ],
      },
    },
    sessions: [],
  };
}

/** Plan §1: 评选好省级三八红旗手（集体）. */
function sanbaHonours(at: At): SeedCampaign {
  return {
    campaign: {
      id: "c-2019-sanba-honours",
      kind: "selection",
      title: "湖南省三八红旗手（集体）评选",
      titleEn: "Hunan March 8th Red-Banner Women (and Collectives) Selection",
      description:
        "省妇联2019年工作要点：“评选好省级三八红旗手（集体）……挖掘普通妇女群众的德行善举，讲好湖湘女性的故事”。" +
        "各级妇联在推荐名额内推荐先进个人和先进集体，经资格审核、评委评审和群众投票，评审占70%，投票占30%，公示后确定。",
      descriptionEn:
        "From the federation's 2019 plan: \"Carry out the selection of provincial March 8th Red-Banner Women " +
        "(and Collectives) ... bring out the good deeds of ordinary women and tell the stories of Hunan's women.\" " +
        "Each federation unit nominates outstanding women and collectives within its quota. After a qualification " +
        "check, judges' review (70%) and a public vote (30%), results are posted for public notice before they are final.",
      orgUnit: "hn",
      status: "published",
      phases: phasesInSequence(at(-1, "09:00"), [
        ["submission", at(30, "18:00")],
        ["review", at(40, "18:00")],
        ["judging", at(55, "18:00")],
        ["voting", at(65, "18:00")],
        ["publicity", at(72, "18:00")],
        ["closed", at(102, "18:00")],
      ]),
      quota: { perUnit: 3 },
      weights: { judges: 0.7, public: 0.3 },
      voting: { votesPerDay: 5, perEntryPerDay: 1, showCounts: true },
      form: {
        fields: [
          {
            key: "nomineeName",
            label: "推荐谁（个人姓名或集体名称）",
            labelEn: "Who is nominated (a woman's name, or the collective's name)",
            type: "text",
            required: true,
            maxLength: 50,
            // An honour is announced by name (公示), as the consent below says.
            public: true,
          },
          {
            key: "nominatingUnit",
            label: "哪个妇联推荐",
            labelEn: "Which federation unit nominates",
            type: "orgUnit",
            required: true,
            public: true,
          },
          {
            key: "nomineeType",
            label: "推荐的是个人还是集体",
            labelEn: "A person or a collective",
            type: "choice",
            required: true,
            public: true,
            options: [
              { value: "individual", label: "个人", labelEn: "A person" },
              { value: "collective", label: "集体", labelEn: "A collective" },
            ],
          },
          {
            key: "deeds",
            label: "她（他们）做了哪些好事",
            labelEn: "What she (or they) have done",
            type: "textarea",
            required: true,
            maxLength: 2000,
            public: true,
            help: "用平常话写清楚做了什么、帮了谁、有什么变化，2000字以内",
            helpEn: "In plain words: what was done, who was helped, what changed. Up to 2000 characters.",
          },
          {
            key: "photo",
            label: "照片",
            labelEn: "Photo",
            type: "image",
            required: false,
            public: true,
            help: "个人传本人照片，集体传集体合影",
            helpEn: "A photo of the person, or a group photo of the collective",
          },
          {
            key: "idNumber",
            label: "身份证号",
            labelEn: "Resident ID number",
            type: "idNumber",
            required: true,
            personal: true,
            help: "推荐个人的，填她本人的；推荐集体的，填集体负责人的。只用来审核资格，不公开。",
            helpEn: "For a person, her own; for a collective, its leader's. Used only for the qualification check, never shown.",
          },
          {
            key: "contactPhone",
            label: "联系人手机号",
            labelEn: "Contact's mobile number",
            type: "phone",
            required: true,
            personal: true,
          },
          consentField(
            "我同意妇联为评选使用我填写的信息",
            "I agree that the Women's Federation uses what I fill in for this selection",
            "身份证号和手机号只用来审核和联系，不公开；姓名（名称）、事迹和照片会在投票和公示时展示。被推荐人已经知道并同意。",
            "The ID number and mobile number are used only to check and to contact, never shown; the name, deeds and photo appear during voting and the public notice. The nominee knows and agrees.",
          ),
        ],
      },
    },
    sessions: [],
  };
}

/** Plan §3: 启动“美家美妇”系列创建行动……引导广大妇女争做“最美女性”，争当“最美家庭”. */
function bestFamilies(at: At): SeedCampaign {
  return {
    campaign: {
      id: "c-2019-best-families",
      kind: "selection",
      title: "“最美家庭”评选",
      titleEn: "\"Most Beautiful Families\" Selection",
      description:
        "省妇联2019年工作要点：“启动‘美家美妇’系列创建行动，唱响‘美家美妇’的时代主题，引导广大妇女争做‘最美女性’，争当‘最美家庭’”。" +
        "各级妇联推荐孝老爱亲、夫妻和睦、教子有方、邻里互助、绿色节约的家庭，评委评审和群众投票各占一半，公示后确定。",
      descriptionEn:
        "From the federation's 2019 plan: \"Launch the 'Beautiful Homes, Beautiful Women' drive ... encouraging " +
        "women to strive to be 'most beautiful women' and to build 'most beautiful families'.\" Federation units " +
        "nominate families that care for their elders, live in harmony, raise their children well, help their " +
        "neighbours and live simply. Judges and the public vote count half each; results are posted for public notice before they are final.",
      orgUnit: "hn",
      status: "published",
      phases: phasesInSequence(at(-1, "09:00"), [
        ["submission", at(30, "18:00")],
        ["review", at(40, "18:00")],
        ["judging", at(55, "18:00")],
        ["voting", at(65, "18:00")],
        ["publicity", at(72, "18:00")],
        ["closed", at(102, "18:00")],
      ]),
      quota: { perUnit: 5 },
      weights: { judges: 0.5, public: 0.5 },
      voting: { votesPerDay: 5, perEntryPerDay: 1, showCounts: true },
      form: {
        fields: [
          {
            key: "familyName",
            label: "家庭名称",
            labelEn: "Family name",
            type: "text",
            required: true,
            maxLength: 30,
            public: true,
            help: "例如：张桂兰家庭",
            helpEn: "For example: Zhang Guilan's family",
          },
          {
            key: "nominatingUnit",
            label: "哪个妇联推荐",
            labelEn: "Which federation unit nominates",
            type: "orgUnit",
            required: true,
            public: true,
          },
          {
            key: "members",
            label: "家里有哪些人",
            labelEn: "Who is in the family",
            type: "text",
            required: true,
            maxLength: 100,
            // For the judges: not among what the consent says is shown.
            personal: false,
            help: "例如：夫妻二人、婆婆、一儿一女",
            helpEn: "For example: a couple, the husband's mother, a son and a daughter",
          },
          {
            key: "story",
            label: "这个家庭的故事",
            labelEn: "The family's story",
            type: "textarea",
            required: true,
            maxLength: 2000,
            public: true,
            help: "用平常话写写这个家好在哪里，2000字以内",
            helpEn: "In plain words, what makes this family a good one. Up to 2000 characters.",
          },
          {
            key: "photo",
            label: "全家福",
            labelEn: "Family photo",
            type: "image",
            required: false,
            max: 3,
            public: true,
            help: "最多3张",
            helpEn: "Up to 3 photos",
          },
          {
            // One family is put forward once: compared by a keyed hash of this number, stored sealed.
            key: "idNumber",
            label: "家庭代表的身份证号",
            labelEn: "Resident ID number of the family's representative",
            type: "idNumber",
            required: true,
            personal: true,
            help: "填这户家庭一位代表（一般是家庭名称里的那位）的身份证号。只用来审核资格、避免同一户重复推荐，不公开。",
            helpEn: "The ID number of one of the family (usually the person the family is named after). Used only for the qualification check and to avoid nominating a family twice; never shown.",
          },
          {
            key: "contactPhone",
            label: "联系人手机号",
            labelEn: "Contact's mobile number",
            type: "phone",
            required: true,
            personal: true,
          },
          consentField(
            "我同意妇联为评选使用我填写的信息和照片",
            "I agree that the Women's Federation uses what I fill in and the photo for this selection",
            "身份证号和手机号只用来审核和联系，不公开；家庭名称、故事和全家福会在投票和公示时展示。家里人已经知道并同意。",
            "The ID number and mobile number are used only to check and to contact you, never shown; the family name, story and photo appear during voting and the public notice. The family knows and agrees.",
          ),
        ],
      },
    },
    sessions: [],
  };
}

/** Plan §3: 开展“立家规、传家训、扬家风”主题活动，面向全省持续征集、遴选、宣传优秀家风故事. */
function familyStories(at: At): SeedCampaign {
  return {
    campaign: {
      id: "c-2019-family-stories",
      kind: "collection",
      title: "“立家规、传家训、扬家风”优秀家风故事征集",
      titleEn: "\"Family Rules, Family Teachings, Family Tradition\" Story Collection",
      description:
        "省妇联2019年工作要点：“开展‘立家规、传家训、扬家风’主题活动，面向全省持续征集、遴选、宣传优秀家风故事，以好家风支撑起社会好风气”。" +
        "写一写您家的家规家训、长辈传下来的一句话、一件事。审核后的故事公开展示，大家可以读、可以投票，评委再选出优秀故事。",
      descriptionEn:
        "From the federation's 2019 plan: \"Run the 'set family rules, pass on family teachings, carry forward " +
        "family traditions' campaign, collecting, selecting and spreading good family-tradition stories across the " +
        "province, so that good family ways support good ways in society.\" Write about your family's rules, a " +
        "saying or a deed handed down by your elders. Approved stories are published for everyone to read and vote " +
        "on, and judges then pick the best.",
      orgUnit: "hn",
      status: "published",
      phases: phasesInSequence(at(-1, "09:00"), [
        ["submission", at(45, "18:00")],
        ["review", at(52, "18:00")],
        ["voting", at(66, "18:00")],
        ["judging", at(80, "18:00")],
        ["publicity", at(87, "18:00")],
        ["closed", at(117, "18:00")],
      ]),
      voting: { votesPerDay: 3, perEntryPerDay: 1, showCounts: true },
      form: {
        fields: [
          { key: "storyTitle", label: "故事题目", labelEn: "Story title", type: "text", required: true, maxLength: 40, public: true },
          // Published as the story's byline: the consent below says so, so it is public, not personal.
          { key: "authorName", label: "作者姓名", labelEn: "Author's name", type: "text", required: true, maxLength: 20, public: true },
          {
            key: "phone",
            label: "手机号",
            labelEn: "Mobile number",
            type: "phone",
            required: true,
            personal: true,
            help: "故事选上时打这个电话通知您，不公开",
            helpEn: "We call this number if your story is chosen; never shown",
          },
          { key: "city", label: "您在哪个市州", labelEn: "Which city or prefecture you live in", type: "orgUnit", required: true, public: true },
          {
            key: "story",
            label: "故事内容",
            labelEn: "Your story",
            type: "textarea",
            required: true,
            maxLength: 3000,
            public: true,
            help: "写您家真实的事，3000字以内",
            helpEn: "A true story from your family, up to 3000 characters",
          },
          {
            key: "photos",
            label: "配图",
            labelEn: "Photos",
            type: "image",
            required: false,
            max: 9,
            public: true,
            help: "可以不传，最多9张，例如老照片、家训的字",
            helpEn: "Optional, up to 9: an old photo, or the family motto written out",
          },
          consentField(
            "我同意妇联展示和宣传我的故事",
            "I agree that the Women's Federation shows and promotes my story",
            "故事题目、内容、配图和作者姓名会公开展示，也可能被妇联的公众号转载；手机号只用来联系，不公开。",
            "The title, story, photos and author's name are shown publicly and may be reposted by federation channels; the mobile number is used only to contact you, never shown.",
          ),
        ],
      },
    },
    sessions: [],
  };
}
