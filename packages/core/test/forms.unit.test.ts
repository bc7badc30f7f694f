import { describe, it, expect } from "vitest";
import {
  validateAnswers,
  isResidentId,
  isMobilePhone,
  maskPhone,
  maskIdNumber,
  maskName,
  maskAnswers,
  formSchema,
  answersSchema,
  decimalNumber,
  isFieldKey,
  reservedFieldKeys,
  type Form,
  type FormField,
  type Answers,
} from "@jinguo/core/forms";
import { DomainError } from "@jinguo/core/errors";
import { toAttributes } from "@jinguo/core/db";

// ---- GB 11643-1999, computed here from the standard, not from the code under test ----
// Weight of position i (0-based, left to right) is 2^(17-i) mod 11; the check value is
// (12 - sum mod 11) mod 11, written "X" when it is 10.
const weight = (i: number) => 2 ** (17 - i) % 11;
function checkCharFor(first17: string): string {
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weight(i), 0);
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? "X" : String(value);
}
const residentId = (region: string, birth: string, seq: string) => {
  const body = `${region}${birth}${seq}`;
  return body + checkCharFor(body);
};
/** The same id with any other check character. */
const flipCheck = (id: string) => {
  const others = [..."0123456789X"].filter((c) => c !== id[17]);
  return id.slice(0, 17) + others[0];
};
/** A sequence number that gives check character X (one in eleven do). */
function idEndingInX(region: string, birth: string): string {
  for (let n = 0; n < 1000; n++) {
    const id = residentId(region, birth, String(n).padStart(3, "0"));
    if (id.endsWith("X")) return id;
  }
  throw new Error("no X found");
}

const orgUnits = new Set(["hn", "hn.cs", "hn.cs.yl", "hn.zz"]);

function fieldErrors(form: Form, answers: Answers): Record<string, string> {
  try {
    validateAnswers(form, answers, orgUnits);
  } catch (err) {
    if (err instanceof DomainError && err.code === "VALIDATION") return (err.details as { fields: Record<string, string> }).fields;
    throw err;
  }
  throw new Error("expected a VALIDATION error");
}
const one = (field: FormField) => ({ fields: [field] });
const errorOf = (field: FormField, value: unknown) => fieldErrors(one(field), value === undefined ? {} : { [field.key]: value })[field.key];
const cleanOf = (field: FormField, value: unknown) => validateAnswers(one(field), { [field.key]: value }, orgUnits)[field.key];

describe("isResidentId (GB 11643)", () => {
  const valid = [
    residentId("430102", "19850315", "123"),
    residentId("430104", "20000229", "002"), // a leap day
    residentId("110105", "19491001", "008"),
    idEndingInX("430111", "19900101"),
  ];

  it("accepts ids whose check character is computed from the standard", () => {
    for (const id of valid) expect(isResidentId(id), id).toBe(true);
    expect(valid.some((id) => id.endsWith("X"))).toBe(true);
  });

  it("refuses every other check character", () => {
    for (const id of valid) {
      for (const c of "0123456789X") {
        const other = id.slice(0, 17) + c;
        expect(isResidentId(other), other).toBe(c === id[17]);
      }
    }
  });

  it("refuses impossible birth dates even with a right check character", () => {
    expect(isResidentId(residentId("430102", "19850230", "123"))).toBe(false);
    expect(isResidentId(residentId("430102", "19011301", "123"))).toBe(false);
    expect(isResidentId(residentId("430102", "19000229", "123"))).toBe(false); // 1900 is no leap year
  });

  it("refuses the wrong length, letters and a lower-case x", () => {
    const x = idEndingInX("430111", "19900101");
    expect(isResidentId(x.toLowerCase())).toBe(false);
    expect(isResidentId(x.slice(0, 17))).toBe(false);
    expect(isResidentId(`${x}0`)).toBe(false);
    expect(isResidentId("43010219850315A23" + "4")).toBe(false);
    expect(isResidentId("")).toBe(false);
  });
});

