import type { RouteDefinition } from "@solidjs/router";
import Home, { preloadHome } from "./pages/Home.tsx";
import Campaign, { preloadCampaign } from "./pages/Campaign.tsx";
import SignIn from "./pages/SignIn.tsx";
import MyRegistrations, { preloadMyRegistrations } from "./pages/MyRegistrations.tsx";
import CheckIn from "./pages/CheckIn.tsx";
import Organiser, { preloadOrganiser } from "./pages/Organiser.tsx";
import OrganiserCampaign, { preloadOrganiserCampaign } from "./pages/OrganiserCampaign.tsx";
import NotFound from "./pages/NotFound.tsx";

export const routes: RouteDefinition[] = [
  { path: "/", component: Home, preload: preloadHome },
  { path: "/campaigns/:id", component: Campaign, preload: preloadCampaign },
  { path: "/signin", component: SignIn },
  { path: "/me/registrations", component: MyRegistrations, preload: preloadMyRegistrations },
  { path: "/organiser", component: Organiser, preload: preloadOrganiser },
  { path: "/organiser/checkin", component: CheckIn },
  { path: "/organiser/campaigns/:id", component: OrganiserCampaign, preload: preloadOrganiserCampaign },
  { path: "*404", component: NotFound },
];
