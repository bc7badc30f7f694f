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
  ALREADY_REGISTERED: { "zh-CN": "您已经报过这个场次了", en: "You have already registered for this session." },
  SEATS_FULL: { "zh-CN": "该场次名额已满", en: "This session is full." },
  PHASE_CLOSED: { "zh-CN": "现在不在报名时间内", en: "Registration is not open now." },
  SESSION_REQUIRED: { "zh-CN": "请先选择一个场次", en: "Please choose a session first." },
  NOT_CANCELLABLE: { "zh-CN": "这条报名已经不能取消了", en: "This registration can no longer be cancelled." },
  ALREADY_CHECKED_IN: { "zh-CN": "这张票已经签到过了（{time}）", en: "This ticket was already checked in ({time})." },
  NOT_CONFIRMED: { "zh-CN": "这张票还没有确认座位，不能签到", en: "This ticket has no confirmed seat, so it cannot be checked in." },
  CAPACITY_BELOW_TAKEN: { "zh-CN": "名额不能少于已报名的人数", en: "Capacity cannot be lower than the seats already taken." },
  SESSION_HAS_REGISTRATIONS: { "zh-CN": "这个场次已经有人报名，不能删除", en: "This session has registrations and cannot be deleted." },
  NOT_EVENT: { "zh-CN": "这个活动不需要选场次报名", en: "This activity has no sessions to register for." },
  OTP_TOO_OFTEN: { "zh-CN": "验证码发送太频繁，请稍后再试", en: "Codes were requested too often. Please wait a moment." },
  OTP_INVALID: { "zh-CN": "验证码不对或已过期", en: "The code is wrong or has expired." },
  OTP_LOCKED: { "zh-CN": "验证码错误次数太多，请重新获取验证码", en: "Too many wrong tries. Please ask for a new code." },
  RATE_LIMITED: { "zh-CN": "操作太频繁，请稍后再试", en: "Too many requests. Please wait a moment." },
  IN_PROGRESS: { "zh-CN": "正在处理中，请稍候", en: "Still working on it. Please wait." },
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
} satisfies Record<string, Entry>;

export type FieldErrorCode = keyof typeof fieldMessages;
