/**
 * The phone normaliser of the sign-in page and the forms: every way a number reaches the box by
 * pasting gives its 11 digits; what is not one Chinese mobile number is refused, not guessed at.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { isMobilePhone } from "@jinguo/core/forms";
import { codeInputText, groupPhone, normalisePhone, phoneInputText } from "../src/phone.ts";

const NBSP = "\u00a0";

describe("normalisePhone", () => {
  it.each([
    ["13912345678"],
    ["139-1234-5678"],
    ["139 1234 5678"],
    ["+86 139 1234 5678"],
    ["+86-139-1234-5678"],
    ["+8613912345678"],
    ["(+86) 139 1234 5678"],
    ["+86 (139) 1234-5678"],
    ["86 13912345678"],
    ["8613912345678"],
    ["0086 139 1234 5678"],
    ["  13912345678  "],
    [`139${NBSP}1234${NBSP}5678`],
    ["139\u30001234\u30005678"], // ideographic space
    ["139\u202f1234\u202f5678"], // narrow no-break space
    ["\u200b13912345678\ufeff"], // zero-width characters picked up with a copy
    ["139\t1234\n5678"],
    ["１３９１２３４５６７８"], // full-width digits
    ["１３９－１２３４－５６７８"], // full-width dashes
    ["＋８６ １３９ １２３４ ５６７８"],
    ["（139）1234 5678"], // full-width brackets
    ["139–1234–5678"], // en dash, as word processors make it
    ["139—1234—5678"],
    ["139.1234.5678"],
  ])("keeps the digits of %j", (pasted) => {
    expect(normalisePhone(pasted)).toBe("13912345678");
  });

  it.each([
    [""],
    ["   "],
    ["1391234567"], // 10 digits: one missing
    ["139123456789"], // 12 digits
    ["139-1234-567"],
    ["23912345678"], // not a mobile number
    ["12912345678"], // 1 then 2: no such mobile prefix
    ["0731-8888 8888"], // a landline
    ["+1 415 555 0123"], // another country
    ["+852 9123 4567"],
    ["+85 13912345678"],
    ["+14155550123"], // a "+" with another code is not +86, even if the digits would pass
    ["086 13912345678"],
    ["86 86 13912345678"],
    ["86 1391234567"], // country code and 10 digits
    ["13912345678 13812345678"], // two numbers
    ["139-1234-567a"],
    ["手机：13912345678"], // words are not guessed at: she sees them and takes them out
    ["139 1234 5678 转 1"],
    ["1e10"],
  ])("refuses %j", (text) => {
    expect(normalisePhone(text)).toBeUndefined();
  });

  it("gives only what the server accepts, for any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        const phone = normalisePhone(text);
        return phone === undefined || isMobilePhone(phone);
      }),
    );
  });

  it("finds any mobile number again, however it is spaced, dashed or prefixed", () => {
    const mobile = fc
      .tuple(fc.integer({ min: 3, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }))
      .map(([second, rest]) => `1${second}${rest.join("")}`);
    const separator = fc.constantFrom("", " ", "-", NBSP, "\u3000", "－", "–");
    const prefix = fc.constantFrom("", "+86", "+86 ", "86 ", "0086", "(+86) ", "＋８６");
    fc.assert(
      fc.property(mobile, separator, prefix, fc.boolean(), (phone, sep, pre, fullWidth) => {
        let written = `${pre}${phone.slice(0, 3)}${sep}${phone.slice(3, 7)}${sep}${phone.slice(7)}`;
        if (fullWidth) written = written.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
        return normalisePhone(written) === phone;
      }),
    );
  });
});

describe("phoneInputText (what the box shows)", () => {
  it("turns a whole pasted number into its 11 digits", () => {
    expect(phoneInputText("+86 139 1234 5678")).toBe("13912345678");
    expect(phoneInputText("139-1234-5678")).toBe("13912345678");
  });

  it("leaves a number being typed, or a wrong one, as she wrote it (full-width digits made ordinary)", () => {
    expect(phoneInputText("139 12")).toBe("139 12");
    expect(phoneInputText("+8")).toBe("+8");
    expect(phoneInputText("１３９")).toBe("139");
    expect(phoneInputText("139123456789")).toBe("139123456789");
    expect(phoneInputText("+1 415 555 0123")).toBe("+1 415 555 0123");
  });
});

describe("groupPhone", () => {
  it("groups 3-4-4 the way a number is read out", () => {
    expect(groupPhone("13912345678")).toBe("139 1234 5678");
    expect(groupPhone("139****5678")).toBe("139****5678");
  });
});

describe("codeInputText (the sign-in code box)", () => {
  it.each([
    ["123456", "123456"],
    ["123 456", "123456"],
    ["１２３４５６", "123456"],
    ["【巾帼活动平台】验证码 482913，5分钟内有效", "482913"],
    ["12", "12"],
    ["1234567", "123456"],
  ])("%j gives %j", (pasted, code) => {
    expect(codeInputText(pasted)).toBe(code);
  });
});
