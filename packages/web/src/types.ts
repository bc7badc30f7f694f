/** Names for the API's answers the pages share, read off the routes (never restated here). */
import type { InferResponseType } from "hono/client";
import type { client } from "./api.ts";

type Api = typeof client.api;

export type User = InferResponseType<Api["me"]["$get"]>["user"];
export type OrgUnit = InferResponseType<Api["org-units"]["$get"]>["items"][number];
export type CampaignSummary = InferResponseType<Api["campaigns"]["$get"]>["items"][number];
export type Kind = CampaignSummary["kind"];
export type CampaignDetail = InferResponseType<Api["campaigns"][":id"]["$get"]>["campaign"];
export type SessionView = NonNullable<CampaignDetail["sessions"]>[number];
export type FormField = CampaignDetail["form"]["fields"][number];
/** A campaign as its organisers see it: drafts too, with `status`. */
export type AdminCampaign = InferResponseType<Api["admin"]["campaigns"][":id"]["$get"]>["campaign"];
