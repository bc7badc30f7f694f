import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * Resident ID numbers at rest (PIPL): sealed with AES-256-GCM, never stored in the clear, and
 * compared by a keyed hash so "the same nominee twice" is found without reading any ID back.
 *
 * Both keys come from the stage's secret by HKDF, each with its own label, so neither can stand
 * in for the other, nor for what the secret signs itself (session cookies). A sealed value says
 * which scheme made it ("v1:"), so the scheme can change without losing what was sealed before.
 * The hash is keyed: without the secret, the small space of valid IDs cannot be searched.
 */

const SALT = "jinguo/privacy";
const SEAL_INFO = "id-number seal v1";
const HASH_INFO = "id-number hash v1";
const V1 = "v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

// Derived once per secret (a process has one, tests a few).
const derived = new Map<string, { seal: Buffer; hash: Buffer }>();

function keysFor(secret: string) {
  if (!secret) throw new Error("privacy: no secret");
  let k = derived.get(secret);
  if (!k) {
    const ikm = Buffer.from(secret, "utf8");
    k = {
      seal: Buffer.from(hkdfSync("sha256", ikm, SALT, SEAL_INFO, 32)),
      hash: Buffer.from(hkdfSync("sha256", ikm, SALT, HASH_INFO, 32)),
    };
    derived.set(secret, k);
  }
  return k;
}

/** One spelling per ID: the check character is an upper-case X however it was typed. */
const canonical = (id: string) => id.trim().toUpperCase();

/** "v1:" + base64url(random IV ‖ ciphertext ‖ tag): the same ID seals differently every time. */
export function sealIdNumber(secret: string, id: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keysFor(secret).seal, iv);
  const body = Buffer.concat([cipher.update(canonical(id), "utf8"), cipher.final()]);
  return V1 + Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/**
 * The ID a sealed value holds. Throws when it was sealed under another secret or changed since
 * (GCM's tag): a wrong ID is never returned. The message says nothing of the value.
 */
export function openIdNumber(secret: string, sealed: string): string {
  if (!sealed.startsWith(V1)) throw new Error("privacy: not a sealed value");
  const raw = Buffer.from(sealed.slice(V1.length), "base64url");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("privacy: sealed value cannot be opened");
  const decipher = createDecipheriv("aes-256-gcm", keysFor(secret).seal, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("privacy: sealed value cannot be opened");
  }
}

/** HMAC-SHA256 of the ID under the stage's hash key, base64url: equal IDs, equal hashes (x or X). */
export const idNumberHash = (secret: string, id: string): string =>
  createHmac("sha256", keysFor(secret).hash).update(canonical(id), "utf8").digest("base64url");

/** Is this what sealIdNumber makes (not an ID in the clear)? */
export const isSealed = (v: unknown): v is string => typeof v === "string" && v.startsWith(V1);
