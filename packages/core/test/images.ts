/**
 * Images made in the test, byte by byte where it matters (EXIF, chunks, headers), so each test
 * says exactly what it sends. Shared with the API's upload tests.
 */
import jpeg from "jpeg-js";
import pngjs from "pngjs";
import { crc32, deflateSync } from "node:zlib";

const { PNG } = pngjs;

export type Rgba = [number, number, number, number];

/** RGBA pixels from a function of (x, y). */
export function pixels(width: number, height: number, at: (x: number, y: number) => Rgba): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(at(x, y), (y * width + x) * 4);
  return data;
}

/** A smooth gradient: something a photo could be. */
export const gradient = (width: number, height: number, alpha = 255) =>
  pixels(width, height, (x, y) => [(x * 255) / width, (y * 255) / height, 128, alpha]);

export const pngBytes = (width: number, height: number, data = gradient(width, height)) => {
  const png = new PNG({ width, height });
  png.data.set(data);
  return new Uint8Array(PNG.sync.write(png));
};

export const jpegBytes = (width: number, height: number, data = gradient(width, height)) =>
  new Uint8Array(jpeg.encode({ width, height, data }, 90).data);

export const ascii = (s: string) => new TextEncoder().encode(s);
export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};
const u16 = (n: number) => new Uint8Array([n >> 8, n & 0xff]);
const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/**
 * An APP1 Exif segment as a phone writes one: big-endian TIFF, IFD0 with the orientation tag,
 * and after it the bytes of a GPS record (the location we must not keep).
 */
export function exifSegment(orientation: number, gps = "GPSLatitude=28.1941N GPSLongitude=112.9823E"): Uint8Array {
  const tiff = concat(ascii("MM"), u16(42), u32(8), u16(1), u16(0x0112), u16(3), u32(1), u16(orientation), u16(0), u32(0), ascii(gps));
  const body = concat(ascii("Exif\0\0"), tiff);
  return concat(new Uint8Array([0xff, 0xe1]), u16(body.length + 2), body);
}

/** The JPEG with `segment` right after its SOI marker (where cameras put EXIF). */
export const withSegment = (jpg: Uint8Array, segment: Uint8Array) => concat(jpg.subarray(0, 2), segment, jpg.subarray(2));

/** A PNG chunk with its CRC. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat(ascii(type), data);
  return concat(u32(data.length), typed, u32(crc32(typed)));
}

/** The PNG with a tEXt chunk before its IEND (the last 12 bytes). */
export const withTextChunk = (png: Uint8Array, keyword: string, text: string) =>
  concat(png.subarray(0, png.length - 12), pngChunk("tEXt", concat(ascii(keyword), new Uint8Array([0]), ascii(text))), png.subarray(png.length - 12));

/**
 * A PNG that claims to be `width`×`height` (grey, 8-bit) over a small IDAT: the shape of a
 * decompression bomb, whose few bytes would inflate to width×height bytes. Its IDAT (1000 zero
 * bytes, or `inflated` ones) is not the image's data, so a refusal for its size (not for damage)
 * shows the size was checked first.
 */
export function pngHeaderOnly(width: number, height: number, opts: { interlace?: boolean; inflated?: number } = {}): Uint8Array {
  const ihdr = concat(u32(width), u32(height), new Uint8Array([8, 0, 0, 0, opts.interlace ? 1 : 0]));
  return concat(
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", new Uint8Array(deflateSync(new Uint8Array(opts.inflated ?? 1000)))),
    pngChunk("IEND", new Uint8Array(0)),
  );
}

const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * A PNG written out by hand, in any colour type, bit depth (1…16) and with or without Adam7
 * interlacing — what pngjs's writer cannot make. `sample(x, y)` gives each pixel's samples
 * (palette index for colour type 3, whose palette is `palette`).
 */
export function rawPng(o: {
  width: number;
  height: number;
  depth: number;
  colour: 0 | 2 | 3 | 4 | 6;
  interlace?: boolean;
  palette?: [number, number, number][];
  sample: (x: number, y: number) => number[];
}): Uint8Array {
  const channels = CHANNELS[o.colour]!;
  const passes = o.interlace ? ADAM7 : [[0, 0, 1, 1]];
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes as number[][]) {
    for (let y = y0!; y < o.height; y += dy!) {
      const xs: number[] = [];
      for (let x = x0!; x < o.width; x += dx!) xs.push(x);
      if (xs.length === 0) continue;
      rows.push(0); // filter: none
      let acc = 0;
      let bits = 0;
      for (const x of xs) {
        const samples = o.sample(x, y);
        for (let c = 0; c < channels; c++) {
          const v = samples[c]!;
          if (o.depth === 16) rows.push(v >> 8, v & 0xff);
          else if (o.depth === 8) rows.push(v);
          else {
            acc = (acc << o.depth) | v;
            bits += o.depth;
            if (bits === 8) (rows.push(acc), (acc = 0), (bits = 0));
          }
        }
      }
      if (bits) rows.push(acc << (8 - bits)); // a row ends on a byte
    }
  }
  const ihdr = concat(u32(o.width), u32(o.height), new Uint8Array([o.depth, o.colour, 0, 0, o.interlace ? 1 : 0]));
  return concat(
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr),
    ...(o.palette ? [pngChunk("PLTE", new Uint8Array(o.palette.flat()))] : []),
    pngChunk("IDAT", new Uint8Array(deflateSync(new Uint8Array(rows)))),
    pngChunk("IEND", new Uint8Array(0)),
  );
}

/** A JPEG start whose frame header says `width`×`height`, and nothing decodable after it. */
export const jpegHeaderOnly = (width: number, height: number) =>
  concat(new Uint8Array([0xff, 0xd8, 0xff, 0xc0]), u16(17), new Uint8Array([8]), u16(height), u16(width), new Uint8Array([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]), new Uint8Array([0xff, 0xd9]));

export const decodeJpeg = (bytes: Uint8Array) => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
export const decodePng = (bytes: Uint8Array) => PNG.sync.read(Buffer.from(bytes));

/** Does `needle` occur in `bytes`? */
export const contains = (bytes: Uint8Array, needle: string) => Buffer.from(bytes).includes(Buffer.from(needle, "latin1"));
