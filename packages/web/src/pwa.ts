import { registerSW } from "virtual:pwa-register";

/**
 * Registers the service worker that keeps the app shell and the participant's pages for when
 * there is no signal (vite.config.ts, VitePWA). A new version takes over by itself and the page
 * reloads onto it (registerType "autoUpdate"); her tickets are kept by the app (ticket-store.ts),
 * never by the worker, which leaves /api/ alone.
 */
if ("serviceWorker" in navigator) registerSW({ immediate: true });
