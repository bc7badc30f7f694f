import { lazy, type Component } from "solid-js";
import type { RouteDefinition, RoutePreloadFuncArgs, RouteSectionProps } from "@solidjs/router";
import type { MessageArea } from "@jinguo/core/messages";
import { loadPageWords } from "./i18n.ts";

type PageModule = { default: Component<RouteSectionProps> };
type Preload = (args: RoutePreloadFuncArgs) => void;

/** The router's own preloadRoute (index.tsx hands it over): runs a route's preload as the router does. */
let preloadRoute: ((url: URL) => void) | undefined;
export function usePreloader(preload: (url: URL) => void): void {
  preloadRoute = preload;
}

const matchers: { pattern: RegExp; start: () => void }[] = [];

/**
 * One route, its page a chunk of its own that loads, with its words (the areas it names and
 * the keys its own modules name, which the build gathers), when the route is first visited or a
 * link to it is about to be followed: a participant's page never brings organiser, judge or desk
 * code or words, nor another page's. app-map.ts reads these calls (keep the literal path, areas
 * and import() in each).
 *
 * The page's data preload lives in its module. Once the module is here it runs as the router
 * runs it, at once; before, the module is fetched and the router is asked to preload the route
 * again when it arrives (its queries then start before the page's first draw, and a failure of
 * theirs stays a preload's, never an unhandled rejection).
 */
function page<M extends PageModule>(
  path: string,
  areas: MessageArea[],
  load: () => Promise<M>,
  preloadOf?: (module: M) => Preload,
): RouteDefinition {
  let module: M | undefined;
  let loading: Promise<M> | undefined;
  const fetchModule = () =>
    (loading ??= Promise.all([load(), loadPageWords(path, areas)]).then(
      ([m]) => (module = m),
      (error: unknown) => {
        loading = undefined; // a failed chunk (offline) is fetched again on the next visit
        throw error;
      },
    ));
  matchers.push({ pattern: patternOf(path), start: () => void fetchModule().catch(() => undefined) });
  return {
    path,
    component: lazy(fetchModule),
    ...(preloadOf
      ? {
          preload: (args: RoutePreloadFuncArgs) => {
            if (module) return preloadOf(module)(args);
            const { pathname, search, hash } = args.location;
            void fetchModule().then(
              () => preloadRoute?.(new URL(pathname + search + hash, window.location.origin)),
              () => undefined,
            );
          },
        }
      : {}),
  };
}

/** A route's path as a regular expression (`:param` one segment, `*rest` the rest). */
function patternOf(path: string): RegExp {
  const body = path
    .split("/")
    .map((part) => (part.startsWith(":") ? "[^/]+" : part.startsWith("*") ? ".*" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${body}/?$`);
}

export const routes: RouteDefinition[] = [
  // a participant's: no area, each page its own words (the build cuts them from the common area)
  page("/", [], () => import("./pages/Home.tsx"), (m) => m.preloadHome),
  page("/campaigns/:id", [], () => import("./pages/Campaign.tsx"), (m) => m.preloadCampaign),
  page("/entries/:id", [], () => import("./pages/Entry.tsx"), (m) => m.preloadEntry),
  page("/signin", [], () => import("./pages/SignIn.tsx")),
  page("/me/registrations", [], () => import("./pages/MyRegistrations.tsx"), (m) => m.preloadMyRegistrations),
  page("/me/entries", [], () => import("./pages/MyEntries.tsx"), (m) => m.preloadMyEntries),
  page("/me/tickets/:registrationId", [], () => import("./pages/Ticket.tsx")),
  // a judge's (their pages, like an organiser's, load the common area whole: app-map.ts, PAGE_AREAS)
  page("/judge", ["common", "judge"], () => import("./pages/Judge.tsx"), (m) => m.preloadJudge),
  page("/judge/rounds/:roundId", ["common", "judge"], () => import("./pages/JudgeRound.tsx"), (m) => m.preloadJudgeRound),
  // an organiser's, and the door's
  page("/organiser", ["common", "organiser"], () => import("./pages/Organiser.tsx"), (m) => m.preloadOrganiser),
  page("/organiser/door", ["common", "organiser", "desk"], () => import("./pages/Door.tsx"), (m) => m.preloadDoor),
  page("/organiser/door/:campaignId/:sessionId", ["common", "organiser", "desk"], () => import("./pages/CheckIn.tsx")),
  page("/organiser/checkin", ["common", "organiser", "desk"], () => import("./pages/CheckIn.tsx")),
  page("/organiser/campaigns/:id", ["common", "organiser"], () => import("./pages/OrganiserCampaign.tsx"), (m) => m.preloadOrganiserCampaign),
  page("/organiser/campaigns/:id/entries", ["common", "organiser"], () => import("./pages/OrganiserEntries.tsx"), (m) => m.preloadOrganiserEntries),
  page("/organiser/campaigns/:id/votes", ["common", "organiser"], () => import("./pages/OrganiserVotes.tsx"), (m) => m.preloadOrganiserVotes),
  page("/organiser/campaigns/:id/rounds", ["common", "organiser"], () => import("./pages/OrganiserRounds.tsx"), (m) => m.preloadOrganiserRounds),
  page("/organiser/campaigns/:id/rounds/:roundId", ["common", "organiser"], () => import("./pages/OrganiserRound.tsx"), (m) => m.preloadOrganiserRound),
  page("*404", [], () => import("./pages/NotFound.tsx")),
];

/**
 * Starts fetching the page of the address she opened, before the app is drawn (index.tsx): the
 * page's chunk and the message table then come side by side, not one after the other.
 */
export function startPageFor(pathname: string): void {
  matchers.find((m) => m.pattern.test(pathname))?.start();
}