describe("isMobilePhone", () => {
  it("takes 11 digits starting 13..19", () => {
    for (const p of ["13800000000", "13912345678", "15012345678", "19987654321", "16600000000"]) expect(isMobilePhone(p), p).toBe(true);
  });
  it("refuses other shapes", () => {
    for (const p of ["12345678901", "10012345678", "1381234567", "138123456789", "+8613812345678", "138 1234 5678", "1381234567a", ""])
      expect(isMobilePhone(p), p).toBe(false);
  });
});

describe("validateAnswers, field by field", () => {
  it("text: trimmed, limited by characters (not bytes), default 200", () => {
    const f: FormField = { key: "name", label: "姓名", type: "text", required: true, maxLength: 4 };
    expect(cleanOf(f, "  王秀兰 ")).toBe("王秀兰");
    expect(cleanOf(f, "𠀀𠀁𠀂𠀃")).toBe("𠀀𠀁𠀂𠀃"); // four characters outside the BMP are four, not eight
    expect(errorOf(f, "王秀兰兰兰")).toBe("FIELD_TOO_LONG");
    expect(errorOf(f, 12)).toBe("FIELD_INVALID");
    expect(errorOf(f, ["王"])).toBe("FIELD_INVALID");
    expect(errorOf(f, "   ")).toBe("FIELD_REQUIRED");
    expect(errorOf(f, undefined)).toBe("FIELD_REQUIRED");
    expect(errorOf(f, null)).toBe("FIELD_REQUIRED");
    const plain: FormField = { key: "note", label: "备注", type: "text", required: false };
    expect(cleanOf(plain, "字".repeat(200))).toHaveLength(200);
    expect(errorOf(plain, "字".repeat(201))).toBe("FIELD_TOO_LONG");
    expect(validateAnswers(one(plain), { note: "" }, orgUnits)).toEqual({});
  });

  it("textarea: default limit 5000", () => {
    const f: FormField = { key: "story", label: "故事", type: "textarea", required: true };
    expect(cleanOf(f, "多".repeat(5000))).toHaveLength(5000);
    expect(errorOf(f, "多".repeat(5001))).toBe("FIELD_TOO_LONG");
  });

  it("phone: spaces and dashes removed, then 11 digits from 1", () => {
    const f: FormField = { key: "phone", label: "手机号", type: "phone", required: true };
    expect(cleanOf(f, "139 1234-5678")).toBe("13912345678");
    expect(errorOf(f, "12345678901")).toBe("FIELD_PHONE");
    expect(errorOf(f, "1391234567")).toBe("FIELD_PHONE");
    expect(errorOf(f, 13912345678)).toBe("FIELD_PHONE");
    expect(errorOf(f, undefined)).toBe("FIELD_REQUIRED");
  });

  it("idNumber: upper-cased, check character verified", () => {
    const f: FormField = { key: "idNumber", label: "身份证号", type: "idNumber", required: true };
    const x = idEndingInX("430111", "19900101");
    expect(cleanOf(f, x.toLowerCase())).toBe(x);
    expect(cleanOf(f, ` ${x} `)).toBe(x);
    const good = residentId("430102", "19850315", "123");
    expect(cleanOf(f, good)).toBe(good);
    expect(errorOf(f, flipCheck(good))).toBe("FIELD_ID_NUMBER");
    expect(errorOf(f, 430102198503151234)).toBe("FIELD_ID_NUMBER");
  });

  it("number: numbers or numeric strings, within min/max", () => {
    const f: FormField = { key: "age", label: "年龄", type: "number", required: true, min: 16, max: 120 };
    expect(cleanOf(f, 35)).toBe(35);
    expect(cleanOf(f, " 42 ")).toBe(42);
    expect(cleanOf(f, 16)).toBe(16);
    expect(cleanOf(f, 120)).toBe(120);
    expect(errorOf(f, 15.9)).toBe("FIELD_TOO_SMALL");
    expect(errorOf(f, 121)).toBe("FIELD_TOO_LARGE");
    expect(errorOf(f, "三十")).toBe("FIELD_INVALID");
    expect(errorOf(f, true)).toBe("FIELD_INVALID");
    expect(errorOf(f, [1])).toBe("FIELD_INVALID");
  });

  it("number without bounds: only what the table can store", () => {
    const f: FormField = { key: "n", label: "数量", type: "number", required: true };
    expect(cleanOf(f, -3.5)).toBe(-3.5);
    expect(cleanOf(f, 0)).toBe(0);
    expect(cleanOf(f, Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    // Beyond 2^53 the DynamoDB SDK refuses to write the number; below 1e-130 DynamoDB does.
    expect(errorOf(f, 1e200)).toBe("FIELD_TOO_LARGE");
    expect(errorOf(f, -1e200)).toBe("FIELD_TOO_LARGE");
    expect(errorOf(f, 1e-200)).toBe("FIELD_INVALID");
    expect(errorOf(f, "1" + "0".repeat(400))).toBe("FIELD_TOO_LARGE"); // plain notation, beyond a double
  });

  it("number: JSON numbers, or strings in plain decimal notation only", () => {
    const f: FormField = { key: "n", label: "数量", type: "number", required: true };
    for (const [given, taken] of [
      ["12", 12],
      ["-3.5", -3.5],
      [" 42 ", 42],
      ["007", 7], // leading zeros are decimal, never octal
      ["0.25", 0.25],
      ["0", 0],
      ["9007199254740991", Number.MAX_SAFE_INTEGER],
    ] as const)
      expect(cleanOf(f, given), given).toBe(taken);
    for (const given of ["0x10", "0X10", "0o17", "0b101", "1e3", "1E3", "2e-3", "+5", "+0", "Infinity", "-Infinity", "NaN", ".5", "5.", "-.5", "1_000", "1,000", "1 000", "１２", "12abc", "--1", "- 1", "0x", "١٢", "\u200b12", "12\u0000"])
      expect(errorOf(f, given), JSON.stringify(given)).toBe("FIELD_INVALID");
    expect(errorOf(f, "  ")).toBe("FIELD_REQUIRED");
    expect(validateAnswers(one({ ...f, required: false }), { n: "  " }, orgUnits)).toEqual({});
    // -0 is stored as 0, whichever way it came.
    expect(Object.is(cleanOf(f, -0), 0)).toBe(true);
    expect(Object.is(cleanOf(f, "-0"), 0)).toBe(true);
    expect(Object.is(decimalNumber("-0.0"), 0)).toBe(true);
    // Negative control: the language's own reading takes all of these.
    for (const given of ["0x10", "0b101", "1e3", "+5", "Infinity", ".5"]) expect(Number.isNaN(Number(given)), given).toBe(false);
  });

  it("choice: one of the declared values", () => {
    const f: FormField = {
      key: "childAge",
      label: "孩子多大",
      type: "choice",
      required: false,
      options: [
        { value: "under3", label: "不到3岁" },
        { value: "primary", label: "上小学" },
      ],
    };
    expect(cleanOf(f, "primary")).toBe("primary");
    expect(errorOf(f, "senior")).toBe("FIELD_CHOICE");
    expect(errorOf(f, ["primary"])).toBe("FIELD_CHOICE");
    expect(errorOf(f, 1)).toBe("FIELD_CHOICE");
    expect(validateAnswers(one(f), {}, orgUnits)).toEqual({});
  });

  it("multichoice: declared values, duplicates folded, at most 50", () => {
    const f: FormField = {
      key: "topics",
      label: "关心的话题",
      type: "multichoice",
      required: true,
      options: [
        { value: "loan", label: "贷款" },
        { value: "ecommerce", label: "电商" },
      ],
    };
    expect(cleanOf(f, ["loan", "ecommerce", "loan"])).toEqual(["loan", "ecommerce"]);
    expect(errorOf(f, ["loan", "other"])).toBe("FIELD_CHOICE");
    expect(errorOf(f, "loan")).toBe("FIELD_CHOICE");
    expect(errorOf(f, Array(51).fill("loan"))).toBe("FIELD_CHOICE");
    expect(errorOf(f, [])).toBe("FIELD_REQUIRED");
  });

  it("date: a real calendar day, years within min/max", () => {
    const f: FormField = { key: "birthday", label: "出生日期", type: "date", required: true, min: 1900, max: 2020 };
    expect(cleanOf(f, "2000-02-29")).toBe("2000-02-29");
    expect(errorOf(f, "2001-02-29")).toBe("FIELD_DATE");
    expect(errorOf(f, "2001/02/01")).toBe("FIELD_DATE");
    expect(errorOf(f, "2001-2-1")).toBe("FIELD_DATE");
    expect(errorOf(f, 20010201)).toBe("FIELD_DATE");
    expect(errorOf(f, "1899-12-31")).toBe("FIELD_TOO_SMALL");
    expect(errorOf(f, "2021-01-01")).toBe("FIELD_TOO_LARGE");
  });

  it("orgUnit: a unit of the tree", () => {
    const f: FormField = { key: "city", label: "市州", type: "orgUnit", required: true };
    expect(cleanOf(f, "hn.cs.yl")).toBe("hn.cs.yl");
    expect(errorOf(f, "hn.nowhere")).toBe("FIELD_ORG_UNIT");
    expect(errorOf(f, "HN.CS")).toBe("FIELD_ORG_UNIT");
    expect(errorOf(f, { id: "hn" })).toBe("FIELD_ORG_UNIT");
  });

  it("image: up to nine upload ids", () => {
    const f: FormField = { key: "photos", label: "照片", type: "image", required: false };
    const id = (n: number) => `up${String(n).padStart(12, "0")}`;
    expect(cleanOf(f, [id(1), id(2)])).toEqual([id(1), id(2)]);
    expect(errorOf(f, Array.from({ length: 10 }, (_, i) => id(i)))).toBe("FIELD_INVALID");
    expect(errorOf(f, ["https://evil.example/x.png"])).toBe("FIELD_INVALID");
    expect(errorOf(f, id(1))).toBe("FIELD_INVALID");
  });

  it("consent: required means exactly true", () => {
    const f: FormField = { key: "consent", label: "同意", type: "consent", required: true };
    expect(cleanOf(f, true)).toBe(true);
    expect(errorOf(f, false)).toBe("FIELD_CONSENT");
    expect(errorOf(f, "true")).toBe("FIELD_CONSENT");
    expect(errorOf(f, 1)).toBe("FIELD_CONSENT");
    expect(errorOf(f, undefined)).toBe("FIELD_CONSENT");
    const optional: FormField = { ...f, required: false };
    expect(cleanOf(optional, false)).toBe(false);
    expect(errorOf(optional, "yes")).toBe("FIELD_INVALID");
  });
});

describe("validateAnswers cleans typed text (see text.unit.test.ts for the rules)", () => {
  const name: FormField = { key: "name", label: "姓名", type: "text", required: true, maxLength: 20 };
  const story: FormField = { key: "story", label: "故事", type: "textarea", required: true };

  it("text: controls, bidi overrides, lone surrogates refused; line breaks refused inside", () => {
    for (const bad of ["王\u0000秀兰", "王\u001b[2J秀兰", "\u202e兰秀王", "王\u2066秀兰", "王\ud800秀兰", "王\u0085秀兰"]) expect(errorOf(name, bad), JSON.stringify(bad)).toBe("FIELD_CHARACTERS");
    expect(errorOf(name, "王\n秀兰")).toBe("FIELD_ONE_LINE");
    expect(cleanOf(name, "王秀兰\r\n")).toBe("王秀兰");
  });

  it("text: a name of only invisible characters is blank, so required", () => {
    expect(errorOf(name, "\u200b\u200b\u200b")).toBe("FIELD_REQUIRED");
    expect(errorOf(name, "\ufeff\u200d\u2060 \u3000")).toBe("FIELD_REQUIRED");
    expect(validateAnswers(one({ ...name, required: false }), { name: "\u200b" }, orgUnits)).toEqual({});
    expect(cleanOf(name, "\u200b王\u200c秀兰\ufeff")).toBe("王秀兰");
    expect(cleanOf(name, "Zoe\u0301")).toBe("Zo\u00e9");
    // The limit counts what is kept, not the invisible padding.
    expect(cleanOf({ ...name, maxLength: 3 }, "王\u200b\u200b\u200b秀兰")).toBe("王秀兰");
  });

  it("textarea: line breaks kept (CRLF as \\n), emoji sequences kept, controls refused", () => {
    expect(cleanOf(story, "第一段\r\n\r\n第二段\t完")).toBe("第一段\n\n第二段\t完");
    expect(cleanOf(story, "我们一家👩\u200d👩\u200d👧")).toBe("我们一家👩\u200d👩\u200d👧");
    expect(errorOf(story, "第一段\u0000")).toBe("FIELD_CHARACTERS");
    expect(errorOf(story, "\u202e")).toBe("FIELD_CHARACTERS");
  });

  it("phone and idNumber are cleaned first, then normalised as before", () => {
    const phone: FormField = { key: "phone", label: "手机号", type: "phone", required: true };
    expect(cleanOf(phone, "\u200b139 1234-5678\ufeff")).toBe("13912345678");
    expect(errorOf(phone, "139\u00001234 5678")).toBe("FIELD_CHARACTERS");
    expect(errorOf(phone, "\u200b")).toBe("FIELD_REQUIRED");
    const idNumber: FormField = { key: "idNumber", label: "身份证号", type: "idNumber", required: true };
    const id = residentId("430102", "19850315", "123");
    expect(cleanOf(idNumber, `\u200b${id}\u200e`)).toBe(id);
    expect(errorOf(idNumber, `${id}\u202e`)).toBe("FIELD_CHARACTERS");
  });
});

describe("answers are plain data, never read through the prototype", () => {
  const form: Form = {
    fields: [
      { key: "name", label: "姓名", type: "text", required: true, personal: true },
      { key: "note", label: "备注", type: "text", required: false },
      { key: "consent", label: "同意", type: "consent", required: false },
    ],
  };
  const good = { name: "王秀兰", consent: true };

  it("an answer inherited through the prototype is no answer", () => {
    expect(fieldErrors(form, Object.create({ name: "王秀兰" }))).toEqual({ name: "FIELD_REQUIRED" });
    const clean = validateAnswers(form, Object.assign(Object.create({ note: "继承的" }), good), orgUnits);
    expect(clean).toEqual(good);
    expect(Object.hasOwn(clean, "note")).toBe(false);
  });

  it("an own __proto__ key (as JSON.parse makes it) is an unknown key and pollutes nothing", () => {
    const answers = JSON.parse('{"name": "王秀兰", "__proto__": {"note": "x", "polluted": true}}');
    expect(Object.hasOwn(answers, "__proto__")).toBe(true);
    const fields = fieldErrors(form, answers);
    expect(Object.keys(fields)).toEqual(["__proto__"]);
    expect(fields["__proto__"]).toBe("FIELD_UNKNOWN");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keys named after Object.prototype members are unknown, not read", () => {
    expect(fieldErrors(form, { ...good, constructor: "x", toString: "y", valueOf: 1, hasOwnProperty: null })).toEqual({
      constructor: "FIELD_UNKNOWN",
      toString: "FIELD_UNKNOWN",
      valueOf: "FIELD_UNKNOWN",
      hasOwnProperty: "FIELD_UNKNOWN",
    });
  });

  it("the cleaned answers have no prototype, so a later `__proto__` write stays an own key", () => {
    const clean = validateAnswers(form, good, orgUnits);
    expect(Object.getPrototypeOf(clean)).toBe(null);
    (clean as Record<string, unknown>)["__proto__"] = { polluted: true };
    expect(Object.getPrototypeOf(clean)).toBe(null);
    expect(() => toAttributes({ answers: validateAnswers(form, good, orgUnits) })).not.toThrow();
  });

  it("a form saved before keys had their pattern: its odd fields are refused (4xx), never stored", () => {
    // Negative control: this is why `constructor` cannot be a key at all — the write fails (a 500).
    expect(() => toAttributes({ answers: { constructor: "x" } })).toThrow(/Unsupported type/);
    for (const key of ["constructor", "toString", "valueOf", "Old_key"]) {
      const legacy: Form = { fields: [...form.fields, { key, label: "旧的", type: "text", required: false }] };
      expect(fieldErrors(legacy, good), key).toEqual({ [key]: "FIELD_INVALID" });
      expect(fieldErrors(legacy, { ...good, [key]: "答案" }), key).toEqual({ [key]: "FIELD_INVALID" });
    }
  });

  it("masking reads own answers only", () => {
    const legacy: Form = { fields: [{ key: "toString", label: "旧的", type: "text", required: false }, ...form.fields] };
    const masked = maskAnswers(legacy, { name: "王秀兰" });
    expect(masked).toEqual({ name: "王*兰" });
    expect(Object.hasOwn(masked, "toString")).toBe(false);
  });
});

describe("answersSchema (the request's answers)", () => {
  const reasons = (v: unknown) => {
    const r = answersSchema.safeParse(v);
    return r.success ? { value: r.data } : r.error.issues.map((i) => [i.path.join("."), i.code === "custom" ? i.params?.reason : i.code]);
  };

  it("keeps well-formed keys as they are, in an object with no prototype", () => {
    const r = answersSchema.parse({ name: "王秀兰", phone: "13912345678", consent: true, memberCount: 3, salary: "x" });
    expect(r).toEqual({ name: "王秀兰", phone: "13912345678", consent: true, memberCount: 3, salary: "x" });
    expect(Object.getPrototypeOf(r)).toBe(null);
  });

  it("names every other key FIELD_UNKNOWN — __proto__ too, which zod's record would drop unseen", () => {
    const input = JSON.parse('{"name": "王", "__proto__": {"name": "x"}, "constructor": "c", "toString": "t", "a_b": 1, "Name": 2, "名字": 3}');
    expect(reasons(input)).toEqual([
      ["__proto__", "FIELD_UNKNOWN"],
      ["constructor", "FIELD_UNKNOWN"],
      ["toString", "FIELD_UNKNOWN"],
      ["a_b", "FIELD_UNKNOWN"],
      ["Name", "FIELD_UNKNOWN"],
      ["名字", "FIELD_UNKNOWN"],
    ]);
  });

  it("refuses what is not a plain object, and more keys than a form can have", () => {
    for (const v of ["x", 1, null, [1, 2], new Date(0)]) expect(reasons(v), String(v)).toEqual([["", "FIELD_INVALID"]]);
    const many = Object.fromEntries(Array.from({ length: 61 }, (_, i) => [`k${i}`, i]));
    expect(reasons(many)).toEqual([["", "FIELD_INVALID"]]);
    expect(answersSchema.safeParse(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i]))).success).toBe(true);
  });
});

