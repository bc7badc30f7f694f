import type { Entry } from "./index.ts";

/** Strings of her ticket and her registrations offline (`ticket.*`): part of the participant's pages. */
export const ticketMessages = {
} satisfies Record<string, Entry>;
