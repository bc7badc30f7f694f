/** A clear message for a person, not a stack trace. */
export class StartupError extends Error {}
