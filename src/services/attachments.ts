// Image operations shared by the JSON API and the web pages.
//
// The policy check (reportFor) reads the report once; every write then repeats its condition in
// the same SQL statement, at the revision read (queries/attachments.ts), because a submit can
// freeze the report between the two. A write the submit overtook is refused with 409.
import { database } from "../db/client";
import { newId, sha256Hex } from "../domain/ids";
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, megapixels, sniffImage, type ImageType } from "../domain/images";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import {
  getAttachment,
  insertAttachment,
  liveAttachmentCount,
  MAX_ATTACHMENTS,
  reorderAttachments,
  setCaption,
  softDeleteAttachment,
  type Refusal,
} from "../queries/attachments";
import { liveAttachments, type AttachmentRow } from "../queries/reports";
import { reportFor } from "./report-access";

const tooMany = () => new ApiError("conflict", { detail: `Tối đa ${MAX_ATTACHMENTS} ảnh mỗi báo cáo` });

const notAPermutation = () =>
  new ApiError("validation_failed", { errors: [{ path: "ids", in: "json", message: "Phải liệt kê đúng mỗi ảnh hiện có một lần" }] });

/** The error for a write its SQL condition refused; `stale` says what a vanished target means for this write. */
function refused(refusal: Refusal, stale: () => ApiError): ApiError {
  switch (refusal.reason) {
    case "frozen":
      return new ApiError("conflict", {
        detail: "Báo cáo đã được gửi thẩm định: hình ảnh đã được chốt cùng phiên bản gửi đi nên không thay đổi được nữa. Vui lòng tải lại trang.",
        extra: { currentStatus: refusal.status },
      });
    case "full":
      return tooMany();
    case "stale":
      return stale();
  }
}

const fileError = (code: "unsupported_media_type" | "validation_failed", message: string) =>
  new ApiError(code, { detail: message, errors: [{ path: "file", in: "form", message }] });

/**
 * Reads the picture's size with the Images binding: the first bytes only say what the file claims
 * to be, this decodes its header. Whatever the binding cannot read (a truncated or forged file) is
 * the uploader's problem, told as a 422, never a 5xx.
 */
async function measure(images: ImagesBinding, bytes: Uint8Array, type: ImageType): Promise<{ width: number; height: number }> {
  let info: ImageInfoResponse;
  try {
    info = await images.info(new Blob([bytes]).stream());
  } catch {
    throw fileError("validation_failed", "Không đọc được ảnh: tệp bị hỏng hoặc không phải ảnh JPEG, PNG hoặc WebP");
  }
  if (info.format !== type.contentType || !("width" in info)) {
    throw fileError("unsupported_media_type", "Nội dung không phải ảnh JPEG, PNG hoặc WebP");
  }
  const pixels = info.width * info.height;
  if (pixels > MAX_IMAGE_PIXELS) {
    throw fileError("validation_failed", `Ảnh quá lớn: ${megapixels(pixels)} điểm ảnh, tối đa ${MAX_IMAGE_PIXELS / 1_000_000} triệu`);
  }
  return { width: info.width, height: info.height };
}

/** Stores an image recognised by its content (never its name or declared type) under uploads/. */
export async function addImage(env: Env, actor: Actor, reportId: string, file: File, caption: string): Promise<AttachmentRow> {
  const db = database(env.DB);
  const report = await reportFor(db, actor, reportId, "attachment.write");
  if (file.size === 0) throw new ApiError("validation_failed", { errors: [{ path: "file", in: "form", message: "Tệp rỗng" }] });
  if (file.size > MAX_IMAGE_BYTES) {
    throw new ApiError("payload_too_large", {
      detail: `Ảnh tối đa ${MAX_IMAGE_BYTES / 1024 / 1024} MB`,
      errors: [{ path: "file", in: "form", message: `Ảnh tối đa ${MAX_IMAGE_BYTES / 1024 / 1024} MB` }],
    });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniffImage(bytes.subarray(0, 16));
  if (!type) {
    throw new ApiError("unsupported_media_type", {
      detail: "Chỉ nhận ảnh JPEG, PNG hoặc WebP (kiểm tra theo nội dung tệp)",
      errors: [{ path: "file", in: "form", message: "Nội dung không phải ảnh JPEG, PNG hoặc WebP" }],
    });
  }
  const size = await measure(env.IMAGES, bytes, type);
  // Spares the upload when the report is already full; the insert below is what enforces the limit.
  if ((await liveAttachmentCount(db, report.id)) >= MAX_ATTACHMENTS) throw tooMany();

  const attachmentId = newId();
  const key = `uploads/${report.id}/${attachmentId}.${type.ext}`;
    // The picture's size rides with the object (no column needed): publication reads it back.
  await env.BUCKET.put(key, bytes, {
    httpMetadata: { contentType: type.contentType },
    customMetadata: { reportId: report.id, width: String(size.width), height: String(size.height) },
  });
  let stored = false;
  try {
    const written = await insertAttachment(
      env.DB,
      { id: attachmentId, reportId: report.id, r2Key: key, contentType: type.contentType, size: bytes.byteLength, sha256: await sha256Hex(bytes), caption, createdBy: actor.id },
      report.revision,
    );
    if (!written.ok) throw refused(written, tooMany);
    stored = true;
    return written.value;
  } finally {
    // No row, no object: a refused (or failed) insert leaves nothing behind in R2.
    if (!stored) await env.BUCKET.delete(key);
  }
}

export async function captionImage(db: D1Database, actor: Actor, reportId: string, attachmentId: string, caption: string): Promise<AttachmentRow> {
  const d = database(db);
  const report = await reportFor(d, actor, reportId, "attachment.write");
  if (!(await getAttachment(d, report.id, attachmentId))) throw new ApiError("not_found");
  const written = await setCaption(db, report.id, attachmentId, caption, report.revision);
  if (!written.ok) throw refused(written, () => new ApiError("not_found"));
  return written.value;
}

export async function removeImage(db: D1Database, actor: Actor, reportId: string, attachmentId: string): Promise<void> {
  const d = database(db);
  const report = await reportFor(d, actor, reportId, "attachment.write");
  if (!(await getAttachment(d, report.id, attachmentId))) throw new ApiError("not_found");
  const written = await softDeleteAttachment(db, report.id, attachmentId, report.revision);
  if (!written.ok) throw refused(written, () => new ApiError("not_found"));
}

/** `ids` must name every live image once, in the new order. */
export async function reorderImages(db: D1Database, actor: Actor, reportId: string, ids: string[]): Promise<AttachmentRow[]> {
  const d = database(db);
  const report = await reportFor(d, actor, reportId, "attachment.write");
  const live = await liveAttachments(d, report.id);
  const liveIds = new Set(live.map((a) => a.id));
  const isPermutation = ids.length === live.length && new Set(ids).size === ids.length && ids.every((x) => liveIds.has(x));
  if (!isPermutation) throw notAPermutation();
  if (ids.length > 0) {
    // The images may have changed since `live` was read: the statement checks the set again.
    const written = await reorderAttachments(db, report.id, ids, report.revision);
    if (!written.ok) throw refused(written, notAPermutation);
  }
  return liveAttachments(d, report.id);
}
