import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { attachments, type ReportStatus } from "../db/schema";
import { nowIso } from "../domain/ids";
import { EDITABLE_STATUSES } from "../domain/review";
import type { AttachmentRow } from "./reports";

export const MAX_ATTACHMENTS = 50;

export async function getAttachment(db: Db, reportId: string, id: string): Promise<AttachmentRow | undefined> {
  return db
    .select()
    .from(attachments)
    .where(and(eq(attachments.id, id), eq(attachments.reportId, reportId), isNull(attachments.deletedAt)))
    .get();
}

/** How many live images a report has (the insert below is what enforces the limit). */
export async function liveAttachmentCount(db: Db, reportId: string): Promise<number> {
  const row = await db
    .select({ count: sql<number>`count(*)` })
    .from(attachments)
    .where(and(eq(attachments.reportId, reportId), isNull(attachments.deletedAt)))
    .get();
  return row?.count ?? 0;
}

// ---- Writes, each conditional on the report being editable at the revision the caller saw ----
//
// Submitting claims the report in one D1 transaction (flow/projection.ts claimForReview): it moves
// the row out of the editable statuses, raises its revision, and reads the live attachments as the
// frozen revision's content. Each write below carries the same condition inside its own SQL
// statement, so D1 orders it wholly before that claim (and it is frozen with the revision) or
// wholly after (and it changes nothing). A policy check made earlier is not enough: the claim can
// land between that check and the write.

const EDITABLE_SQL = EDITABLE_STATUSES.map((s) => `'${s}'`).join(", ");

/** SQL: report `r` (a parameter) is still editable at revision `rev` (a parameter). */
const openAt = (r: string, rev: string) => `EXISTS (SELECT 1 FROM reports WHERE id = ${r} AND status IN (${EDITABLE_SQL}) AND revision = ${rev})`;

/** SQL: the live images of report `r`. */
const liveOf = (r: string) => `attachments WHERE report_id = ${r} AND deleted_at IS NULL`;

/**
 * Bumps the version (as every image change does) under the same condition as the write it goes
 * with; it runs first in the same transaction and changes nothing that condition reads.
 */
const touchWhere = (r: string, now: string, condition: string) => `UPDATE reports SET version = version + 1, updated_at = ${now} WHERE id = ${r} AND ${condition}`;

/** Why a conditional write changed nothing. */
export type Refusal =
  /** The report was submitted (or otherwise moved on) since the caller read it: its images are frozen. */
  | { reason: "frozen"; status: ReportStatus | null }
  /** The report already has MAX_ATTACHMENTS live images. */
  | { reason: "full" }
  /** The image is gone (deleted meanwhile), or the set of live images is no longer the one given. */
  | { reason: "stale" };

export type Written<T> = { ok: true; value: T } | ({ ok: false } & Refusal);

type ReportState = { status: ReportStatus; revision: number };
type AttachmentRaw = {
  id: string;
  report_id: string;
  r2_key: string;
  content_type: string;
  size: number;
  sha256: string;
  caption: string;
  position: number;
  created_by: string;
  created_at: string;
  deleted_at: string | null;
};

const ATTACHMENT_COLUMNS = "id, report_id, r2_key, content_type, size, sha256, caption, position, created_by, created_at, deleted_at";

const rowOf = (a: AttachmentRaw): AttachmentRow => ({
  id: a.id,
  reportId: a.report_id,
  r2Key: a.r2_key,
  contentType: a.content_type,
  size: a.size,
  sha256: a.sha256,
  caption: a.caption,
  position: a.position,
  createdBy: a.created_by,
  createdAt: a.created_at,
  deletedAt: a.deleted_at,
});

const stateStatement = (db: D1Database, reportId: string) => db.prepare("SELECT status, revision FROM reports WHERE id = ?").bind(reportId);

/** A write that changed nothing: frozen if the report moved on, as read in the same transaction. */
function refusal(state: ReportState | undefined, seenRevision: number, otherwise: Refusal): { ok: false } & Refusal {
  const open = state && EDITABLE_STATUSES.includes(state.status) && state.revision === seenRevision;
  return { ok: false, ...(open ? otherwise : { reason: "frozen", status: state?.status ?? null }) };
}

/**
 * Inserts an image at the end of the order, only if the report is editable at `seenRevision` and
 * has fewer than MAX_ATTACHMENTS live images: the check and the insert are one statement, so
 * parallel uploads cannot pass the limit together.
 */
