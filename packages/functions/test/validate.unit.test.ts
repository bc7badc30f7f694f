import { describe, it, expect } from "vitest";
import { Hono } from "hono";
import * as z from "zod/mini";
import { oneLineText } from "@jinguo/core/forms";
import { valid } from "../src/validate.ts";
import { onError } from "../src/errors.ts";

/**
 * `details.fields` lists the fields in the order the schema has them, as it did on zod's classic
 * API: clients (and people reading a 422) see the first wrong field first.
 */
const body = z.strictObject({
  name: oneLineText(5, { required: true }),
  orgUnit: z.optional(z.string().check(z.maxLength(3))),
  note: z.optional(oneLineText(3)),
});
const sent = { name: "\u200b", orgUnit: "toolong", note: "王\u202e", extra: 1 };

async function fieldsOf(input: unknown) {
  const app = new Hono().post("/x", valid("json", body), (c) => c.body(null, 204));
  app.onError(onError);
  const res = await app.request("/x", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
  expect(res.status).toBe(422);
  return ((await res.json()) as { error: { details: { fields: Record<string, string> } } }).error.details.fields;
}

describe("valid()", () => {
  it("names every wrong field, in the schema's order, with its reason", async () => {
    const fields = await fieldsOf(sent);
    expect(Object.entries(fields)).toEqual([
      ["name", "FIELD_REQUIRED"],
      ["orgUnit", "FIELD_INVALID"],
      ["note", "FIELD_CHARACTERS"],
      ["_", "FIELD_INVALID"],
    ]);
  });

  it("negative control: parsed with safeParseAsync, zod/mini puts the text fields (a transform) last", async () => {
    // What @hono/zod-validator does unless told otherwise; valid() parses synchronously instead.
    const r = await body.safeParseAsync(sent);
    expect(r.error!.issues.map((i) => i.path.join(".") || "_")).toEqual(["orgUnit", "_", "name", "note"]);
    expect(body.safeParse(sent).error!.issues.map((i) => i.path.join(".") || "_")).toEqual(["name", "orgUnit", "note", "_"]);
  });
});
