import { z } from "zod";

/** `?limit=` (1–100, default 50) and `?cursor=` on every list. */
export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional(),
});
