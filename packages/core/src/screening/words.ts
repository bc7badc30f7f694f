/**
 * The default sensitive-word list: what no entry on a women's federation platform should carry
 * unnoticed. It only flags: an organiser reads the marks and decides; nothing is refused for it.
 *
 * Kept short on purpose, so that a person can review every line. Each phrase is specific enough
 * not to turn up in ordinary writing about the federation's work — the 2019 plan screens clean
 * (a unit test holds it) — which is why bare topic words are left out: "暴力" is in
 * 《反家庭暴力法》, "贷款" in 创业担保贷款, "色情" inside 特色情况, "援交" inside 支援交通.
 * Matching is after NFKC and lower-casing, so "ＣＡＳＩＮＯ" and "Casino" are "casino".
 * A campaign adds its own words (its `sensitiveWords` setting) to these.
 */
export const defaultSensitiveWords: readonly string[] = [
  // 赌博 · gambling
  "赌博",
  "网络赌博",
  "网赌",
  "博彩",
  "赌场",
  "六合彩",
  "时时彩",
  "casino",
  // 色情 · pornography
  "色情网站",
  "色情视频",
  "黄色网站",
  "裸聊",
  "约炮",
  "一夜情",
  "porn",
  // 诈骗 · fraud, and the vote-brushing this platform's votes draw
  "杀猪盘",
  "刷单",
  "刷票",
  "裸贷",
  "套现",
  "洗钱",
  "传销",
  "代开发票",
  // 暴力 · violence and weapons
  "买卖枪支",
  "自制枪支",
  "自制炸药",
  "制作炸弹",
  "恐怖袭击",
  // 毒品 · drugs
  "冰毒",
  "海洛因",
  "摇头丸",
];
