/**
 * A mobile number as people paste it — from a contact card, an SMS, a WeChat chat, a typed
 * note — and as the API takes it: 11 digits, starting 1[3-9]. What a paste brings along is
 * dropped (spaces, the no-break spaces of copied text, dashes, brackets, the +86 country code);
 * anything else (letters, a second number, another country's code) is not guessed at.
 */

const MOBILE = /^1[3-9]\d{9}$/;

/** Separators seen in pasted numbers: spaces of every kind, dashes, dots and brackets, ASCII and full-width. */
const SEPARATORS = /[\s\u00a0\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d.\uff0e()\uff08\uff09[\]]/g;

/** Full-width digits and plus (a Chinese input method in full-width mode) as ASCII. */
export function halfWidth(text: string): string {
  return text.replace(/[\uff10-\uff19\uff0b]/g, (c) => (c === "\uff0b" ? "+" : String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48)));
}

/**
 * The 11-digit mobile number in what she typed or pasted: "139-1234-5678", "+86 139 1234 5678",
 * "0086 13912345678", "86 13912345678", "(139) 1234 5678", "１３９１２３４５６７８" all give
 * "13912345678". `undefined` when it is not one Chinese mobile number.
 */
export function normalisePhone(text: string): string | undefined {
  let s = halfWidth(text).replace(SEPARATORS, "");
  // The country code, written any of the usual ways; a "+" with any other code is another country.
  if (s.startsWith("+86")) s = s.slice(3);
  else if (s.startsWith("0086")) s = s.slice(4);
  else if (s.length === 13 && s.startsWith("86")) s = s.slice(2);
  return MOBILE.test(s) ? s : undefined;
}

/**
 * What the phone box shows as she types or pastes: a whole number in any written form becomes
 * its 11 digits at once (so she sees it was understood); anything else stays as she wrote it,
 * full-width digits made ordinary, for her to correct — never silently cut or changed.
 */
export function phoneInputText(text: string): string {
  return normalisePhone(text) ?? halfWidth(text);
}

/** 139 1234 5678: the way a number is read out and checked by eye. */
export function groupPhone(phone: string): string {
  return MOBILE.test(phone) ? `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` : phone;
}

/**
 * The sign-in code box: its 6 digits, also from a whole pasted text message
 * ("验证码 123456，5分钟内有效"): a run of exactly six digits is the code; otherwise the digits
 * she typed ("123 456"), at most six.
 */
export function codeInputText(text: string): string {
  const plain = halfWidth(text);
  const run = /(?<!\d)\d{6}(?!\d)/.exec(plain);
  return run ? run[0] : plain.replace(/\D/g, "").slice(0, 6);
}
