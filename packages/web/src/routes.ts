import type { RouteDefinition } from "@solidjs/router";
import Home, { preloadHome } from "./pages/Home.tsx";
import Campaign, { preloadCampaign } from "./pages/Campaign.tsx";
import SignIn from "./pages/SignIn.tsx";
import MyRegistrations, { preloadMyRegistrations } from "./pages/MyRegistrations.tsx";
import MyEntries, { preloadMyEntries } from "./pages/MyEntries.tsx";
import Judge, { preloadJudge } from "./pages/Judge.tsx";
import JudgeRound, { preloadJudgeRound } from "./pages/JudgeRound.tsx";
import CheckIn from "./pages/CheckIn.tsx";
import Organiser, { preloadOrganiser } from "./pages/Organiser.tsx";
import OrganiserCampaign, { preloadOrganiserCampaign } from "./pages/OrganiserCampaign.tsx";
import OrganiserEntries, { preloadOrganiserEntries } from "./pages/OrganiserEntries.tsx";
import OrganiserRounds, { preloadOrganiserRounds } from "./pages/OrganiserRounds.tsx";
import OrganiserRound, { preloadOrganiserRound } from "./pages/OrganiserRound.tsx";
import Entry, { preloadEntry } from "./pages/Entry.tsx";
import OrganiserVotes, { preloadOrganiserVotes } from "./pages/OrganiserVotes.tsx";
import NotFound from "./pages/NotFound.tsx";

export const routes: RouteDefinition[] = [
  { path: "/", component: Home, preload: preloadHome },
  { path: "/campaigns/:id", component: Campaign, preload: preloadCampaign },
  { path: "/entries/:id", component: Entry, preload: preloadEntry },
  { path: "/signin", component: SignIn },
  { path: "/me/registrations", component: MyRegistrations, preload: preloadMyRegistrations },
  { path: "/me/entries", component: MyEntries, preload: preloadMyEntries },
  { path: "/judge", component: Judge, preload: preloadJudge },
  { path: "/judge/rounds/:roundId", component: JudgeRound, preload: preloadJudgeRound },
  { path: "/organiser", component: Organiser, preload: preloadOrganiser },
  { path: "/organiser/checkin", component: CheckIn },
  { path: "/organiser/campaigns/:id", component: OrganiserCampaign, preload: preloadOrganiserCampaign },
  { path: "/organiser/campaigns/:id/entries", component: OrganiserEntries, preload: preloadOrganiserEntries },
  { path: "/organiser/campaigns/:id/votes", component: OrganiserVotes, preload: preloadOrganiserVotes },
  { path: "/organiser/campaigns/:id/rounds", component: OrganiserRounds, preload: preloadOrganiserRounds },
  { path: "/organiser/campaigns/:id/rounds/:roundId", component: OrganiserRound, preload: preloadOrganiserRound },
  { path: "*404", component: NotFound },
];
