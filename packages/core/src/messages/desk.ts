import type { Entry } from "./index.ts";

/** Strings of the check-in desk at the door (`checkin.*`): loaded only with the door pages. */
export const deskMessages = {
  // the list of doors
  "checkin.title": { "zh-CN": "签到", en: "Check-in" },
  "checkin.doorTitle": { "zh-CN": "现场签到", en: "Check-in at the door" },
  "checkin.doorIntro": { "zh-CN": "选一个场次，开始签到。", en: "Choose a session to start checking people in." },
  "checkin.doorEmpty": {
    "zh-CN": "现在没有您可以签到的场次。",
    en: "There are no sessions for you to check people in right now.",
  },
  "checkin.doorShowAll": { "zh-CN": "也看已经结束的场次", en: "Show past sessions too" },
  "checkin.doorShowSoon": { "zh-CN": "只看最近的场次", en: "Show upcoming sessions only" },
  "checkin.open": { "zh-CN": "开始签到", en: "Start check-in" },
  "checkin.openLabel": { "zh-CN": "开始签到：{session}", en: "Start check-in: {session}" },
  "checkin.backToDoor": { "zh-CN": "回到场次列表", en: "Back to the sessions" },
  "checkin.backToOrganiser": { "zh-CN": "回到管理", en: "Back to managing" },
  /** Opened from a ticket's QR without a session chosen. */
  "checkin.pickSession": {
    "zh-CN": "签到码 {code}：先选这是哪个场次的签到，再签到这张票。",
    en: "Check-in code {code}: first choose the session you are checking in for.",
  },

  // the running count
  "checkin.arrived": { "zh-CN": "已到", en: "Arrived" },
  "checkin.registered": { "zh-CN": "已报名", en: "Registered" },
  "checkin.countsAsOf": { "zh-CN": "{time} 的人数（没联网时不更新）", en: "Counts as of {time} (not updated offline)" },
  "checkin.queuedCount": { "zh-CN": "还有 {count} 个签到没上传", en: "{count} check-ins not uploaded yet" },

  // typing a code
  "checkin.code": { "zh-CN": "签到码", en: "Check-in code" },
  "checkin.codeHelp": { "zh-CN": "电子票上的 9 位数字", en: "The 9 digits on the ticket" },
  "checkin.codeMissing": { "zh-CN": "请先输入签到码", en: "Please type the check-in code first." },
  "checkin.codeTooLong": { "zh-CN": "签到码太长了，请核对后再输", en: "That code is too long. Please check it and type it again." },
  "checkin.useLetters": { "zh-CN": "签到码里有字母", en: "The code has letters" },
  "checkin.useDigits": { "zh-CN": "签到码只有数字", en: "The code is digits only" },
  "checkin.submit": { "zh-CN": "签到", en: "Check in" },
  "checkin.submitting": { "zh-CN": "正在签到…", en: "Checking in…" },

  // the result of a check-in
  "checkin.success": { "zh-CN": "签到成功", en: "Checked in" },
  "checkin.already": { "zh-CN": "已经签到过了", en: "Already checked in" },
  "checkin.at": { "zh-CN": "签到时间：{time}", en: "Checked in at {time}" },
  "checkin.phone": { "zh-CN": "手机：{phone}", en: "Mobile: {phone}" },
  "checkin.codeShown": { "zh-CN": "签到码：{code}", en: "Check-in code: {code}" },
  "checkin.wrongSession": { "zh-CN": "不是这个场次的票", en: "This ticket is for another session" },
  "checkin.ticketIsFor": { "zh-CN": "票上的场次：{session}", en: "The ticket's session: {session}" },
  "checkin.ticketCampaign": { "zh-CN": "活动：{campaign}", en: "Activity: {campaign}" },
  "checkin.ticketWhen": { "zh-CN": "时间：{time}", en: "When: {time}" },
  "checkin.anyway": { "zh-CN": "仍然签到", en: "Check in anyway" },
  "checkin.otherSessionNote": {
    "zh-CN": "按另一个场次的票签到：{session}",
    en: "Checked in with a ticket for another session: {session}",
  },
  "checkin.notFound": { "zh-CN": "没有这张票", en: "No such ticket" },
  "checkin.notFoundHelp": {
    "zh-CN": "请核对签到码，或者按姓名查找。",
    en: "Please check the code, or look the person up by name.",
  },
  "checkin.notConfirmed": { "zh-CN": "还没有座位（在候补名单上）", en: "No seat yet (on the waiting list)" },
  "checkin.forbidden": { "zh-CN": "这张票不归您的单位签到", en: "This ticket is not for your unit to check in" },
  "checkin.failed": { "zh-CN": "签到没有成功", en: "Check-in failed" },

  // offline
  "checkin.offline": {
    "zh-CN": "没有网络。签到先记在手机上，联网后自动上传。",
    en: "No connection. Check-ins are kept on this phone and uploaded when the connection is back.",
  },
  "checkin.memoryOnly": {
    "zh-CN": "这个浏览器不能把签到存在手机上，上传完以前请不要关这个页面。",
    en: "This browser cannot keep check-ins on the phone: do not close this page until they are uploaded.",
  },
  "checkin.queued": { "zh-CN": "已记下，联网后自动上传", en: "Noted. It will be uploaded when the connection is back." },
  "checkin.queuedAgain": {
    "zh-CN": "这个签到码已经记下了，联网后自动上传",
    en: "This code is noted already. It will be uploaded when the connection is back.",
  },
  "checkin.notKept": {
    "zh-CN": "手机存不下了，这次签到没有记下。请联网后再签。",
    en: "The phone could not keep this check-in. Please try again once connected.",
  },
  "checkin.syncNow": { "zh-CN": "现在上传", en: "Upload now" },
  "checkin.syncing": { "zh-CN": "正在上传…", en: "Uploading…" },
  "checkin.syncDone": { "zh-CN": "已上传 {count} 个签到", en: "{count} check-ins uploaded" },
  "checkin.syncFailed": {
    "zh-CN": "上传没有成功，稍后自动再试。{reason}",
    en: "The upload did not go through; it will try again soon. {reason}",
  },
  "checkin.syncResults": { "zh-CN": "上传结果", en: "Upload results" },
  "checkin.scannedAt": { "zh-CN": "扫码时间：{time}", en: "Scanned at {time}" },

  // look-up by name or phone
  "checkin.lookup": { "zh-CN": "按姓名或手机号查找", en: "Look up by name or mobile" },
  "checkin.lookupLabel": { "zh-CN": "姓名，或手机号后四位", en: "Name, or the last 4 digits of the mobile" },
  "checkin.lookupSubmit": { "zh-CN": "查找", en: "Look up" },
  "checkin.lookupSearching": { "zh-CN": "正在查找…", en: "Looking up…" },
  "checkin.lookupMissing": { "zh-CN": "请先输入姓名或手机号后四位", en: "Please type a name or the last 4 digits first." },
  "checkin.lookupNone": { "zh-CN": "没有找到。请换个写法，或者用签到码。", en: "Nobody found. Try another spelling, or use the code." },
  "checkin.lookupFound": { "zh-CN": "找到 {count} 人", en: "{count} found" },
  "checkin.lookupOffline": {
    "zh-CN": "没有网络，不能查找。请输入签到码。",
    en: "No connection, so looking up is not possible. Please type the code.",
  },
  "checkin.lookupMore": { "zh-CN": "显示更多", en: "Show more" },
  "checkin.checkedInAt": { "zh-CN": "已签到 {time}", en: "Checked in {time}" },
  "checkin.waitlisted": { "zh-CN": "候补", en: "Waiting list" },
  "checkin.cancelled": { "zh-CN": "已取消", en: "Cancelled" },
  "checkin.checkInPerson": { "zh-CN": "签到：{name}", en: "Check in: {name}" },

  // the camera
  "checkin.scan": { "zh-CN": "扫码签到", en: "Scan a QR code" },
  "checkin.scanHelp": { "zh-CN": "把电子票上的二维码对准摄像头", en: "Hold the ticket's QR code in front of the camera." },
  "checkin.scanStop": { "zh-CN": "关掉摄像头", en: "Turn the camera off" },
  "checkin.cameraError": {
    "zh-CN": "打不开摄像头，请手动输入签到码",
    en: "The camera could not be opened. Please type the code instead.",
  },

  // not an organiser
  "checkin.notAllowed": { "zh-CN": "只有活动组织者才能签到", en: "Only organisers can check people in." },
  /** A woman who scanned her own ticket with WeChat lands on the check-in desk. */
  "checkin.ticketQr": {
    "zh-CN": "这是签到用的二维码，请给现场工作人员扫。",
    en: "This QR code is for checking in. Please show it to the staff at the door.",
  },
  "checkin.ticketQrMine": { "zh-CN": "看我的电子票", en: "See my ticket" },
} satisfies Record<string, Entry>;