describe("validateAnswers, the whole form", () => {
  const form: Form = {
    fields: [
      { key: "name", label: "姓名", type: "text", required: true, maxLength: 20 },
      { key: "phone", label: "手机号", type: "phone", required: true },
      { key: "city", label: "市州", type: "orgUnit", required: true },
      { key: "consent", label: "同意", type: "consent", required: true },
    ],
  };

  it("keeps only the declared keys, cleaned", () => {
    expect(validateAnswers(form, { name: " 王秀兰 ", phone: "139-1234-5678", city: "hn.cs", consent: true }, orgUnits)).toEqual({
      name: "王秀兰",
      phone: "13912345678",
      city: "hn.cs",
      consent: true,
    });
  });

  it("names every broken field at once, unknown keys included", () => {
    expect(fieldErrors(form, { name: "王".repeat(21), phone: "123", city: "hn.xx.yy", extra: "x", ssn: "1" })).toEqual({
      name: "FIELD_TOO_LONG",
      phone: "FIELD_PHONE",
      city: "FIELD_ORG_UNIT",
      consent: "FIELD_CONSENT",
      extra: "FIELD_UNKNOWN",
      ssn: "FIELD_UNKNOWN",
    });
  });
});

describe("form schema", () => {
  const withKey = (key: string) => ({ fields: [{ key, label: "项", type: "text", required: false }] });

  it("keys are lowerCamelCase ASCII, a letter first, at most 40 characters", () => {
    for (const key of ["name", "phone", "leaderPhone", "memberCount", "q1", "n".repeat(40)]) {
      expect(isFieldKey(key), key).toBe(true);
      expect(formSchema.safeParse(withKey(key)).success, key).toBe(true);
    }
    for (const key of ["", "Name", "_name", "1name", "my_name", "my-name", "my name", "n".repeat(41), "名字", "naïve", "__proto__", "__defineGetter__"]) {
      expect(isFieldKey(key), key).toBe(false);
      expect(formSchema.safeParse(withKey(key)).success, key).toBe(false);
    }
  });

  it("labels and help are cleaned text: refused with a reason, or kept plain", () => {
    const field = { key: "name", type: "text", required: true };
    const parsed = formSchema.parse({ fields: [{ ...field, label: " 姓名\u200b", labelEn: "Name\ufeff", help: "第一行\r\n第二行" }] });
    expect(parsed.fields[0]).toMatchObject({ label: "姓名", labelEn: "Name", help: "第一行\n第二行" });
    const issues = (f: object) => formSchema.safeParse({ fields: [{ ...field, ...f }] }).error?.issues.map((i) => [i.path.join("."), i.code === "custom" ? i.params?.reason : i.code]);
    expect(issues({ label: "姓\u202e名" })).toEqual([["fields.0.label", "FIELD_CHARACTERS"]]);
    expect(issues({ label: "\u200b" })).toEqual([["fields.0.label", "FIELD_REQUIRED"]]);
    expect(issues({ label: "姓\n名" })).toEqual([["fields.0.label", "FIELD_ONE_LINE"]]);
    expect(issues({ label: "姓名", help: "\u0000" })).toEqual([["fields.0.help", "FIELD_CHARACTERS"]]);
  });

  it("no key is the name of an Object.prototype member", () => {
    for (const key of ["constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString"])
      expect(formSchema.safeParse(withKey(key)).success, key).toBe(false);
    // Every member this engine has that the pattern alone would let through is reserved.
    const pattern = /^[a-z][a-zA-Z0-9]{0,39}$/;
    const members = Object.getOwnPropertyNames(Object.prototype).filter((k) => pattern.test(k));
    expect(members.length).toBeGreaterThan(0); // negative control: the pattern alone is not enough
    for (const k of members) expect(reservedFieldKeys.has(k), k).toBe(true);
  });

  it("refuses min/max the table could not store", () => {
    const field = { key: "n", label: "数量", type: "number", required: true };
    expect(formSchema.safeParse({ fields: [{ ...field, min: 0, max: 100 }] }).success).toBe(true);
    expect(formSchema.safeParse({ fields: [{ ...field, max: 1e300 }] }).success).toBe(false);
    expect(formSchema.safeParse({ fields: [{ ...field, min: -1e300 }] }).success).toBe(false);
    expect(formSchema.safeParse({ fields: [{ ...field, min: 1e-200 }] }).success).toBe(false);
  });
});

