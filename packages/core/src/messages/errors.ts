import type { Entry } from "./index.ts";

/** Error codes of the API (`error.code`) and what a person is told. */
export const errorMessages = {
  BAD_REQUEST: { "zh-CN": "请求格式不对，请刷新后再试", en: "The request is malformed. Please refresh and try again." },
  VALIDATION: { "zh-CN": "填写的内容有误，请检查标红的项目", en: "Some answers need fixing. Please check the marked fields." },
  UNSUPPORTED_MEDIA_TYPE: { "zh-CN": "请求格式不支持", en: "This request format is not supported." },
  PAYLOAD_TOO_LARGE: { "zh-CN": "提交的内容太大了", en: "What you sent is too large." },
  UNAUTHENTICATED: { "zh-CN": "请先登录", en: "Please sign in first." },
  FORBIDDEN: { "zh-CN": "您没有权限做这件事", en: "You are not allowed to do this." },
  CSRF: { "zh-CN": "页面已过期，请刷新后再试", en: "This page has expired. Please refresh and try again." },
  NOT_FOUND: { "zh-CN": "没有找到您要的内容", en: "We could not find that." },
  CAMPAIGN_NOT_FOUND: { "zh-CN": "没有找到这个活动", en: "We could not find this activity." },
  SESSION_NOT_FOUND: { "zh-CN": "没有找到这个场次", en: "We could not find this session." },
  REGISTRATION_NOT_FOUND: { "zh-CN": "没有找到这条报名", en: "We could not find this registration." },
  TICKET_NOT_FOUND: { "zh-CN": "签到码不对，没有找到这张电子票", en: "This check-in code is not valid." },
  UPLOAD_NOT_FOUND: { "zh-CN": "没有找到这张图片", en: "We could not find this image." },
  ALREADY_REGISTERED: { "zh-CN": "您已经报过这个场次了", en: "You have already registered for this session." },
  SEATS_FULL: { "zh-CN": "该场次名额已满", en: "This session is full." },
  PHASE_CLOSED: { "zh-CN": "现在不在开放的时间里（报名、投稿或投票还没开始或已经结束）", en: "This is not open now: sign-up, entries or voting have not started or have ended." },
  SESSION_REQUIRED: { "zh-CN": "请先选择一个场次", en: "Please choose a session first." },
  NOT_CANCELLABLE: { "zh-CN": "这条报名已经不能取消了", en: "This registration can no longer be cancelled." },
  ALREADY_CHECKED_IN: { "zh-CN": "这张票已经签到过了（{time}）", en: "This ticket was already checked in ({time})." },
  NOT_CONFIRMED: { "zh-CN": "这张票还没有确认座位，不能签到", en: "This ticket has no confirmed seat, so it cannot be checked in." },
  WRONG_SESSION: { "zh-CN": "这张票不是这一场的，请看票上的场次和时间", en: "This ticket is for another session. Please check the session and time on it." },
  CAPACITY_BELOW_TAKEN: { "zh-CN": "名额不能少于已报名的人数", en: "Capacity cannot be lower than the seats already taken." },
  SESSION_HAS_REGISTRATIONS: { "zh-CN": "这个场次已经有人报名，不能删除", en: "This session has registrations and cannot be deleted." },
  NOT_EVENT: { "zh-CN": "这个活动不需要选场次报名", en: "This activity has no sessions to register for." },
  OTP_TOO_OFTEN: { "zh-CN": "验证码发送太频繁，请稍后再试", en: "Codes were requested too often. Please wait a moment." },
  OTP_INVALID: { "zh-CN": "验证码不对或已过期", en: "The code is wrong or has expired." },
  OTP_LOCKED: { "zh-CN": "验证码错误次数太多，请重新获取验证码", en: "Too many wrong tries. Please ask for a new code." },
  RATE_LIMITED: { "zh-CN": "操作太频繁，请稍后再试", en: "Too many requests. Please wait a moment." },
  IN_PROGRESS: { "zh-CN": "正在处理中，请稍候", en: "Still working on it. Please wait." },
  SMS_UNAVAILABLE: { "zh-CN": "短信暂时发不出去，请过几分钟再试", en: "We cannot send text messages right now. Please try again in a few minutes." },
  BUSY: { "zh-CN": "现在办理的人太多，请过几秒再试一次", en: "Many people are doing this right now. Please try again in a few seconds." },
  SESSION_STARTED: { "zh-CN": "这个场次已经开始了，不能再取消或候补", en: "This session has already started: it can no longer be cancelled or filled from the waitlist." },
  CAMPAIGN_CHANGED: { "zh-CN": "活动刚刚被别人改过，请刷新后再改", en: "Someone else just changed this activity. Please refresh and try again." },
  // Entries: team entries, nominations, stories.
  ENTRY_NOT_FOUND: { "zh-CN": "没有找到这份报名材料", en: "We could not find this entry." },
  ENTRY_LIMIT: { "zh-CN": "您在这个活动里已经交过了，不能再交一份", en: "You have already entered this activity and cannot enter again." },
  NOT_EDITABLE: { "zh-CN": "这份报名材料现在不能再改了", en: "This entry can no longer be changed." },
  NO_ENTRIES: { "zh-CN": "这个活动不用交报名材料，请选场次报名", en: "This activity takes no entries. Please register for a session instead." },
  // Nominations (selections): who may nominate, each unit's quota, each nominee once.
  NOT_NOMINATOR: {
    "zh-CN": "只有这个单位或上级妇联的工作人员才能推荐，这个评选不接受个人自荐",
    en: "Only staff of this unit's federation, or of one above it, can nominate; this selection takes no self-nominations.",
  },
  QUOTA_FULL: { "zh-CN": "这个单位的推荐名额已经用完了", en: "This unit has used all its nomination places." },
  NO_NOMINATIONS: { "zh-CN": "这个活动不用推荐", en: "This activity takes no nominations." },
  DUPLICATE_NOMINEE: { "zh-CN": "这个人已经被推荐过了（同一个身份证号），不能重复推荐", en: "This person has already been nominated (the same ID number)." },
  // Judging: rounds, scores, results.
  ROUND_NOT_FOUND: { "zh-CN": "没有找到这个评审轮次", en: "We could not find this judging round." },
  ROUND_LOCKED: { "zh-CN": "评分已经锁定，不能再改了（已提交或本轮已结束）", en: "Scores are locked: they were submitted or the round has closed." },
  ROUND_INCOMPLETE: { "zh-CN": "还有作品没有打分", en: "Some entries have not been scored yet." },
  ROUND_NOT_READY: { "zh-CN": "上一轮还没有结束，这一轮还不能开始", en: "The rounds before this one have not closed yet." },
  JUDGE_HAS_SCORES: { "zh-CN": "这位评委已经打过分，不能移除", en: "This judge has already scored, so she cannot be removed." },
  RESULTS_NOT_PUBLISHED: { "zh-CN": "结果还没有公布", en: "The results have not been published yet." },
  NO_ROUNDS: { "zh-CN": "这个活动没有评审轮次", en: "This activity has no judging rounds." },
  // Results: 公示 objections and finalising.
  PUBLICITY_CLOSED: { "zh-CN": "现在不在公示期内，这件事只能在公示期内办", en: "This can only be done during the publicity period, which is not on now." },
  NOT_FINAL_YET: { "zh-CN": "公示期还没有结束，结果还不能定下来", en: "The publicity period has not ended yet, so the results cannot be made final." },
  ALREADY_FINAL: { "zh-CN": "结果已经是最终结果了", en: "The results are already final." },
  OBJECTIONS_UNRESOLVED: { "zh-CN": "还有异议没有处理，请先处理再确定结果", en: "Some objections have not been dealt with yet. Please deal with them first." },
  OBJECTION_NOT_FOUND: { "zh-CN": "没有找到这条异议", en: "We could not find this objection." },
  // Voting: one vote per entry per day, the day's allowance.
  ALREADY_VOTED: { "zh-CN": "您今天已经给这个作品投过票了，明天再来吧", en: "You have already voted for this entry today. Come back tomorrow." },
  DAILY_LIMIT: { "zh-CN": "您今天的票已经投完了，明天还可以再投", en: "You have used all of today's votes. You can vote again tomorrow." },
  NO_VOTING: { "zh-CN": "这个活动没有投票", en: "This activity has no public voting." },
  IDEMPOTENCY_KEY_REUSED: { "zh-CN": "这个请求编号已用于别的内容", en: "This Idempotency-Key was used for a different request." },
  INTERNAL: { "zh-CN": "系统出了点问题，请稍后再试", en: "Something went wrong. Please try again later." },
} satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof errorMessages;

