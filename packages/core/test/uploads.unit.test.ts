import { describe, it, expect } from "vitest";
import { mkdtempSync, statSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DomainError } from "@jinguo/core/errors";
import { localUploadStore, MAX_UPLOAD_BYTES } from "@jinguo/core/uploads";
import { acceptImage, orient } from "../src/uploads/image.ts";
import {
  ascii,
  concat,
  contains,
  decodeJpeg,
  decodePng,
  exifSegment,
  gradient,
  jpegBytes,
  jpegHeaderOnly,
  pixels,
  pngBytes,
  pngHeaderOnly,
  rawPng,
  withSegment,
  withTextChunk,
} from "./images.ts";

/** What acceptImage refused with: "415 IMAGE_TYPE", "413", … */
function refusal(bytes: Uint8Array, declared?: string): string {
  try {
    acceptImage(bytes, declared);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const reason = (err.details as { reason?: string } | undefined)?.reason;
    return `${err.code}${reason ? ` ${reason}` : ""}`;
  }
  return "accepted";
}

const near = (a: number, b: number) => Math.abs(a - b) <= 12;

describe("acceptImage: real images pass, re-encoded", () => {
  it("an opaque PNG comes back as a JPEG of the same size and look", () => {
    const image = acceptImage(pngBytes(40, 30), "image/png");
    expect(image).toMatchObject({ contentType: "image/jpeg", width: 40, height: 30 });
    const back = decodeJpeg(image.bytes);
    expect([back.width, back.height]).toEqual([40, 30]);
    const want = gradient(40, 30);
    const i = (15 * 40 + 20) * 4;
    expect([0, 1, 2].every((c) => near(back.data[i + c]!, want[i + c]!))).toBe(true);
  });

  it("a PNG that uses transparency stays PNG, transparency kept, its text chunks gone", () => {
    const sent = withTextChunk(pngBytes(20, 10, gradient(20, 10, 100)), "Comment", "GPSLatitude=28.19N");
    expect(contains(sent, "GPSLatitude")).toBe(true);
    const image = acceptImage(sent, "image/png");
    expect(image).toMatchObject({ contentType: "image/png", width: 20, height: 10 });
    expect(contains(image.bytes, "GPSLatitude")).toBe(false);
    expect(contains(image.bytes, "tEXt")).toBe(false);
    expect(decodePng(image.bytes).data[3]).toBe(100);
  });

  it("a JPEG with EXIF (GPS) and a payload after its end comes back without either", () => {
    const sent = concat(withSegment(jpegBytes(48, 32), exifSegment(1)), ascii("<?php system($_GET['c']); ?>"));
    expect(contains(sent, "GPS")).toBe(true);
    expect(contains(sent, "Exif")).toBe(true);
    const image = acceptImage(sent, "image/jpeg");
    expect(image).toMatchObject({ contentType: "image/jpeg", width: 48, height: 32 });
    expect(contains(image.bytes, "GPS")).toBe(false);
    expect(contains(image.bytes, "Exif")).toBe(false);
    expect(contains(image.bytes, "<?php")).toBe(false);
    // It ends where a JPEG ends.
    expect([...image.bytes.subarray(-2)]).toEqual([0xff, 0xd9]);
    expect(decodeJpeg(image.bytes).width).toBe(48);
  });

  it("a phone photo stored sideways (EXIF orientation 6) is turned upright, since the tag is dropped", () => {
    // Stored 32×16: left half red, right half blue. Shown turned a quarter clockwise: 16×32, red on top.
    const stored = pixels(32, 16, (x) => (x < 16 ? [230, 20, 20, 255] : [20, 20, 230, 255]));
    const image = acceptImage(withSegment(jpegBytes(32, 16, stored), exifSegment(6)), "image/jpeg");
    expect([image.width, image.height]).toEqual([16, 32]);
    const back = decodeJpeg(image.bytes);
    const at = (x: number, y: number) => [...back.data.subarray((y * 16 + x) * 4, (y * 16 + x) * 4 + 3)];
    expect(at(8, 4)[0]).toBeGreaterThan(180); // red on top
    expect(at(8, 28)[2]).toBeGreaterThan(180); // blue below
  });

  it("PNGs of every colour type, sub-byte and 16-bit depths, interlaced or not, decode to the pixels they hold", () => {
    const grey = (x: number, y: number) => ((x * 7 + y * 3) % 16) * 17;
    const cases = [
      { name: "grey 1-bit, odd width", png: rawPng({ width: 13, height: 5, depth: 1, colour: 0, sample: (x, y) => [(x + y) % 2] }), at: (x: number, y: number) => ((x + y) % 2) * 255 },
      { name: "palette 4-bit", png: rawPng({ width: 9, height: 7, depth: 4, colour: 3, palette: Array.from({ length: 16 }, (_, i) => [i * 17, i * 17, i * 17] as [number, number, number]), sample: (x, y) => [grey(x, y) / 17] }), at: grey },
      { name: "RGB 16-bit", png: rawPng({ width: 6, height: 4, depth: 16, colour: 2, sample: (x, y) => [grey(x, y) * 257, grey(x, y) * 257, grey(x, y) * 257] }), at: grey },
      { name: "grey 8-bit interlaced", png: rawPng({ width: 11, height: 10, depth: 8, colour: 0, interlace: true, sample: (x, y) => [grey(x, y)] }), at: grey },
      { name: "RGB 8-bit interlaced, 3×3", png: rawPng({ width: 3, height: 3, depth: 8, colour: 2, interlace: true, sample: (x, y) => [grey(x, y), grey(x, y), grey(x, y)] }), at: grey },
      { name: "grey 2-bit interlaced", png: rawPng({ width: 10, height: 9, depth: 2, colour: 0, interlace: true, sample: (x, y) => [(x + y) % 4] }), at: (x: number, y: number) => ((x + y) % 4) * 85 },
    ];
    for (const { name, png, at } of cases) {
      const width = new DataView(png.buffer).getUint32(16);
      const height = new DataView(png.buffer).getUint32(20);
      const image = acceptImage(png);
      expect({ name, type: image.contentType, w: image.width, h: image.height }).toEqual({ name, type: "image/jpeg", w: width, h: height });
      // pngjs read them as we wrote them (the JPEG after is lossy, so the check is on the decoder's view).
      const read = decodePng(png);
      const wrong = [];
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (read.data[(y * width + x) * 4] !== at(x, y)) wrong.push(`${x},${y}`);
      expect({ name, wrong }).toEqual({ name, wrong: [] });
    }
  });

  it("orient turns every one of the eight EXIF orientations the way the EXIF spec draws them", () => {
    // 3×2, pixel value = its index: [0 1 2 / 3 4 5].
    const src = new Uint8Array(new Uint32Array([0, 1, 2, 3, 4, 5]).buffer);
    const shown = (o: number) => {
      const r = orient(3, 2, src, o);
      return { w: r.width, rows: [...new Uint32Array(r.data.buffer)].join(" ") };
    };
    expect(shown(1)).toEqual({ w: 3, rows: "0 1 2 3 4 5" });
    expect(shown(2)).toEqual({ w: 3, rows: "2 1 0 5 4 3" });
    expect(shown(3)).toEqual({ w: 3, rows: "5 4 3 2 1 0" });
    expect(shown(4)).toEqual({ w: 3, rows: "3 4 5 0 1 2" });
    expect(shown(5)).toEqual({ w: 2, rows: "0 3 1 4 2 5" });
    expect(shown(6)).toEqual({ w: 2, rows: "3 0 4 1 5 2" });
    expect(shown(7)).toEqual({ w: 2, rows: "5 2 4 1 3 0" });
    expect(shown(8)).toEqual({ w: 2, rows: "2 5 1 4 0 3" });
  });
});

