import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { attachments } from "../db/schema";
import { nowIso } from "../domain/ids";
import { touchReport, type AttachmentRow } from "./reports";

export const MAX_ATTACHMENTS = 50;

export async function getAttachment(db: Db, reportId: string, id: string): Promise<AttachmentRow | undefined> {
  return db
    .select()
    .from(attachments)
    .where(and(eq(attachments.id, id), eq(attachments.reportId, reportId), isNull(attachments.deletedAt)))
    .get();
}

export async function attachmentStats(db: Db, reportId: string): Promise<{ count: number; nextPosition: number }> {
  const row = await db
    .select({ count: sql<number>`count(*)`, maxPos: sql<number | null>`max(${attachments.position})` })
    .from(attachments)
    .where(and(eq(attachments.reportId, reportId), isNull(attachments.deletedAt)))
    .get();
  return { count: row?.count ?? 0, nextPosition: (row?.maxPos ?? 0) + 1 };
}

export async function insertAttachment(db: Db, row: typeof attachments.$inferInsert): Promise<void> {
  await db.batch([db.insert(attachments).values(row), touchReport(db, row.reportId)]);
}

export async function setCaption(db: Db, reportId: string, id: string, caption: string): Promise<void> {
  await db.batch([
    db.update(attachments).set({ caption }).where(and(eq(attachments.id, id), eq(attachments.reportId, reportId))),
    touchReport(db, reportId),
  ]);
}

export async function softDeleteAttachment(db: Db, reportId: string, id: string): Promise<void> {
  await db.batch([
    db.update(attachments).set({ deletedAt: nowIso() }).where(and(eq(attachments.id, id), eq(attachments.reportId, reportId))),
    touchReport(db, reportId),
  ]);
}

/** Positions 1..n in the given order; `ids` must be exactly the live attachments. */
export async function reorderAttachments(db: Db, reportId: string, ids: string[]): Promise<void> {
  const updates = ids.map((id, i) =>
    db.update(attachments).set({ position: i + 1 }).where(and(eq(attachments.id, id), eq(attachments.reportId, reportId))),
  );
  await db.batch([touchReport(db, reportId), ...updates]);
}
