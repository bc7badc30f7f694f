import type { Entry } from "./index.ts";

/** Strings of the check-in desk (`checkin.*`): loaded only with the door pages. */
export const deskMessages = {
  // organiser check-in
  "checkin.title": { "zh-CN": "签到", en: "Check-in" },
  "checkin.intro": {
    "zh-CN": "输入参加者电子票上的签到码，或者用摄像头扫二维码。",
    en: "Type the check-in code from the person's ticket, or scan the QR code with the camera.",
  },
  "checkin.code": { "zh-CN": "签到码", en: "Check-in code" },
  "checkin.codeMissing": { "zh-CN": "请先输入签到码", en: "Please type the check-in code first." },
  "checkin.submit": { "zh-CN": "签到", en: "Check in" },
  "checkin.submitting": { "zh-CN": "正在签到…", en: "Checking in…" },
  "checkin.success": { "zh-CN": "签到成功", en: "Checked in" },
  "checkin.already": { "zh-CN": "已经签到过了", en: "Already checked in" },
  "checkin.failed": { "zh-CN": "签到没有成功", en: "Check-in failed" },
  "checkin.at": { "zh-CN": "签到时间：{time}", en: "Checked in at {time}" },
  "checkin.name": { "zh-CN": "姓名：{name}", en: "Name: {name}" },
  "checkin.phone": { "zh-CN": "手机：{phone}", en: "Mobile: {phone}" },
  "checkin.session": { "zh-CN": "场次：{title}", en: "Session: {title}" },
  "checkin.scan": { "zh-CN": "扫码签到", en: "Scan a QR code" },
  "checkin.scanHelp": { "zh-CN": "把电子票上的二维码对准摄像头", en: "Hold the ticket's QR code in front of the camera." },
  "checkin.scanStop": { "zh-CN": "停止扫码", en: "Stop scanning" },
  "checkin.cameraError": {
    "zh-CN": "打不开摄像头，请手动输入签到码",
    en: "The camera could not be opened. Please type the code instead.",
  },
  "checkin.notAllowed": { "zh-CN": "只有活动组织者才能签到", en: "Only organisers can check people in." },
  /** A woman who scanned her own ticket with WeChat lands on the check-in desk. */
  "checkin.ticketQr": {
    "zh-CN": "这是签到用的二维码，请给现场工作人员扫。",
    en: "This QR code is for checking in. Please show it to the staff at the door.",
  },
  "checkin.ticketQrMine": { "zh-CN": "看我的电子票", en: "See my ticket" },
} satisfies Record<string, Entry>;
