import * as z from "zod/mini";

/** `?limit=` (1–100, default 50) and `?cursor=` on every list. */
export const listQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
  cursor: z.optional(z.string().check(z.maxLength(2000))),
});
