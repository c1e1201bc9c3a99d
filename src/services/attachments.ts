// Image operations shared by the JSON API and the web pages.
import { database } from "../db/client";
import { newId, nowIso, sha256Hex } from "../domain/ids";
import { MAX_IMAGE_BYTES, sniffImage } from "../domain/images";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { attachmentStats, getAttachment, insertAttachment, MAX_ATTACHMENTS, reorderAttachments, setCaption, softDeleteAttachment } from "../queries/attachments";
import { liveAttachments, type AttachmentRow } from "../queries/reports";
import { reportFor } from "../routes/reports/access";

/** Stores an image recognised by its content (never its name or declared type) under uploads/. */
export async function addImage(env: Env, actor: Actor, reportId: string, file: File, caption: string): Promise<AttachmentRow> {
  const db = database(env.DB);
  const report = await reportFor(db, actor, reportId, "attachment.write");
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
  await env.BUCKET.put(key, bytes, { httpMetadata: { contentType: type.contentType }, customMetadata: { reportId: report.id } });
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
      createdBy: actor.id,
      createdAt: nowIso(),
    });
  } catch (err) {
    await env.BUCKET.delete(key);
    throw err;
  }
  const row = await getAttachment(db, report.id, attachmentId);
  if (!row) throw new ApiError("internal");
  return row;
}

export async function captionImage(db: D1Database, actor: Actor, reportId: string, attachmentId: string, caption: string): Promise<AttachmentRow> {
  const d = database(db);
  const report = await reportFor(d, actor, reportId, "attachment.write");
  if (!(await getAttachment(d, report.id, attachmentId))) throw new ApiError("not_found");
  await setCaption(d, report.id, attachmentId, caption);
  const row = await getAttachment(d, report.id, attachmentId);
  if (!row) throw new ApiError("not_found");
  return row;
}

export async function removeImage(db: D1Database, actor: Actor, reportId: string, attachmentId: string): Promise<void> {
  const d = database(db);
  const report = await reportFor(d, actor, reportId, "attachment.write");
  if (!(await getAttachment(d, report.id, attachmentId))) throw new ApiError("not_found");
  await softDeleteAttachment(d, report.id, attachmentId);
}

/** `ids` must name every live image once, in the new order. */
export async function reorderImages(db: D1Database, actor: Actor, reportId: string, ids: string[]): Promise<AttachmentRow[]> {
  const d = database(db);
  const report = await reportFor(d, actor, reportId, "attachment.write");
  const live = await liveAttachments(d, report.id);
  const liveIds = new Set(live.map((a) => a.id));
  const isPermutation = ids.length === live.length && new Set(ids).size === ids.length && ids.every((x) => liveIds.has(x));
  if (!isPermutation) {
    throw new ApiError("validation_failed", { errors: [{ path: "ids", in: "json", message: "Phải liệt kê đúng mỗi ảnh hiện có một lần" }] });
  }
  if (ids.length > 0) await reorderAttachments(d, report.id, ids);
  return liveAttachments(d, report.id);
}
