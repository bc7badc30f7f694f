import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { DomainError } from "@jinguo/core/errors";

/**
 * zod validation with the API's error shape: 422 VALIDATION, `details.fields` naming each
 * field that is wrong (path joined with dots) and why.
 */
export const valid = <T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      const fields: Record<string, string> = {};
      for (const issue of result.error.issues) {
        const path = issue.path.join(".") || "_";
        // zod 4 leaves `issue.input` out unless asked, so whether the field was missing is
        // read from what was sent: a wrong type is not a missing answer.
        const missing = issue.code === "invalid_type" && valueAt(result.data, issue.path) === undefined;
        fields[path] ??= missing ? "FIELD_REQUIRED" : "FIELD_INVALID";
      }
      throw new DomainError("VALIDATION", { fields });
    }
  });

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let v = data;
  for (const key of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Opaque list cursors: base64url JSON, so clients pass them back untouched. */
export const encodeCursor = (value: unknown) => (value ? Buffer.from(JSON.stringify(value)).toString("base64url") : null);

export function decodeCursor<T>(cursor: string | undefined): T | undefined {
  if (!cursor) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as T;
  } catch {
    throw new DomainError("VALIDATION", { fields: { cursor: "FIELD_INVALID" } });
  }
}
