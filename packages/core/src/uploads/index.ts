import { getItem, putItem, updateItem, isConditionFailed, type Db, type TxOp, type Update } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import { DomainError, fail } from "../errors/index.ts";
import { hit, type Limit } from "../rate-limit/index.ts";
import { isOrganiser, type Actor } from "../identity/access.ts";
import type { Clock } from "../clock/index.ts";
import { IMAGE_TYPES, MAX_UPLOAD_BYTES, type ImageType } from "./limits.ts";
import { UPLOAD_ID, type UploadStore } from "./store.ts";

export * from "./limits.ts";
export * from "./store.ts";

/**
 * The codecs (image.ts: jpeg-js, pngjs), loaded with the first image rather than at every cold
 * start: most requests carry none. A chunk of its own in the functions' bundles (infra/bundle.ts).
 */
export const imageCodecs = () => import("./image.ts");

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
  const { acceptImage } = await imageCodecs();
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

/** Where a direct upload's bytes wait: under her own id, so no one else can complete it. */
export const incomingKey = (ownerId: string, intentId: string) => `incoming/${ownerId}/${intentId}`;
/** What `incomingKey` makes, and nothing else (checked again where the key reaches the store). */
export const INCOMING_KEY = /^incoming\/[0-9a-z]{1,40}\/up[0-9a-z]{12}$/;

/** A direct upload begun: where her browser puts the bytes, and the id that completes it. */
export interface UploadIntent {
  id: string;
  put: { method: "PUT"; url: string; headers: Record<string, string>; expiresAt: string };
}

/**
 * The first half of a direct upload (a store with `direct`, the cloud's): a signed PUT for
 * exactly this type and size. The declared type and size are checked as a multipart upload's
 * would be (415, 413) before anything is signed; the bytes themselves are checked on completion.
 * 404 where the store takes no direct uploads (the local stage: POST /api/uploads).
 */
export async function startDirectUpload(
  deps: { store: UploadStore },
  input: { ownerId: string; contentType: string; size: number },
): Promise<UploadIntent> {
  const direct = deps.store.direct ?? fail("NOT_FOUND");
  if (input.size > MAX_UPLOAD_BYTES) fail("PAYLOAD_TOO_LARGE", { maxBytes: MAX_UPLOAD_BYTES });
  const contentType = IMAGE_TYPES.find((t) => t === input.contentType) ?? fail("UNSUPPORTED_MEDIA_TYPE", { reason: "IMAGE_TYPE" });
  const id = newId("up");
  const put = await direct.presignPut(incomingKey(input.ownerId, id), contentType, input.size);
  return { id, put: { method: "PUT", url: put.url, headers: put.headers, expiresAt: put.expiresAt.toISOString() } };
}

/**
 * The second half: the bytes she put are read back and taken as any upload is (saveUpload:
 * JPEG or PNG by their first bytes, re-encoded, 413/415 otherwise), under an id of their own.
 * 404 UPLOAD_NOT_FOUND when nothing is there: never put, expired, completed already, or another
 * person's intent. The incoming copy goes once it is kept or refused; after any other failure
 * it stays, so trying again needs no second transfer.
 */
export async function completeDirectUpload(deps: UploadDeps, input: { ownerId: string; intentId: string }): Promise<Upload> {
  const direct = deps.store.direct ?? fail("NOT_FOUND");
  if (!UPLOAD_ID.test(input.intentId)) fail("UPLOAD_NOT_FOUND");
  const key = incomingKey(input.ownerId, input.intentId);
  const bytes = (await direct.read(key)) ?? fail("UPLOAD_NOT_FOUND");
  let upload: Upload;
  try {
    upload = await saveUpload(deps, { ownerId: input.ownerId, bytes });
  } catch (err) {
    if (err instanceof DomainError) await direct.remove(key);
    throw err;
  }
  await direct.remove(key);
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
