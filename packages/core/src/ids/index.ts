import { randomBytes, randomInt } from "node:crypto";

const lower = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

function randomString(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** A new opaque id: `prefix` + 12 random base32 characters (60 bits). */
export const newId = (prefix: string) => `${prefix}${randomString(lower, 12)}`;

/**
 * A check-in code: 9 digits, the first never 0 (`482913075`), read aloud at the door in three
 * groups and typed on any keypad. Drawn at random, so a code says nothing of whose it is; that
 * no two tickets share one is the claim item's work (registration/seats.ts), not chance's.
 */
export const newTicketCode = () => String(randomInt(100_000_000, 1_000_000_000));

/** Is it a check-in code of this version (9 digits, no leading 0)? */
export const isTicketCode = (code: string) => /^[1-9]\d{8}$/.test(code);
/** A code of an earlier version: 8 characters of 2-9 and consonants (`JNXQS4YX`), still valid at the door. */
export const isLetterTicketCode = (code: string) => /^[2-9A-Z]{8}$/.test(code);

/**
 * What was typed or scanned, as a code: full-width digits from a Chinese keyboard made plain,
 * anything but digits and letters dropped (`482 913 075`, `482-913-075`), letters upper-cased.
 */
export const normaliseTicketCode = (code: string) => code.normalize("NFKC").toUpperCase().replace(/[^0-9A-Z]/g, "");

/** Six digits, uniformly drawn. */
export const newOtpCode = () => String(randomInt(0, 1_000_000)).padStart(6, "0");
