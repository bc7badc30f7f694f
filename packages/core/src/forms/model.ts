import * as z from "zod/mini";
import { isPersonal } from "./personal.ts";
import { multiLineText, oneLineText } from "./text.ts";

export const fieldTypes = [
  "text",
  "textarea",
  "phone",
  "number",
  "choice",
  "multichoice",
  "date",
  "idNumber",
  "orgUnit",
  "image",
  "consent",
] as const;
export type FieldType = (typeof fieldTypes)[number];

/**
 * A number the table can hold: the DynamoDB SDK refuses to write magnitudes beyond 2^53, and
 * DynamoDB itself those below 1e-130. Anything else would only fail later, as a 5xx.
 */
export const isStorableNumber = (v: number) =>
  Number.isFinite(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER && (v === 0 || Math.abs(v) >= 1e-130);
const storableNumber = z.number().check(z.refine(isStorableNumber));

/**
 * A field key: lowerCamelCase ASCII, a letter first, at most 40 characters (`name`, `leaderPhone`,
 * `memberCount`), and never the name of an Object.prototype member (`constructor`, `toString`,
 * `valueOf`, …): answers are a map keyed by these, stored as they are, and such a key would be
 * read through the prototype or break the write. The pattern leaves `__proto__` out already.
 */
export const fieldKeyPattern = /^[a-z][a-zA-Z0-9]{0,39}$/;
export const reservedFieldKeys: ReadonlySet<string> = new Set([
  "constructor",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "toString",
  "valueOf",
]);
export const isFieldKey = (key: string) => fieldKeyPattern.test(key) && !reservedFieldKeys.has(key);
export const fieldKeySchema = z.string().check(z.refine(isFieldKey));

/** A form has at most this many fields, so answers have at most this many keys. */
export const maxFields = 60;

// What organisers write into a form is stored text too, shown to every woman and used as the
// export's column headings: cleaned like any other (text.ts).
const localized = { label: oneLineText(200, { required: true }), labelEn: z.optional(oneLineText(200)) };

export const formFieldSchema = z
  .object({
    /** See `isFieldKey`: lowerCamelCase ASCII, ≤ 40 characters, no Object.prototype member names. */
    key: fieldKeySchema,
    ...localized,
    type: z.enum(fieldTypes),
    required: z.boolean(),
    options: z.optional(z.array(z.object({ value: z.string().check(z.minLength(1), z.maxLength(60)), ...localized })).check(z.maxLength(50))),
    min: z.optional(storableNumber),
    max: z.optional(storableNumber),
    maxLength: z.optional(z.number().check(z.int(), z.positive(), z.lte(20000))),
    /** Shown under the label, e.g. what the consent covers. */
    help: z.optional(multiLineText(1000)),
    helpEn: z.optional(multiLineText(1000)),
    /** Personal data (a private person's name, a phone, an ID): masked for organisers, never public. */
    personal: z.optional(z.boolean()),
    /** Shown on the campaign's public pages once the entry is approved. */
    public: z.optional(z.boolean()),
  })
  .check(
    z.refine((f) => !(f.public && isPersonal(f)), {
      path: ["public"],
      message: "FIELD_INVALID",
      params: { reason: "FIELD_INVALID" },
    }),
  );
export type FormField = z.infer<typeof formFieldSchema>;


export const formSchema = z.object({ fields: z.array(formFieldSchema).check(z.maxLength(maxFields)) });
export type Form = z.infer<typeof formSchema>;
