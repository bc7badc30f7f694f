import { it, expect } from "vitest";
import { testApi } from "../../../test/harness.ts";
import { putItem, getItem, query } from "@jinguo/core/db";

it("probe", async () => {
  const api = await testApi({ rateLimitPerClient: true });
  const out: any[] = [];
  for (const f of [
    () => putItem(api.db, { pk: "x".repeat(3000), sk: "a" }),
    () => putItem(api.db, { pk: "a", sk: "x".repeat(2000) }),
    () => getItem(api.db, { pk: "x".repeat(3000), sk: "a" }),
    () => query(api.db, { partition: "x".repeat(3000) }),
    () => query(api.db, { index: "gsi1", partition: "x".repeat(3000) }),
  ]) {
    try { await f(); out.push("ok"); } catch (e: any) { out.push(e.name + ": " + e.message); }
  }
  const anon = api.client();
  const r = await anon.post("/api/auth/otp", { phone: api.newPhone() }, { "x-forwarded-for": "1".repeat(3000) });
  out.push(["xff", r.status, r.text]);
  console.log(JSON.stringify(out, null, 1));
  expect(1).toBe(1);
});