describe("masking", () => {
  it("maskPhone keeps the first three and last four digits", () => {
    expect(maskPhone("13912341234")).toBe("139****1234");
    expect(maskPhone("123")).toBe("****");
  });

  it("maskIdNumber keeps the region's first three and the last four", () => {
    const id = residentId("430102", "19850315", "123");
    const masked = maskIdNumber(id);
    expect(masked).toBe(`430${"*".repeat(11)}${id.slice(-4)}`);
    expect(masked).toHaveLength(18);
    expect(masked).not.toContain("19850315");
    expect(maskIdNumber("4301")).toBe("****");
  });

  it("maskName keeps the family name (and the last character of long names)", () => {
    expect(maskName("娜")).toBe("*");
    expect(maskName("李娜")).toBe("李*");
    expect(maskName("王秀兰")).toBe("王*兰");
    expect(maskName("欧阳娜娜")).toBe("欧**娜");
    expect(maskName("𠀀𠀁")).toBe("𠀀*");
  });

  it("maskAnswers masks phone, id and person-name fields, and nothing else", () => {
    const id = residentId("430102", "19850315", "123");
    const form: Form = {
      fields: [
        { key: "name", label: "姓名", type: "text", required: true, personal: true },
        { key: "leaderName", label: "领队", type: "text", required: true, personal: true },
        { key: "teamName", label: "队名", type: "text", required: true },
        { key: "phone", label: "手机号", type: "phone", required: true },
        { key: "idNumber", label: "身份证", type: "idNumber", required: true },
        { key: "city", label: "市州", type: "orgUnit", required: true },
        { key: "consent", label: "同意", type: "consent", required: true },
        { key: "note", label: "备注", type: "text", required: false },
      ],
    };
    const answers = {
      name: "王秀兰",
      leaderName: "李娜",
      teamName: "芙蓉姐妹队",
      phone: "13912341234",
      idNumber: id,
      city: "hn.cs",
      consent: true,
    };
    const masked = maskAnswers(form, answers);
    expect(masked).toEqual({
      name: "王*兰",
      leaderName: "李*",
      teamName: "芙蓉姐妹队",
      phone: "139****1234",
      idNumber: maskIdNumber(id),
      city: "hn.cs",
      consent: true,
    });
    const text = JSON.stringify(masked);
    for (const secret of ["13912341234", id, "王秀兰", "19850315"]) expect(text).not.toContain(secret);
    expect(answers.phone).toBe("13912341234"); // the input is not changed
  });

  it("masks by the `personal` flag, not by a field's key; a personal field is never public", () => {
    const form: Form = {
      fields: [
        { key: "name", label: "队名", type: "text", required: true },
        { key: "author", label: "作者", type: "text", required: true, personal: true },
        { key: "birthday", label: "生日", type: "date", required: false, personal: true },
        { key: "phone", label: "手机号", type: "phone", required: true, personal: false },
      ],
    };
    expect(maskAnswers(form, { name: "王秀兰", author: "李娜", birthday: "1985-03-15", phone: "13912341234" })).toEqual({
      name: "王秀兰",
      author: "李*",
      birthday: "****",
      phone: "139****1234", // phone numbers always are personal
    });
    const field = { key: "x", label: "x", required: true };
    expect(formSchema.safeParse({ fields: [{ ...field, type: "text", personal: true, public: true }] }).success).toBe(false);
    expect(formSchema.safeParse({ fields: [{ ...field, type: "phone", public: true }] }).success).toBe(false);
    expect(formSchema.safeParse({ fields: [{ ...field, type: "idNumber", public: true }] }).success).toBe(false);
    expect(formSchema.safeParse({ fields: [{ ...field, type: "text", public: true }] }).success).toBe(true);
  });
});
