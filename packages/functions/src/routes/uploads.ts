import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import * as z from "zod/mini";
import * as Uploads from "@jinguo/core/uploads";
import { getUser } from "@jinguo/core/identity";
import { fail } from "@jinguo/core/errors";
import type { AppEnv } from "../env.ts";
import { valid } from "../validate.ts";
import { doc } from "../openapi.ts";
import { requireUser } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { multipartBody } from "../middleware/guard.ts";

/** The image plus the multipart envelope around it; a bigger image is refused by acceptImage (413). */
export const UPLOAD_BODY_LIMIT = Uploads.MAX_UPLOAD_BYTES + 64 * 1024;

// Exactly one part, a file named "file": two of them arrive as a list, and fail `z.file()`.
const uploadForm = z.strictObject({ file: z.file() });

const store = (c: { var: AppEnv["Variables"] }) => c.var.deps.uploads ?? fail("NOT_FOUND");

// What she says she will send; the bytes themselves are checked on completion.
const intentBody = z.strictObject({ contentType: z.string().check(z.minLength(1), z.maxLength(100)), size: z.number().check(z.int(), z.gte(1)) });
const intentId = z.object({ id: z.string().check(z.regex(Uploads.UPLOAD_ID)) });

/** Where the store takes direct uploads (the cloud's bucket); 404 elsewhere, as with no store. */
const direct = createMiddleware<AppEnv>(async (c, next) => {
  if (!store(c).direct) fail("NOT_FOUND");
  return next();
});

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
    "/uploads/config",
    doc({
      summary: "照片怎么上传",
      summaryEn: "How photos are uploaded here",
      access: "public",
      description:
        "`direct: true`（云上）：先 POST /api/uploads/intents，把照片直接 PUT 到给出的地址，再 POST /api/uploads/{id}/complete；`false`（本地）：POST /api/uploads。 · " +
        "`direct: true` (the cloud, where the API takes no body over ~4.4 MB): POST /api/uploads/intents, PUT the bytes to the URL it gives, then POST /api/uploads/{id}/complete. `false` (the local stage): POST /api/uploads.",
    }),
    (c) =>
      c.json({ uploads: { direct: !!store(c).direct, maxBytes: Uploads.MAX_UPLOAD_BYTES, contentTypes: [...Uploads.IMAGE_TYPES] } }),
  )
  .post(
    "/uploads/intents",
    doc({
      summary: "准备直接上传一张照片（云上）",
      summaryEn: "Begin a direct upload of one photo (the cloud)",
      access: "signed-in",
      status: 201,
      description:
        "给出一个几分钟内有效的地址：用 `put.headers` 把照片 PUT 上去，大小必须正好是 `size`，再调用 complete。本地没有（404，用 POST /api/uploads）。不是 JPG/PNG 415，超过 8 MB 413，每人每小时最多 30 张（429）。 · " +
        "A URL valid for a few minutes: PUT the photo there with `put.headers`, exactly `size` bytes (type and length are signed), then call complete. 404 on the local stage (use POST /api/uploads). Not JPEG/PNG: 415; over 8 MB: 413; at most 30 an hour per person, counted here (429).",
      errors: [413, 415, 429],
    }),
    requireUser,
    valid("json", intentBody),
    direct,
    uploadRate,
    async (c) => {
      const intent = await Uploads.startDirectUpload({ store: store(c) }, { ownerId: c.var.userId!, ...c.req.valid("json") });
      return c.json({ upload: { id: intent.id }, put: intent.put }, 201);
    },
  )
  .post(
    "/uploads/:id/complete",
    doc({
      summary: "直接上传完成：检查并保存照片",
      summaryEn: "Finish a direct upload: the photo is checked and kept",
      access: "signed-in",
      status: 201,
      description:
        "检查照片并重新保存（和 POST /api/uploads 一样），答复也一样。没有传上去、已过期、已完成过或不是自己的：404。 · " +
        "The photo she put is checked and re-encoded as POST /api/uploads does, with the same answer. Nothing there (never put, expired, completed already, someone else's): 404.",
      errors: [415],
    }),
    requireUser,
    valid("param", intentId),
    direct,
    idempotent,
    async (c) => {
      const upload = await Uploads.completeDirectUpload(
        { db: c.var.deps.db, clock: c.var.deps.clock, store: store(c) },
        { ownerId: c.var.userId!, intentId: c.req.valid("param").id },
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
