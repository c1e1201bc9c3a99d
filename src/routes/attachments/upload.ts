import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { newId, nowIso, sha256Hex } from "../../domain/ids";
import { MAX_IMAGE_BYTES, sniffImage } from "../../domain/images";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { requireSession } from "../../middleware/auth";
import { idempotency } from "../../middleware/idempotency";
import { limitBody, requireMediaType } from "../../middleware/request-guards";
import { attachmentStats, getAttachment, insertAttachment, MAX_ATTACHMENTS } from "../../queries/attachments";
import { attachmentView } from "../../queries/reports";
import { IdParam, jsonContent, problems, security } from "../shared";
import { reportFor } from "../reports/access";
import { AttachmentSchema } from "../reports/schemas";
import { Caption } from "./schemas";

const UploadForm = z
  .object({
    file: z.instanceof(File).openapi({ type: "string", format: "binary", description: "JPEG, PNG or WebP, at most 10 MiB" }),
    caption: Caption.openapi({ example: "Hình 1: Văn nghệ chào mừng Hội nghị" }),
  })
  .openapi("AttachmentUpload");

const route = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/attachments",
  tags: ["attachments"],
  summary: "Upload an image with its caption (author, while the report is a draft or returned)",
  security,
  // Room for the multipart envelope around the largest image.
  middleware: [limitBody(MAX_IMAGE_BYTES + 64 * 1024), requireMediaType("multipart/form-data"), requireSession(), idempotency()],
  request: { params: IdParam, body: { required: true, content: { "multipart/form-data": { schema: UploadForm } } } },
  responses: { 201: jsonContent(AttachmentSchema, "Stored"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

export function registerUploadAttachment(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const db = database(c.env.DB);
    const { id } = c.req.valid("param");
    const { file, caption } = c.req.valid("form");
    const report = await reportFor(db, c.get("actor"), id, "attachment.write");

    if (file.size === 0) throw new ApiError("validation_failed", { errors: [{ path: "file", in: "form", message: "Tệp rỗng" }] });
    if (file.size > MAX_IMAGE_BYTES) throw new ApiError("payload_too_large", { detail: `Ảnh tối đa ${MAX_IMAGE_BYTES} byte` });
    const bytes = new Uint8Array(await file.arrayBuffer());
    const type = sniffImage(bytes.subarray(0, 16));
    if (!type) {
      throw new ApiError("unsupported_media_type", {
        detail: "Chỉ nhận ảnh JPEG, PNG hoặc WebP (kiểm tra theo nội dung tệp)",
        errors: [{ path: "file", in: "form", message: "Nội dung không phải ảnh JPEG, PNG hoặc WebP" }],
      });
    }
    const stats = await attachmentStats(db, report.id);
    if (stats.count >= MAX_ATTACHMENTS) throw new ApiError("conflict", { detail: `Tối đa ${MAX_ATTACHMENTS} ảnh mỗi báo cáo` });

    const attachmentId = newId();
    const key = `uploads/${report.id}/${attachmentId}.${type.ext}`;
    await c.env.BUCKET.put(key, bytes, { httpMetadata: { contentType: type.contentType }, customMetadata: { reportId: report.id } });
    try {
      await insertAttachment(db, {
        id: attachmentId,
        reportId: report.id,
        r2Key: key,
        contentType: type.contentType,
        size: bytes.byteLength,
        sha256: await sha256Hex(bytes),
        caption,
        position: stats.nextPosition,
        createdBy: c.get("actor").id,
        createdAt: nowIso(),
      });
    } catch (err) {
      await c.env.BUCKET.delete(key);
      throw err;
    }
    const row = await getAttachment(db, report.id, attachmentId);
    if (!row) throw new ApiError("internal");
    return c.json(attachmentView(row), 201);
  });
}
