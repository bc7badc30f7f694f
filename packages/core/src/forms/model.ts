import { z } from "zod";

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
const storableNumber = z.number().refine(isStorableNumber);

const localized = { label: z.string().min(1).max(200), labelEn: z.string().max(200).optional() };

export const formFieldSchema = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/),
  ...localized,
  type: z.enum(fieldTypes),
  required: z.boolean(),
  options: z.array(z.object({ value: z.string().min(1).max(60), ...localized })).max(50).optional(),
  min: storableNumber.optional(),
  max: storableNumber.optional(),
  maxLength: z.number().int().positive().max(20000).optional(),
  /** Shown under the label, e.g. what the consent covers. */
  help: z.string().max(1000).optional(),
  helpEn: z.string().max(1000).optional(),
});
export type FormField = z.infer<typeof formFieldSchema>;

export const formSchema = z.object({ fields: z.array(formFieldSchema).max(60) });
export type Form = z.infer<typeof formSchema>;
