import type { FieldType } from "./model.ts";

/*
 * What counts as personal, without zod: sessions, the SMS sender and the masks use these on
 * every request and every cold start, while the form schemas (model.ts, validate.ts) load only
 * with the routes that validate forms (packages/functions/src/routes/groups.ts).
 */

const phonePattern = /^1[3-9]\d{9}$/;

/** A mainland mobile number as we keep it: 11 digits, 13x–19x. */
export const isMobilePhone = (v: string) => phonePattern.test(v);

/** Phone and ID numbers always are; any other field when the form says so. */
export const isPersonal = (f: { type: FieldType; personal?: boolean }) => f.personal === true || f.type === "phone" || f.type === "idNumber";
