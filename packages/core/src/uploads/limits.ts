/**
 * What an upload may be, without the codecs: the routes and the presigned uploads need these
 * on every cold start, while image.ts (jpeg-js, pngjs: ~50 KB) loads with the first image only.
 */

/** The most an upload may weigh, as sent. */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
/** The longest side and the most pixels an image may have: checked in the header, before decoding. */
export const MAX_SIDE = 6000;
export const MAX_PIXELS = 24_000_000;
/** Enough for a phone photo to look as taken, small enough to keep pages light. */
export const JPEG_QUALITY = 85;

export type ImageType = "image/jpeg" | "image/png";
/** What a sender may say she is sending (the bytes still decide: image.ts `sniff`). */
export const IMAGE_TYPES: readonly ImageType[] = ["image/jpeg", "image/png"];

/** An image as it is kept: decoded and re-encoded by us, so nothing of the sender's file survives but its pixels. */
export interface AcceptedImage {
  bytes: Uint8Array;
  contentType: ImageType;
  width: number;
  height: number;
}

/** Why an upload is not taken as an image: the `reason` of a 415, each in the message table. */
export type ImageRefusal = "IMAGE_TYPE" | "IMAGE_DIMENSIONS" | "IMAGE_CORRUPT";
