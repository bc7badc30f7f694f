import type { Form } from "./model.ts";
import { isPersonal } from "./personal.ts";
import type { Answers } from "./validate.ts";

/** 138****5678 */
export const maskPhone = (phone: string) => (phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : "****");
/** 430***********123X: region and check digits stay, birth date and sequence go. */
export const maskIdNumber = (id: string) => (id.length === 18 ? `${id.slice(0, 3)}${"*".repeat(11)}${id.slice(-4)}` : "****");
/** 张*华, 李*: the family name stays, the given name goes. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return "*";
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${"*".repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/**
 * Masks the personal answers of a form (fields that are `personal`, phone and ID numbers always)
 * for lists and exports: a name keeps its family name, a phone and an ID number their ends, any
 * other personal answer shows only that there is one. What is not personal is as it was given.
 */
export function maskAnswers(form: Form, answers: Answers): Answers {
  const out: Answers = Object.create(null);
  for (const f of form.fields) {
    // Own answers only: a field keyed `toString` on an old form must not show Object.prototype's.
    const v = Object.hasOwn(answers, f.key) ? answers[f.key] : undefined;
    if (v === undefined) continue;
    if (!isPersonal(f)) out[f.key] = v;
    else if (f.type === "phone" && typeof v === "string") out[f.key] = maskPhone(v);
    else if (f.type === "idNumber" && typeof v === "string") out[f.key] = maskIdNumber(v);
    else if (f.type === "text" && typeof v === "string") out[f.key] = maskName(v);
    else out[f.key] = "****";
  }
  return out;
}
