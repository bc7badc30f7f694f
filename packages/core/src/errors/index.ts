import type { ErrorCode } from "../messages/errors.ts";

export type { ErrorCode };

/**
 * A broken domain rule (a full session, a second registration, a closed phase).
 * Core says which rule; the HTTP layer decides the status code.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
  ) {
    super(code);
    this.name = "DomainError";
  }
}

export const fail = (code: ErrorCode, details?: unknown): never => {
  throw new DomainError(code, details);
};
