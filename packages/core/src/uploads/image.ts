import jpeg from "jpeg-js";
import pngjs from "pngjs";
import { inflateSync } from "node:zlib";
import { fail } from "../errors/index.ts";
import { MAX_PIXELS, MAX_SIDE, MAX_UPLOAD_BYTES, JPEG_QUALITY, type AcceptedImage, type ImageRefusal, type ImageType } from "./limits.ts";

const { PNG } = pngjs;

export * from "./limits.ts";

const refuse = (reason: ImageRefusal): never => fail("UNSUPPORTED_MEDIA_TYPE", { reason });

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What the bytes are, by their first bytes: the declared type and the file name say nothing. */
export function sniff(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return undefined;
}

/**
 * Takes an upload as an image, or refuses it: JPEG or PNG by magic bytes only (WebP, GIF,
 * HEIC, SVG and anything else: 415), at most 8 MB (413), at most 6000 px a side and 24 Mpx —
 * read from the header, so a small file that would inflate to gigabytes is never decoded —
 * then decoded in full (a truncated or damaged file: 415) and encoded afresh. Re-encoding is
 * what removes EXIF (GPS location, camera serial), comments, and anything hidden after the
 * image's end. A JPEG's EXIF orientation is applied to the pixels first, so a phone photo
 * still stands the right way up without it.
 *
 * Output: JPEG at quality 85, except a PNG that uses transparency, which stays PNG (a logo or
 * a cut-out would get a black background as JPEG).
 *
 * `declaredType` (what the browser said) is deliberately not consulted: it is the sender's claim.
 */
export function acceptImage(bytes: Uint8Array, _declaredType?: string): AcceptedImage {
  if (bytes.length > MAX_UPLOAD_BYTES) fail("PAYLOAD_TOO_LARGE", { maxBytes: MAX_UPLOAD_BYTES });
  const type = sniff(bytes) ?? refuse("IMAGE_TYPE");
  return type === "image/png" ? acceptPng(bytes) : acceptJpeg(bytes);
}

function checkDimensions(width: number, height: number): void {
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) refuse("IMAGE_DIMENSIONS");
}

// ---- PNG ----

/** Width and height from the IHDR chunk, which the format requires to come first. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 33) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ihdr = String.fromCharCode(...bytes.subarray(12, 16));
  if (view.getUint32(8) !== 13 || ihdr !== "IHDR") return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

// Samples per pixel by colour type, and the bit depths each allows (PNG spec, table 11.1).
const CHANNELS: Record<number, { channels: number; depths: number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};
// Adam7: where each of the seven passes starts, and its step, across and down.
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

/**
 * The image data must inflate to exactly what the header's size needs, no more and no less:
 * checked here because pngjs pads short data with black (a cut file "decodes") and inflates an
 * interlaced image without any bound (a small header over a huge stream would fill memory).
 * Inflation stops at the expected size, so a bomb costs at most one honest image's worth.
 */
function checkPngData(bytes: Uint8Array, width: number, height: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const depth = bytes[24]!;
  const colour = CHANNELS[bytes[25]!];
  const interlace = bytes[28]!;
  if (!colour || !colour.depths.includes(depth) || interlace > 1) refuse("IMAGE_CORRUPT");
  const bits = colour!.channels * depth;
  const rowBytes = (w: number) => (w === 0 ? 0 : 1 + Math.ceil((w * bits) / 8)); // + the filter byte
  const passes: [number, number][] = interlace
    ? ADAM7.map(([x0, y0, dx, dy]) => [Math.max(0, Math.ceil((width - x0) / dx)), Math.max(0, Math.ceil((height - y0) / dy))])
    : [[width, height]];
  const expected = passes.reduce((n, [w, h]) => n + (w && h ? rowBytes(w) * h : 0), 0);
  const idat: Uint8Array[] = [];
  let at = 8;
  for (;;) {
    if (at + 12 > bytes.length) refuse("IMAGE_CORRUPT"); // ended before IEND
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) refuse("IMAGE_CORRUPT");
    if (type === "IDAT") idat.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === "IEND") break;
    at += 12 + length;
  }
  let inflated: Buffer;
  try {
    inflated = inflateSync(Buffer.concat(idat), { maxOutputLength: expected });
  } catch {
    return refuse("IMAGE_CORRUPT"); // cut short, not zlib, or more than the header allows
  }
  if (inflated.length !== expected) refuse("IMAGE_CORRUPT");
}