/** Why one answer of a form was refused (`error.details.fields[key]`). */
export const fieldMessages = {
  FIELD_REQUIRED: { "zh-CN": "这一项必须填写", en: "This is required." },
  FIELD_INVALID: { "zh-CN": "这一项填写的格式不对", en: "This answer is not in the right format." },
  FIELD_TOO_LONG: { "zh-CN": "字数太多了", en: "This is too long." },
  FIELD_TOO_SMALL: { "zh-CN": "数字太小了", en: "This number is too small." },
  FIELD_TOO_LARGE: { "zh-CN": "数字太大了", en: "This number is too large." },
  FIELD_PHONE: { "zh-CN": "手机号要 11 位数字，以 1 开头", en: "A mobile number has 11 digits and starts with 1." },
  FIELD_ID_NUMBER: { "zh-CN": "身份证号码不对，请核对 18 位号码", en: "This ID number is not valid. Please check all 18 characters." },
  FIELD_CONSENT: { "zh-CN": "需要您勾选同意才能提交", en: "Please tick to agree before sending." },
  FIELD_CHOICE: { "zh-CN": "请从选项中选择", en: "Please pick one of the options." },
  FIELD_ORG_UNIT: { "zh-CN": "请选择所在的市州或县市区", en: "Please choose your city or county." },
  FIELD_DATE: { "zh-CN": "日期格式不对", en: "This date is not valid." },
  FIELD_UNKNOWN: { "zh-CN": "表单里没有这一项", en: "This form has no such question." },
  FIELD_CHARACTERS: {
    "zh-CN": "这里面有不能用的特殊符号，请删掉后重新输入",
    en: "This has special characters that cannot be used. Please delete them and type it again.",
  },
  FIELD_ONE_LINE: { "zh-CN": "这一项只能写一行，请不要换行", en: "Please write this on one line." },
  FIELD_UPLOAD: { "zh-CN": "图片没有找到，请重新上传", en: "This image was not found. Please upload it again." },
  // Why an upload was not taken as an image: `details.reason` of its 415.
  IMAGE_TYPE: { "zh-CN": "只能上传 JPG 或 PNG 格式的照片", en: "Only JPG or PNG photos can be uploaded." },
  IMAGE_DIMENSIONS: {
    "zh-CN": "照片太大了，长和宽都不能超过 6000 像素",
    en: "This photo is too big: at most 6000 pixels on each side and 24 megapixels.",
  },
  IMAGE_CORRUPT: { "zh-CN": "这张照片打不开，可能已经损坏，请换一张", en: "This photo cannot be opened. It may be damaged: please choose another." },
  SCORE_STEP: { "zh-CN": "分数最多保留一位小数，比如 8.5", en: "Scores go in steps of 0.1, like 8.5." },
  SCORE_ABOVE_MAX: { "zh-CN": "超过了这一项的满分", en: "This is more than the most this item allows." },
  SCORE_UNKNOWN_CRITERION: { "zh-CN": "评分细则里没有这一项", en: "The scoring rules have no such item." },
} satisfies Record<string, Entry>;

export type FieldErrorCode = keyof typeof fieldMessages;
