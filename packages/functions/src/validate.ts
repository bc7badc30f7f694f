import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import * as z from "zod/mini";
import type { $ZodType } from "zod/v4/core";
import { DomainError } from "@jinguo/core/errors";

/** What one `valid()` middleware checks: read back by the contract (openapi.ts) and its tests. */
export interface Validation {
  target: keyof ValidationTargets;
  schema: $ZodType;
}

// Keyed by the middleware function itself, so the route table (`app.routes`) is the one list of
// what each route validates: the documented schema is the very object that validates.
const validations = new WeakMap<Function, Validation>();

/** The target and schema a handler from `valid()` checks; undefined for any other handler. */
export const validationOf = (handler: Function): Validation | undefined => validations.get(handler);

/**
 * zod validation with the API's error shape: 422 VALIDATION, `details.fields` naming each
 * field that is wrong (path joined with dots) and why.
 */
export const valid = <T extends $ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) => {
  const middleware = zValidator(
    target,
    schema,
    (result) => {
      if (!result.success) {
        const fields: Record<string, string> = {};
        for (const issue of result.error.issues) {
          const path = issue.path.join(".") || "_";
          // zod 4 leaves `issue.input` out unless asked, so whether the field was missing is
          // read from what was sent: a wrong type is not a missing answer, and a missing one is
          // missing whichever check noticed (an enum says "invalid_value", a z.custom its reason).
          const missing = valueAt(result.data, issue.path) === undefined;
          // A check that knows its reason (core's text helpers, answersSchema) says it in params.
          const reason = issue.code === "custom" && typeof issue.params?.reason === "string" ? issue.params.reason : undefined;
          fields[path] ??= missing ? "FIELD_REQUIRED" : (reason ?? "FIELD_INVALID");
        }
        throw new DomainError("VALIDATION", { fields });
      }
    },
    // Parsed synchronously, as zod's classic API effectively did: in zod/mini every transform run
    // by safeParseAsync (zValidator's default) goes async, which would put the text fields' issues
    // after their siblings' and so reorder `details.fields`. No schema here is async.
    // (@hono/zod-validator types this result as classic zod's; mini's error is core's $ZodError.)
    { validationFunction: (s, value) => z.safeParse(s, value) as never },
  );
  validations.set(middleware, { target, schema });
  return middleware;
};

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
