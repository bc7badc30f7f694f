import type { Entry } from "./index.ts";

/**
 * Text messages (SMS) the platform sends, besides the sign-in code. Short: one SMS is 70
 * characters, a longer one goes in parts of 67 (the 【…】 sign counts). `{ticket}` is
 * `notice.ticket` with the address of her ticket, or `notice.ticketNoLink` where the site's
 * address is unknown.
 *
 * Lengths in zh-CN: the promotion's fixed words, sign and "电子票：" included, are 30 characters,
 * the reminder's 29. With the seeded lecture ("巾帼创业创新公益大讲座 长沙站", "12月9日 14:30", a venue
 * of 16) and a link of 56 (http://localhost:3000/me/tickets/s-cxcy-01.u…) the promotion is 111
 * characters (2 parts) and the reminder 126 (2 parts). The link is the longest part and the one
 * she needs at the door, so it is not cut; the words around it were.
 */
export const noticeMessages = {
  "notice.promoted": {
    "zh-CN": "【巾帼活动平台】您候补的“{campaign} {session}”已为您确认座位，{when}开始。{ticket}",
    en: "[Women's Federation] Your waitlist place for “{campaign} {session}” is now a confirmed seat. It starts {when}. {ticket}",
  },
  // Sent the day before; it names the day and hour rather than "tomorrow", which a late delivery would make wrong.
  "notice.reminder": {
    "zh-CN": "【巾帼活动平台】提醒：您报名的“{campaign} {session}”{when}开始，地点：{venue}。{ticket}",
    en: "[Women's Federation] Reminder: “{campaign} {session}” starts {when} at {venue}. {ticket}",
  },
  // The link last, with nothing after it: a phone that turns addresses into links must not take in a word.
  "notice.ticket": {
    "zh-CN": "电子票：{link}",
    en: "Your ticket: {link}",
  },
  "notice.ticketNoLink": {
    "zh-CN": "电子票在“我的报名”里。",
    en: "Your ticket is under “My registrations”.",
  },
} satisfies Record<string, Entry>;
