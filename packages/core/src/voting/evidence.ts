import { createHmac } from "node:crypto";

/**
 * What a vote keeps for fraud review without keeping anyone's address or browser in the clear:
 * keyed hashes (HMAC-SHA256 with the stage's secret), so votes from one network can be grouped
 * but the network cannot be read back, nor found by hashing guesses without the secret.
 */

/**
 * The network an address belongs to: its /24 for IPv4, its /64 for IPv6 (one household or one
 * phone's prefix; a bot farm rotating addresses inside one block stays one network). An
 * IPv4-mapped IPv6 address is its IPv4 address. Anything unreadable is "unknown".
 */
export function networkOf(address: string): string {
  const a = address.trim().toLowerCase().replace(/%.*$/, "");
  const mapped = /^(?:::ffff:|::ffff:0:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) {
    const octets = mapped[1]!.split(".").map(Number);
    if (octets.every((o) => o <= 255)) return `${octets.slice(0, 3).join(".")}.0/24`;
    return "unknown";
  }
  const groups = ipv6Groups(a);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : "unknown";
}

/** The eight groups of an IPv6 address, without leading zeros; undefined if it is not one. */
function ipv6Groups(a: string): string[] | undefined {
  if (!a.includes(":") || !/^[0-9a-f:.]+$/.test(a)) return undefined;
  let text = a;
  // A trailing dotted IPv4 part is two groups.
  const v4 = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const o = v4[2]!.split(".").map(Number);
    if (o.some((x) => x > 255)) return undefined;
    text = `${v4[1]}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const part = (s: string) => (s === "" ? [] : s.split(":"));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16).toString(16));
}

/** A keyed hash for grouping, 128 bits as base64url: enough to never mix two networks up. */
export const keyedHash = (secret: string, purpose: string, value: string) =>
  createHmac("sha256", secret).update(`vote-${purpose}:${value}`).digest().subarray(0, 16).toString("base64url");

export interface VoteEvidence {
  /** keyed hash of the client's network */
  network: string;
  /** keyed hash of its user agent */
  agent: string;
  /** when the sign-in that casts the vote began (ISO) */
  signedInAt?: string;
}

/** The evidence a vote keeps, from the request: the address and user agent never leave this function. */
export function voteEvidence(secret: string, address: string, userAgent: string | undefined, signedInAt?: Date): VoteEvidence {
  return {
    network: keyedHash(secret, "network", networkOf(address)),
    agent: keyedHash(secret, "agent", (userAgent ?? "").slice(0, 512)),
    ...(signedInAt && !Number.isNaN(signedInAt.getTime()) ? { signedInAt: signedInAt.toISOString() } : {}),
  };
}

/** The per-client limit's subject: the address itself is not stored, only its keyed hash. */
export const clientSubject = (secret: string, address: string) => keyedHash(secret, "client", address.trim().toLowerCase());
