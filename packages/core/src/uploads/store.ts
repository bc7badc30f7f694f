import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ImageType } from "./limits.ts";

/** An upload's id: `up` + 12 base32 characters (core/ids). The only name its bytes are ever kept under. */
export const UPLOAD_ID = /^up[0-9a-z]{12}$/;

/**
 * Where the bytes of uploads live (the table holds their metadata only): files on the local
 * stage, the upload bucket in the cloud. Written once per id, never overwritten.
 */
export interface UploadStore {
  put(id: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** undefined when nothing is kept under this id */
  get(id: string): Promise<Uint8Array | undefined>;
  /** Present where a browser can send the bytes to the store itself (the cloud's bucket). */
  direct?: DirectUploads;
}

/**
 * Uploads that go from her browser to the store, past the API: in the cloud, API Gateway takes
 * no body over ~4.4 MB on its way to Lambda, and a phone photo is often more. The bytes wait
 * under an incoming key (core/uploads `incomingKey`) until `completeDirectUpload` checks and
 * re-encodes them like any other upload; what is never completed expires on its own (infra/).
 */
export interface DirectUploads {
  /**
   * Where to PUT exactly `size` bytes of `contentType`, for a few minutes: the type and the
   * length are part of the signature, so the store refuses any other. `headers` are those she
   * must send (the length is the body's own).
   */
  presignPut(key: string, contentType: ImageType, size: number): Promise<{ url: string; headers: Record<string, string>; expiresAt: Date }>;
  /** What was put under the key; undefined when nothing was (or it expired). */
  read(key: string): Promise<Uint8Array | undefined>;
  /** Gone from the incoming keys; nothing there is nothing to do. */
  remove(key: string): Promise<void>;
}

/**
 * Files under `dir` (the local stage: DATA_DIR/uploads), named by the id alone, so no part of
 * what a sender chose (a file name, a type) ever reaches a path. The folder is the owner's
 * only (0700) and each file is readable by her only (0600): photos can be personal.
 */
export function localUploadStore(dir: string): UploadStore {
  return {
    async put(id, bytes) {
      if (!UPLOAD_ID.test(id)) throw new Error(`not an upload id: ${JSON.stringify(id)}`);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // `wx`: a second write under the same id fails rather than replaces what was served.
      await writeFile(join(dir, id), bytes, { mode: 0o600, flag: "wx" });
    },
    async get(id) {
      if (!UPLOAD_ID.test(id)) return undefined;
      try {
        return new Uint8Array(await readFile(join(dir, id)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
    },
  };
}

// The cloud's store (the upload bucket) is packages/functions/src/s3-uploads.ts.
