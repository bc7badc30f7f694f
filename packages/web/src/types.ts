/** The shapes of the API's responses as the web app reads them (see shared/API.md). */
import type { CurrentPhase, Kind, Phase } from "../../core/src/campaigns/model.ts";
import type { FormField } from "../../core/src/forms/model.ts";

export type { CurrentPhase, Kind, FormField };

export type Role =
  | { role: "admin"; orgUnit?: string }
  | { role: "organiser"; orgUnit: string }
  | { role: "judge"; campaignId?: string; roundId?: string }
  | { role: "participant" };

export interface User {
  id: string;
  phone: string;
  name?: string;
  roles: Role[];
}

export interface OrgUnit {
  id: string;
  name: string;
  nameEn?: string;
  parent?: string | null;
  level?: number | string;
}

export interface CampaignSummary {
  id: string;
  kind: Kind;
  title: string;
  titleEn?: string;
  orgUnit: string;
  phase: CurrentPhase;
  phases?: Phase[];
}

export interface SessionView {
  id: string;
  title: string;
  titleEn?: string;
  startsAt: string;
  endsAt?: string;
  venue: string;
  orgUnit?: string;
  capacity: number;
  seatsLeft: number;
  waitlist: boolean;
  waiting?: number;
}

export interface CampaignDetail extends CampaignSummary {
  description: string;
  descriptionEn?: string;
  phases: Phase[];
  form: { fields: FormField[] };
  sessions?: SessionView[];
}

export type Answers = Record<string, string | number | boolean | string[]>;

export interface RegistrationCreated {
  id: string;
  status: "confirmed" | "waitlisted";
  ticketCode: string;
  sessionId: string;
  position?: number;
}

export interface MyRegistration {
  id: string;
  status: "confirmed" | "waitlisted" | "cancelled";
  ticketCode?: string;
  sessionId: string;
  campaignId: string;
  campaignTitle: string;
  campaignTitleEn?: string;
  session?: { title: string; titleEn?: string; startsAt: string; venue: string };
  position?: number;
  createdAt: string;
  checkedInAt?: string;
}

export interface Ticket {
  ticketCode: string;
  qr: string;
}

export interface CheckIn {
  registration: {
    id: string;
    status: string;
    sessionId: string;
    campaignId: string;
    name?: string;
    phone?: string;
    campaignTitle?: string;
    campaignTitleEn?: string;
    session?: { title: string; titleEn?: string; startsAt?: string; venue?: string };
    sessionTitle?: string;
  };
  checkedInAt: string;
}

/** A campaign as its organisers see it (`GET /api/admin/campaigns[/:id]`): drafts too. */
export interface AdminCampaign extends CampaignDetail {
  status: "draft" | "published";
}

export interface AdminCampaignList {
  items: AdminCampaign[];
  cursor: string | null;
  /** The units she manages (each with everything below it). */
  scopes: string[];
}

/** One registration in the organiser's list: answers come masked (`139****5678`, `王*兰`). */
export interface AdminRegistration {
  id: string;
  sessionId: string;
  status: "confirmed" | "waitlisted" | "cancelled";
  answers: Record<string, unknown>;
  createdAt: string;
  checkedInAt?: string;
  cancelledAt?: string;
}

export interface Page<T> {
  items: T[];
  cursor: string | null;
}
