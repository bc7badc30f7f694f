import { getItem, putItem, updateItem, isConditionFailed, type Db, type TxOp, type Update } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { fail } from "../errors/index.ts";
import { hit, type Limit } from "../rate-limit/index.ts";
import { isOrganiser, type Actor } from "../identity/access.ts";
import type { Clock } from "../clock/index.ts";
import { acceptImage, type ImageType } from "./image.ts";
import { UPLOAD_ID, type UploadStore } from "./store.ts";

export * from "./image.ts";
export * from "./store.ts";

/** An uploaded image's metadata; its bytes are in the UploadStore under the same id. */
export interface Upload {
  id: string;
  ownerId: string;
  contentType: ImageType;
  /** size in bytes, as kept (after re-encoding) */
  bytes: number;
  width: number;
  height: number;
  createdAt: string;
  /** set when it belongs to an approved entry: from then on anyone may see it */
  public: boolean;
}

export interface UploadDeps {
  db: Db;
  clock: Clock;
  store: UploadStore;
}

/** Uploads per person: enough for a few entries' photos, not for filling the disk. */
export const uploadLimit: Limit = { scope: "upload", windowSeconds: 3600, max: 30 };

/** 429 once she has uploaded `uploadLimit.max` images this hour. */
export async function countUpload(db: Db, clock: Clock, userId: string): Promise<void> {
  if (!(await hit(db, clock, uploadLimit, userId))) fail("RATE_LIMITED");
}

/**
 * Checks the bytes as an image (acceptImage: 413/415), keeps the re-encoded image in the store
 * and its metadata in the table. Bytes first: metadata never points at nothing (a failure in
 * between leaves only a file no one can name).
 */
export async function saveUpload(
  deps: UploadDeps,
  input: { ownerId: string; bytes: Uint8Array; contentType?: string },
): Promise<Upload> {
  const image = acceptImage(input.bytes, input.contentType);
  const upload: Upload = {
    id: newId("up"),
    ownerId: input.ownerId,
    contentType: image.contentType,
    bytes: image.bytes.length,
    width: image.width,
    height: image.height,
    createdAt: deps.clock.now().toISOString(),
    public: false,
  };
  await deps.store.put(upload.id, image.bytes, image.contentType);
  await putItem(deps.db, { ...keys.upload(upload.id), ...upload }, { expression: "attribute_not_exists(pk)" });
  return upload;
}

export async function getUpload(database: Db, id: string): Promise<Upload | undefined> {
  if (!UPLOAD_ID.test(id)) return undefined;
  const item = await getItem<Upload & { pk: string; sk: string }>(database, keys.upload(id));
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...upload } = item;
  return upload;
}

/** Who may see an upload: anyone once public; before that, the one who uploaded it and organisers. */
export const mayView = (upload: Upload, viewer: Actor | undefined) =>
  upload.public || (!!viewer && (viewer.id === upload.ownerId || isOrganiser(viewer)));

/**
 * The image, for someone allowed to see it. Anyone else gets 404 (ids reveal nothing) — or 401
 * when not signed in, whether or not the id exists, since signing in might change the answer.
 */
export async function readUpload(
  deps: { db: Db; store: UploadStore },
  id: string,
  viewer: Actor | undefined,
): Promise<{ upload: Upload; bytes: Uint8Array; contentType: ImageType }> {
  const upload = await getUpload(deps.db, id);
  if (!upload || !mayView(upload, viewer)) return fail(viewer ? "UPLOAD_NOT_FOUND" : "UNAUTHENTICATED");
  const bytes = (await deps.store.get(id)) ?? fail("UPLOAD_NOT_FOUND");
  return { upload, bytes, contentType: upload.contentType };
}

/**
 * The image answers of a form must be uploads that exist and are hers: otherwise 422 with the
 * field named (`{ fields: { [fieldKey]: "FIELD_UPLOAD" } }`), the same whether an id is unknown
 * or someone else's.
 */
export async function assertOwnUploads(database: Db, userId: string, ids: readonly string[], fieldKey: string): Promise<Upload[]> {
  const unique = [...new Set(ids)];
  const found = await Promise.all(unique.map((id) => getUpload(database, id)));
  if (found.some((u) => !u || u.ownerId !== userId)) fail("VALIDATION", { fields: { [fieldKey]: "FIELD_UPLOAD" } });
  return found as Upload[];
}

const makePublic = (id: string): Update => ({
  key: keys.upload(id),
  update: "SET #public = :yes",
  condition: "attribute_exists(pk)",
  names: { "#public": "public" }, // PUBLIC is a reserved word
  values: { ":yes": true },
});

/** The writes that make uploads public, for a caller's own transaction (approving an entry). */
export const publicUploadOps = (ids: readonly string[]): TxOp[] => [...new Set(ids)].map((id) => ({ update: makePublic(id) }));

/** Makes the uploads visible to anyone (their entry was approved). 404 if one does not exist. */
export async function markUploadsPublic(database: Db, ids: readonly string[]): Promise<void> {
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      if (!UPLOAD_ID.test(id)) fail("UPLOAD_NOT_FOUND");
      try {
        await updateItem(database, makePublic(id));
      } catch (err) {
        if (isConditionFailed(err)) fail("UPLOAD_NOT_FOUND");
        throw err;
      }
    }),
  );
}
