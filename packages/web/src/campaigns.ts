/**
 * One published campaign, as anyone may read it: its page, and the sign-in page naming what she
 * was doing. Apart from both pages, so the sign-in page does not bring the campaign page along.
 */
import { query } from "@solidjs/router";
import { client, parseResponse } from "./api.ts";

export const getCampaign = query(async (id: string) => {
  const { campaign } = await parseResponse(client.api.campaigns[":id"].$get({ param: { id: encodeURIComponent(id) } }));
  return campaign;
}, "campaign");
