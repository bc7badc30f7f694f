import type { Entry } from "./index.ts";

/** Strings of her ticket and her registrations offline (`ticket.*`): part of the participant's pages. */
export const ticketMessages = {
  // The ticket page
  "ticket.title": { "zh-CN": "电子票", en: "My ticket" },
  "ticket.qrLabel": { "zh-CN": "签到二维码", en: "Check-in QR code" },
  "ticket.codeLabel": { "zh-CN": "签到码", en: "Check-in code" },
  "ticket.name": { "zh-CN": "姓名：{name}", en: "Name: {name}" },
  "ticket.help": {
    "zh-CN": "到了会场，请工作人员扫这个二维码。扫不了，就把签到码念给工作人员听。没有网络也能打开这张票。",
    en: "At the door, let the staff scan this QR code. If it does not scan, read the check-in code out to them. This ticket opens without a network too.",
  },
  "ticket.checkedIn": { "zh-CN": "已签到（{time}）", en: "Checked in ({time})" },
  "ticket.savedOffline": {
    "zh-CN": "网络不通，这是上次打开时保存在手机上的电子票（{time}），照样可以签到。",
    en: "No network: this is the ticket saved on your phone when you last opened it ({time}). It works for check-in all the same.",
  },
  "ticket.offlineNotSaved": {
    "zh-CN": "网络不通，这张电子票还没有保存在手机上。请连上网后再打开一次，以后没有网络也能看。",
    en: "No network, and this ticket is not saved on your phone yet. Open it once with a network; after that it opens without one.",
  },
  "ticket.retry": { "zh-CN": "再试一次", en: "Try again" },
  "ticket.backToList": { "zh-CN": "回到我的报名", en: "Back to my sign-ups" },
  "ticket.waitlistedTitle": { "zh-CN": "您在候补名单上", en: "You are on the waiting list" },
  "ticket.waitlistedPlace": {
    "zh-CN": "您排在候补第 {n} 位。有人取消时，按顺序补上；补上了会发短信告诉您，电子票也会出现在这里。",
    en: "You are number {n} on the waiting list. When someone cancels, the next in line gets the seat; we will text you, and your ticket will show here.",
  },
  "ticket.waitlistedNoPlace": {
    "zh-CN": "有人取消时，按顺序补上；补上了会发短信告诉您，电子票也会出现在这里。",
    en: "When someone cancels, the next in line gets the seat; we will text you, and your ticket will show here.",
  },
  "ticket.cancelledTitle": { "zh-CN": "这个报名已经取消了", en: "This sign-up was cancelled" },
  "ticket.cancelledHelp": {
    "zh-CN": "这张电子票不能用了。还想去的话，可以重新报名（有名额才能报上）。",
    en: "This ticket can no longer be used. If you still want to go, sign up again (while there are seats).",
  },
  "ticket.reregister": { "zh-CN": "重新报名", en: "Sign up again" },
  "ticket.notFound": {
    "zh-CN": "找不到这张电子票。请回到“我的报名”看看。",
    en: "This ticket cannot be found. Please look in My sign-ups.",
  },

  // 我的报名
  "ticket.open": { "zh-CN": "查看电子票", en: "Show my ticket" },
  "ticket.mineOffline": {
    "zh-CN": "网络不通，下面是上次打开时保存的报名和电子票。",
    en: "No network. Below are your sign-ups and tickets as saved when you last opened them.",
  },
  "ticket.mineSavedAt": { "zh-CN": "保存时间：{time}", en: "Saved: {time}" },
  "ticket.mineOfflineEmpty": {
    "zh-CN": "网络不通，手机上还没有保存您的报名。请连上网后再打开这一页。",
    en: "No network, and none of your sign-ups are saved on this phone yet. Please open this page again with a network.",
  },
  "ticket.mineOfflineCancel": {
    "zh-CN": "没有网络时不能取消报名，连上网后再取消。",
    en: "You cannot cancel without a network; cancel once you are back online.",
  },
  "ticket.mineWaitlisted": {
    "zh-CN": "您排在候补第 {n} 位。有人取消时按顺序补上，补上了会发短信告诉您。",
    en: "You are number {n} on the waiting list. When someone cancels, the next in line gets the seat, and we will text you.",
  },
  "ticket.mineWaitlistedNoPlace": {
    "zh-CN": "您在候补名单上。有人取消时按顺序补上，补上了会发短信告诉您。",
    en: "You are on the waiting list. When someone cancels, the next in line gets the seat, and we will text you.",
  },
  "ticket.mineCancelled": {
    "zh-CN": "这个报名已取消。还想去的话，可以重新报名。",
    en: "This sign-up is cancelled. If you still want to go, you can sign up again.",
  },
} satisfies Record<string, Entry>;