describe("acceptImage: what is not a JPEG or PNG, or not whole, is refused", () => {
  it("by its bytes, whatever it is called or declared", () => {
    expect(refusal(ascii("这不是照片，只是改了名字的文本文件\n"), "image/jpeg")).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_TYPE");
    expect(refusal(concat(ascii("GIF89a"), new Uint8Array([1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b])), "image/gif")).toBe(
      "UNSUPPORTED_MEDIA_TYPE IMAGE_TYPE",
    );
    expect(refusal(ascii('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'), "image/svg+xml")).toBe(
      "UNSUPPORTED_MEDIA_TYPE IMAGE_TYPE",
    );
    expect(refusal(concat(ascii("RIFF"), new Uint8Array([26, 0, 0, 0]), ascii("WEBPVP8 ")), "image/webp")).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_TYPE");
    expect(refusal(concat(new Uint8Array([0, 0, 0, 24]), ascii("ftypheic"), new Uint8Array(12)), "image/heic")).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_TYPE");
    expect(refusal(new Uint8Array(0), "image/png")).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_TYPE");
    // …and a real PNG declared as anything is still taken as the PNG it is.
    expect(refusal(pngBytes(4, 4), "text/plain")).toBe("accepted");
  });

  it("a PNG or JPEG cut short, or damaged inside", () => {
    const png = pngBytes(64, 64);
    expect(refusal(png.subarray(0, Math.floor(png.length * 0.6)))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_CORRUPT");
    expect(refusal(png.subarray(0, png.length - 12))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_CORRUPT"); // no IEND
    const flipped = png.slice();
    flipped[60] = flipped[60]! ^ 0xff; // inside IDAT: its CRC no longer matches
    expect(refusal(flipped)).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_CORRUPT");
    const jpg = jpegBytes(64, 64);
    expect(refusal(jpg.subarray(0, Math.floor(jpg.length * 0.8)))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_CORRUPT");
    expect(refusal(jpg.subarray(0, 40))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_CORRUPT");
    expect(refusal(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_CORRUPT");
  });

  it("a header that promises too many pixels, before any decoding (a decompression bomb)", () => {
    // The bomb's IDAT is not a valid image: refused for its size, not its damage, so the header was read first.
    expect(refusal(pngHeaderOnly(20000, 20000))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_DIMENSIONS");
    expect(refusal(pngHeaderOnly(6001, 10))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_DIMENSIONS");
    expect(refusal(pngHeaderOnly(5000, 5000))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_DIMENSIONS"); // 25 Mpx
    expect(refusal(pngHeaderOnly(0, 10))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_DIMENSIONS");
    expect(refusal(jpegHeaderOnly(20000, 20000))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_DIMENSIONS");
    expect(refusal(withSegment(jpegHeaderOnly(65535, 65535), exifSegment(6)))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_DIMENSIONS");
    // A small, interlaced header over a stream that inflates to 64 MB: refused without inflating it all.
    const started = Date.now();
    expect(refusal(pngHeaderOnly(100, 100, { interlace: true, inflated: 64 * 1024 * 1024 }))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_CORRUPT");
    expect(Date.now() - started).toBeLessThan(2000);
    // Data short of what the header needs, in a well-formed file: not padded into an image.
    expect(refusal(pngHeaderOnly(200, 200))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_CORRUPT");
    // Within the limits, the same broken bodies are refused as damaged: the control for the above.
    expect(refusal(pngHeaderOnly(4000, 6000))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_CORRUPT");
    expect(refusal(jpegHeaderOnly(100, 100))).toBe("UNSUPPORTED_MEDIA_TYPE IMAGE_CORRUPT");
  });

  it("more than 8 MB, whatever it is", () => {
    const big = concat(pngBytes(4, 4), new Uint8Array(MAX_UPLOAD_BYTES));
    expect(refusal(big)).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("localUploadStore", () => {
  it("keeps bytes under the id alone, readable by the owner only, never overwritten", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "uploads-test-")), "uploads");
    const store = localUploadStore(dir);
    const bytes = jpegBytes(8, 8);
    await store.put("up0123456789ab", bytes, "image/jpeg");
    expect(readdirSync(dir)).toEqual(["up0123456789ab"]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "up0123456789ab")).mode & 0o777).toBe(0o600);
    expect(await store.get("up0123456789ab")).toEqual(bytes);
    await expect(store.put("up0123456789ab", new Uint8Array([1]), "image/jpeg")).rejects.toThrow();
    expect(await store.get("up0123456789ab")).toEqual(bytes);
    expect(await store.get("up0000000000zz")).toBeUndefined();
    // Anything that is not an id never reaches a path.
    expect(await store.get("../uploads/up0123456789ab")).toBeUndefined();
    await expect(store.put("../evil", bytes, "image/jpeg")).rejects.toThrow(/not an upload id/);
    expect(readdirSync(dir)).toEqual(["up0123456789ab"]);
  });
});
