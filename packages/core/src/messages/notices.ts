import type { Entry } from "./index.ts";

/**
 * Text messages (SMS) the platform sends, besides the sign-in code. Short: one SMS is 70 characters.
 * `{link}` is the address of her page on the site, or empty where the site's address is unknown.
 */
export const noticeMessages = {
  "notice.promoted": {
    "zh-CN": "【巾帼活动平台】好消息：您候补的“{campaign} {session}”有空位了，已为您确认座位，{when}开始。请在“我的报名”查看电子票。{link}",
    en: "[Women's Federation] Good news: a seat came free at “{campaign} {session}” and it is now yours. It starts {when}. Your ticket is under “My registrations”. {link}",
  },
  // Sent the day before; it names the day and hour rather than "tomorrow", which a late delivery would make wrong.
  "notice.reminder": {
    "zh-CN": "【巾帼活动平台】活动提醒：您报名的“{campaign} {session}”将于{when}开始，地点：{venue}。请带上电子票（在“我的报名”里）。{link}",
    en: "[Women's Federation] Reminder: “{campaign} {session}”, which you registered for, starts {when} at {venue}. Bring your ticket (under “My registrations”). {link}",
  },
} satisfies Record<string, Entry>;
