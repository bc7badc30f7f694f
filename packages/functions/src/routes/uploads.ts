import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import * as Uploads from "@jinguo/core/uploads";
import { getUser } from "@jinguo/core/identity";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { requireUser } from "../middleware/auth.ts";
import { multipartBody } from "../middleware/guard.ts";

/** The image plus the multipart envelope around it; a bigger image is refused by acceptImage (413). */
export const UPLOAD_BODY_LIMIT = Uploads.MAX_UPLOAD_BYTES + 64 * 1024;

// Exactly one part, a file named "file": two of them arrive as a list, and fail `z.file()`.
const uploadForm = z.strictObject({ file: z.file() });

const store = (c: { var: AppEnv["Variables"] }) => c.var.deps.uploads ?? fail("NOT_FOUND");

/** Counted before the body is read: a refused file costs the sender a try too. */
const uploadRate = createMiddleware<AppEnv>(async (c, next) => {
  store(c);
  await Uploads.countUpload(c.var.deps.db, c.var.deps.clock, c.var.userId!);
  return next();
});

// Mounted at the API root, like registrations.ts: the sign-in check goes on each route.
export const uploads = new Hono<AppEnv>()
  .post(
    "/uploads",
    doc({
      summary: "上传一张照片（JPG 或 PNG，最大 8 MB）",
      summaryEn: "Upload one photo (JPEG or PNG, at most 8 MB)",
      access: "signed-in",
      status: 201,
      description:
        "multipart/form-data，只有一项 `file`。照片会重新保存：拍摄地点等信息会被去掉。不是照片 415（details.reason），太大 413，每人每小时最多 30 张（429）。 · " +
        "multipart/form-data with one part, `file`. The image is re-encoded, so EXIF (GPS location) is gone. Not an image: 415 with details.reason; too large: 413; at most 30 an hour per person (429).",
      errors: [413, 415, 429],
    }),
    requireUser,
    uploadRate,
    multipartBody(UPLOAD_BODY_LIMIT),
    valid("form", uploadForm),
    async (c) => {
      const { file } = c.req.valid("form");
      if (file.size > Uploads.MAX_UPLOAD_BYTES) fail("PAYLOAD_TOO_LARGE", { maxBytes: Uploads.MAX_UPLOAD_BYTES });
      const upload = await Uploads.saveUpload(
        { db: c.var.deps.db, clock: c.var.deps.clock, store: store(c) },
        { ownerId: c.var.userId!, bytes: new Uint8Array(await file.arrayBuffer()), contentType: file.type },
      );
      return c.json({ upload: { id: upload.id, url: `/api/uploads/${upload.id}` } }, 201);
    },
  )
  .get(
    "/uploads/:id",
    doc({
      summary: "看一张上传的照片",
      summaryEn: "One uploaded photo",
      access: "signed-in",
      description:
        "作品通过审核后，里面的照片所有人都能看（无需登录）；在那之前只有上传的人和组织者能看（别人 404，未登录 401）。 · " +
        "Once its entry is approved anyone may see it, signed in or not; before that only the uploader and organisers (anyone else 404, not signed in 401).",
    }),
    async (c) => {
      const { db } = c.var.deps;
      const viewer = c.var.userId ? await getUser(db, c.var.userId) : undefined;
      const { upload, bytes, contentType } = await Uploads.readUpload({ db, store: store(c) }, c.req.param("id"), viewer);
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        "content-type": contentType,
        "content-length": String(bytes.length),
        // Served from our own origin: never let a browser guess it is something else, or run it.
        "x-content-type-options": "nosniff",
        "content-disposition": "inline",
        "content-security-policy": "default-src 'none'; sandbox",
        // A public image never changes (a new photo is a new id); a private one stays out of shared caches.
        "cache-control": upload.public ? "public, max-age=86400, immutable" : "private, max-age=3600",
      });
    },
  );
