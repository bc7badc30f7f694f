import { randomBytes, randomInt } from "node:crypto";

const lower = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case
// Ticket codes are read aloud and typed at the door: no 0/O, 1/I/L, no vowels that spell words.
const ticketAlphabet = "23456789BCDFGHJKMNPQRSTVWXYZ";

function randomString(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** A new opaque id: `prefix` + 12 random base32 characters (60 bits). */
export const newId = (prefix: string) => `${prefix}${randomString(lower, 12)}`;

/** 8 characters from a 28-letter alphabet: ~3.8e11 codes, so guessing one is hopeless. */
export const newTicketCode = () => randomString(ticketAlphabet, 8);

export const normaliseTicketCode = (code: string) => code.trim().toUpperCase().replace(/[\s-]/g, "");

/** Six digits, uniformly drawn. */
export const newOtpCode = () => String(randomInt(0, 1_000_000)).padStart(6, "0");
