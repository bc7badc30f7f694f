import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { idNumberHash, isSealed, openIdNumber, sealIdNumber } from "@jinguo/core/privacy";
import { isResidentId, maskIdNumber } from "@jinguo/core/forms";

const SECRET = "a-stage-secret-for-tests-only-0123456789";
const OTHER = "another-stage-secret-9876543210";
/** A valid resident ID (GB 11643): 长沙 芙蓉区, born 1985-03-08, check character X. */
const ID = "43010219850308001X";

describe("sealing resident IDs", () => {
  it("the fixture is a valid ID", () => expect(isResidentId(ID)).toBe(true));

  it("seals to a versioned value that does not hold the ID, and opens to it again", () => {
    const sealed = sealIdNumber(SECRET, ID);
    expect(sealed.startsWith("v1:")).toBe(true);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain(ID);
    expect(sealed).not.toContain(ID.slice(6, 14)); // not even the birth date
    expect(openIdNumber(SECRET, sealed)).toBe(ID);
  });

  it("the same ID seals differently every time (random IV)", () => {
    const a = sealIdNumber(SECRET, ID);
    const b = sealIdNumber(SECRET, ID);
    expect(a).not.toBe(b);
    expect(openIdNumber(SECRET, a)).toBe(openIdNumber(SECRET, b));
  });

  it("a lower-case x is the same ID", () => expect(openIdNumber(SECRET, sealIdNumber(SECRET, ID.toLowerCase()))).toBe(ID));

  it("will not open under another secret, nor once changed, nor what is not sealed", () => {
    const sealed = sealIdNumber(SECRET, ID);
    expect(() => openIdNumber(OTHER, sealed)).toThrow(/cannot be opened/);
    const raw = Buffer.from(sealed.slice(3), "base64url");
    raw[14] = raw[14]! ^ 1;
    expect(() => openIdNumber(SECRET, `v1:${raw.toString("base64url")}`)).toThrow(/cannot be opened/);
    expect(() => openIdNumber(SECRET, ID)).toThrow(/not a sealed value/);
    expect(() => openIdNumber(SECRET, "v1:AAAA")).toThrow(/cannot be opened/);
    // The error says nothing of the value.
    try {
      openIdNumber(OTHER, sealed);
    } catch (err) {
      expect(String(err)).not.toContain(ID);
    }
  });

  it("round-trips any 18-character ID", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => openIdNumber(SECRET, sealIdNumber(SECRET, id)) === id),
      { numRuns: 200 },
    );
  });

  it("refuses to work without a secret", () => expect(() => sealIdNumber("", ID)).toThrow());
});

describe("the keyed hash", () => {
  it("is the same for the same ID (x or X), different for another ID or another secret", () => {
    const h = idNumberHash(SECRET, ID);
    expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    expect(idNumberHash(SECRET, ID.toLowerCase())).toBe(h);
    expect(idNumberHash(SECRET, ` ${ID} `)).toBe(h);
    expect(idNumberHash(SECRET, "430102198503080036")).not.toBe(h);
    expect(idNumberHash(OTHER, ID)).not.toBe(h);
    expect(h).not.toContain(ID);
  });

  it("is not a plain hash of the ID: without the secret it cannot be recomputed", async () => {
    const { createHash } = await import("node:crypto");
    expect(idNumberHash(SECRET, ID)).not.toBe(createHash("sha256").update(ID).digest("base64url"));
  });

  it("distinct IDs, distinct hashes", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), fc.stringMatching(/^\d{17}[\dX]$/), (a, b) => a === b || idNumberHash(SECRET, a) !== idNumberHash(SECRET, b)),
      { numRuns: 200 },
    );
  });
});

describe("masking what was opened", () => {
  it("shows region and check digits only", () => expect(maskIdNumber(openIdNumber(SECRET, sealIdNumber(SECRET, ID)))).toBe("430***********001X"));
});
