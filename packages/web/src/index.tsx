/* @refresh reload */
import { render } from "solid-js/web";
import { Router, usePreloadRoute, type RouteSectionProps } from "@solidjs/router";
import { Layout } from "./components/Layout.tsx";
import { routes, startPageFor, usePreloader } from "./routes.ts";
import { ready } from "./i18n.ts";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

function App(props: RouteSectionProps) {
  const preload = usePreloadRoute();
  usePreloader((url) => preload(url, { preloadData: true }));
  return <Layout {...props} />;
}

// The page she opened and the words of her language load side by side; the app is drawn once
// the words are here (a page's own chunk it waits for under the layout's "loading").
startPageFor(window.location.pathname);
void ready.finally(() => render(() => <Router root={App}>{routes}</Router>, root));

// A page's chunk that is gone from the server (a new version came out while this tab was open,
// before a service worker kept the old one): the new version is loaded, at most once a minute so
// that a chunk missing for another reason cannot reload the page over and over. Offline, no.
window.addEventListener("vite:preloadError", () => {
  if (!navigator.onLine) return;
  try {
    const last = Number(sessionStorage.getItem("jinguo.reloadedForChunk") ?? 0);
    if (Date.now() - last < 60_000) return;
    sessionStorage.setItem("jinguo.reloadedForChunk", String(Date.now()));
  } catch {
    return; // without storage we could not tell a second time from the first
  }
  window.location.reload();
});

// The service worker (offline app shell) is registered after the page has loaded, from its own
// small chunk: nothing of it is in the way of the first page.
window.addEventListener("load", () => void import("./pwa.ts"), { once: true });