function acceptPng(bytes: Uint8Array): AcceptedImage {
  const size = pngSize(bytes) ?? refuse("IMAGE_CORRUPT");
  checkDimensions(size.width, size.height);
  checkPngData(bytes, size.width, size.height);
  let decoded: { width: number; height: number; data: Buffer };
  try {
    // CRCs are checked. Output: 8-bit RGBA, whatever the depth and colour type.
    decoded = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { checkCRC: true });
  } catch {
    return refuse("IMAGE_CORRUPT");
  }
  const { width, height, data } = decoded;
  if (width !== size.width || height !== size.height || data.length !== width * height * 4) refuse("IMAGE_CORRUPT");
  if (usesTransparency(data)) {
    const out = new PNG({ width, height });
    data.copy(out.data);
    // Only IHDR, IDAT and IEND are written: text chunks, eXIf and anything else are gone.
    return { bytes: new Uint8Array(PNG.sync.write(out, { colorType: 6, deflateLevel: 6 })), contentType: "image/png", width, height };
  }
  return encodeJpeg(width, height, data);
}

function usesTransparency(rgba: Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return true;
  return false;
}

// ---- JPEG ----

// Start-of-frame markers that carry the image size (C4 DHT, C8 JPG and CC DAC are not frames).
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * The frame size and the EXIF orientation (1 when none), walking the marker segments up to the
 * first scan — the size is known before a single pixel is decoded.
 */
export function jpegInfo(bytes: Uint8Array): { width: number; height: number; orientation: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let orientation = 1;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // a scan, or the end, before any frame
    const length = view.getUint16(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) return undefined;
    const body = at + 4;
    if (SOF.has(marker)) {
      if (length < 7) return undefined;
      return { height: view.getUint16(body + 1), width: view.getUint16(body + 3), orientation };
    }
    if (marker === 0xe1) orientation = exifOrientation(bytes.subarray(body, at + 2 + length)) ?? orientation;
    at += 2 + length;
  }
  return undefined;
}

/** Tag 0x0112 of IFD0 in an APP1 "Exif" segment, when it is there and sane. */
function exifOrientation(segment: Uint8Array): number | undefined {
  if (segment.length < 14 || String.fromCharCode(...segment.subarray(0, 6)) !== "Exif\0\0") return undefined;
  const tiff = new DataView(segment.buffer, segment.byteOffset + 6, segment.byteLength - 6);
  const order = tiff.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined;
  const little = order === 0x4949;
  if (tiff.getUint16(2, little) !== 42) return undefined;
  const ifd = tiff.getUint32(4, little);
  if (ifd + 2 > tiff.byteLength) return undefined;
  const count = tiff.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.byteLength) return undefined;
    if (tiff.getUint16(entry, little) !== 0x0112) continue;
    const value = tiff.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? value : undefined;
  }
  return undefined;
}

function acceptJpeg(bytes: Uint8Array): AcceptedImage {
  const info = jpegInfo(bytes) ?? refuse("IMAGE_CORRUPT");
  checkDimensions(info.width, info.height);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    // Not tolerant: a file cut short is refused, not shown half grey. The limits repeat ours,
    // in case the header walk and the decoder ever disagree about the frame.
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: MAX_PIXELS / 1_000_000,
      maxMemoryUsageInMB: 512,
    });
  } catch {
    return refuse("IMAGE_CORRUPT");
  }
  const { width, height, data } = decoded;
  if (width !== info.width || height !== info.height || data.length !== width * height * 4) refuse("IMAGE_CORRUPT");
  const upright = orient(width, height, data, info.orientation);
  return encodeJpeg(upright.width, upright.height, upright.data);
}

function encodeJpeg(width: number, height: number, rgba: Uint8Array): AcceptedImage {
  const out = jpeg.encode({ width, height, data: rgba }, JPEG_QUALITY);
  return { bytes: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength), contentType: "image/jpeg", width, height };
}

/**
 * The pixels turned as EXIF orientation `o` says they are to be shown (1: as stored; 6: a
 * phone held upright, turn a quarter clockwise; …), since the tag itself does not survive.
 */
export function orient(width: number, height: number, rgba: Uint8Array, o: number): { width: number; height: number; data: Uint8Array } {
  if (o < 2 || o > 8) return { width, height, data: rgba };
  const swap = o >= 5;
  const w = swap ? height : width;
  const h = swap ? width : height;
  const out = new Uint8Array(rgba.length);
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : rgba.slice(); // a pixel is read as one 32-bit word
  const src = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4);
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let dx: number, dy: number;
      switch (o) {
        case 2: (dx = width - 1 - x), (dy = y); break;
        case 3: (dx = width - 1 - x), (dy = height - 1 - y); break;
        case 4: (dx = x), (dy = height - 1 - y); break;
        case 5: (dx = y), (dy = x); break;
        case 6: (dx = height - 1 - y), (dy = x); break;
        case 7: (dx = height - 1 - y), (dy = width - 1 - x); break;
        default: (dx = y), (dy = width - 1 - x); break; // 8
      }
      dst[dy * w + dx] = src[y * width + x]!;
    }
  }
  return { width: w, height: h, data: out };
}
