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
        fields[path] ??= issue.code === "invalid_type" && issue.input === undefined ? "FIELD_REQUIRED" : "FIELD_INVALID";
      }
      throw new DomainError("VALIDATION", { fields });
    }
  });

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