export async function insertAttachment(
  db: D1Database,
  row: { id: string; reportId: string; r2Key: string; contentType: string; size: number; sha256: string; caption: string; createdBy: string },
  seenRevision: number,
): Promise<Written<AttachmentRow>> {
  const now = nowIso();
  // ?1 report, ?2 revision seen, ?3 limit; the count is part of the condition, not read before.
  const allowed = `${openAt("?1", "?2")} AND (SELECT count(*) FROM ${liveOf("?1")}) < ?3`;
  const [, inserted, state] = await db.batch([
    db.prepare(touchWhere("?1", "?4", allowed)).bind(row.reportId, seenRevision, MAX_ATTACHMENTS, now),
    // ?4 id, ?5 r2 key, ?6 content type, ?7 size, ?8 sha256, ?9 now, ?10 caption, ?11 created by.
    db
      .prepare(
        `INSERT INTO attachments (id, report_id, r2_key, content_type, size, sha256, caption, position, created_by, created_at)
         SELECT ?4, ?1, ?5, ?6, ?7, ?8, ?10, (SELECT coalesce(max(position), 0) + 1 FROM ${liveOf("?1")}), ?11, ?9
         WHERE ${allowed}
         RETURNING ${ATTACHMENT_COLUMNS}`,
      )
      .bind(row.reportId, seenRevision, MAX_ATTACHMENTS, row.id, row.r2Key, row.contentType, row.size, row.sha256, now, row.caption, row.createdBy),
    stateStatement(db, row.reportId),
  ]);
  const created = (inserted?.results as AttachmentRaw[] | undefined)?.[0];
  if (created) return { ok: true, value: rowOf(created) };
  return refusal((state?.results as ReportState[] | undefined)?.[0], seenRevision, { reason: "full" });
}

/** Sets a live image's caption, only if the report is editable at `seenRevision`. */
export async function setCaption(db: D1Database, reportId: string, id: string, caption: string, seenRevision: number): Promise<Written<AttachmentRow>> {
  // ?1 report, ?2 revision seen, ?3 attachment id, ?4 now / caption.
  const allowed = `${openAt("?1", "?2")} AND EXISTS (SELECT 1 FROM ${liveOf("?1")} AND id = ?3)`;
  const [, updated, state] = await db.batch([
    db.prepare(touchWhere("?1", "?4", allowed)).bind(reportId, seenRevision, id, nowIso()),
    db
      .prepare(`UPDATE attachments SET caption = ?4 WHERE id = ?3 AND report_id = ?1 AND deleted_at IS NULL AND ${openAt("?1", "?2")} RETURNING ${ATTACHMENT_COLUMNS}`)
      .bind(reportId, seenRevision, id, caption),
    stateStatement(db, reportId),
  ]);
  const row = (updated?.results as AttachmentRaw[] | undefined)?.[0];
  if (row) return { ok: true, value: rowOf(row) };
  return refusal((state?.results as ReportState[] | undefined)?.[0], seenRevision, { reason: "stale" });
}

/** Soft-deletes a live image (a frozen revision may still refer to its object), only if the report is editable at `seenRevision`. */
export async function softDeleteAttachment(db: D1Database, reportId: string, id: string, seenRevision: number): Promise<Written<null>> {
  const now = nowIso();
  // ?1 report, ?2 revision seen, ?3 attachment id, ?4 now.
  const allowed = `${openAt("?1", "?2")} AND EXISTS (SELECT 1 FROM ${liveOf("?1")} AND id = ?3)`;
  const [, deleted, state] = await db.batch([
    db.prepare(touchWhere("?1", "?4", allowed)).bind(reportId, seenRevision, id, now),
    db
      .prepare(`UPDATE attachments SET deleted_at = ?4 WHERE id = ?3 AND report_id = ?1 AND deleted_at IS NULL AND ${openAt("?1", "?2")} RETURNING id`)
      .bind(reportId, seenRevision, id, now),
    stateStatement(db, reportId),
  ]);
  if (deleted?.results.length) return { ok: true, value: null };
  return refusal((state?.results as ReportState[] | undefined)?.[0], seenRevision, { reason: "stale" });
}

/**
 * Positions 1..n in the given order, only if the report is editable at `seenRevision` and `ids`
 * (distinct) are still exactly its live images.
 */
export async function reorderAttachments(db: D1Database, reportId: string, ids: string[], seenRevision: number): Promise<Written<null>> {
  // ?1 report, ?2 revision seen, ?3 the ids as a JSON array, ?4 now.
  const allowed = `${openAt("?1", "?2")}
    AND (SELECT count(*) FROM ${liveOf("?1")}) = json_array_length(?3)
    AND NOT EXISTS (SELECT 1 FROM ${liveOf("?1")} AND id NOT IN (SELECT value FROM json_each(?3)))`;
  const order = JSON.stringify(ids);
  const [, moved, state] = await db.batch([
    db.prepare(touchWhere("?1", "?4", allowed)).bind(reportId, seenRevision, order, nowIso()),
    db
      .prepare(
        `UPDATE attachments SET position = (SELECT key + 1 FROM json_each(?3) WHERE value = attachments.id)
         WHERE report_id = ?1 AND deleted_at IS NULL AND ${allowed}
         RETURNING id`,
      )
      .bind(reportId, seenRevision, order),
    stateStatement(db, reportId),
  ]);
  if (moved?.results.length) return { ok: true, value: null };
  return refusal((state?.results as ReportState[] | undefined)?.[0], seenRevision, { reason: "stale" });
}
