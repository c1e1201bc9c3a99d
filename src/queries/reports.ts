// Report reads and writes on D1. Visibility comes from the policy table (domain/policy.ts).
import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { attachments, reportEvents, reports, type ReportStatus } from "../db/schema";
import { newId, nowIso } from "../domain/ids";
import { EDITABLE_STATUSES } from "../domain/review";
import { slugify } from "../domain/text";
import type { FigureCheck } from "../domain/indicators";
import type { Actor } from "../env";
import { reportSearchQuery } from "./report-search";
import { listByScopes } from "./report-walks";
import { visibleTo } from "./visibility";

export type ReportRow = typeof reports.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;

export type ReportContent = {
  title: string;
  summary?: string | null;
  body: string;
  eventDate?: string | null;
  location?: string | null;
  attendees?: { name: string; title: string }[];
  sourceUrl?: string | null;
  figures?: Record<string, unknown> | null;
  figureNotes?: Record<string, string> | null;
  publishAt?: string | null;
  correctionNote?: string | null;
};

export const attachmentView = (a: AttachmentRow) => ({
  id: a.id,
  caption: a.caption,
  position: a.position,
  contentType: a.contentType,
  size: a.size,
  url: `/api/v1/reports/${a.reportId}/attachments/${a.id}/content`,
  createdAt: a.createdAt,
});

export function reportListView(r: ReportRow) {
  return {
    id: r.id,
    kind: r.kind as "news" | "event" | "periodic",
    unitId: r.unitId,
    authorId: r.authorId,
    title: r.title,
    slug: r.slug,
    summary: r.summary,
    eventDate: r.eventDate,
    location: r.location,
    sourceUrl: r.sourceUrl,
    periodId: r.periodId,
    submittedAt: r.submittedAt,
    publishAt: r.publishAt,
    correctionNote: r.correctionNote,
    status: r.status,
    stage: r.stage,
    assignee: r.assigneeId ? { userId: r.assigneeId, name: r.assigneeName ?? "" } : null,
    version: r.version,
    revision: r.revision,
    workflowVersion: r.workflowVersion,
    publishedUrl: r.publishedUrl,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export const reportView = (r: ReportRow, atts: AttachmentRow[], checks: readonly FigureCheck[] = []) => ({
  ...reportListView(r),
  body: r.body,
  attendees: r.attendees,
  figures: r.figures ?? null,
  figureNotes: r.figureNotes ?? null,
  checks: [...checks],
  attachments: atts.map(attachmentView),
});

// Visibility lives in visibility.ts; re-exported for the queries that filter reports by it.
export { coverageSql, visibleTo } from "./visibility";

export type ReportFilter = {
  status?: ReportStatus;
  kind?: string;
  unitId?: string;
  q?: string;
  after?: [string, string];
  limit: number;
};

/**
 * Newest first, keyset-paginated on (created_at, id); null when the caller can see nothing. A text
 * search walks the search index instead (report-search.ts), newest first by rowid.
 */
export function reportListQuery(db: Db, actor: Actor, f: ReportFilter) {
  if (f.q) return reportSearchQuery(db, actor, { ...f, q: f.q });
  const visible = visibleTo(actor);
  if (!visible) return null;
  const where = and(
    visible,
    // One unit's reports of one status (an author's, or a unit filter): reports_unit_status_idx
    // walks exactly those in date order, reading none of the unit's other reports.
    f.status ? eq(reports.status, f.status) : undefined,
    f.kind ? eq(reports.kind, f.kind) : undefined,
    f.unitId ? eq(reports.unitId, f.unitId) : undefined,
    f.after
      ? or(lt(reports.createdAt, f.after[0]), and(eq(reports.createdAt, f.after[0]), lt(reports.id, f.after[1])))
      : undefined,
  );
  return db.select().from(reports).where(where).orderBy(desc(reports.createdAt), desc(reports.id)).limit(f.limit + 1);
}

/** The page (limit + 1 rows): by the search index, by scope walks for part of the tree, or by date. */
export async function listReports(db: Db, actor: Actor, f: ReportFilter): Promise<ReportRow[]> {
  if (!f.q) {
    const walked = await listByScopes(db, actor, f);
    if (walked) return walked;
  }
  return (await reportListQuery(db, actor, f)?.all()) ?? [];
}

export async function getReport(db: Db, id: string): Promise<ReportRow | undefined> {
  return db.select().from(reports).where(eq(reports.id, id)).get();
}

/** The report's row and its live attachments, as two statements to batch (one round trip). */
export function reportWithAttachmentsQueries(db: Db, id: string) {
  return [db.select().from(reports).where(eq(reports.id, id)), liveAttachmentsQuery(db, id)] as const;
}

const liveAttachmentsQuery = (db: Db, reportId: string) =>
  db
    .select()
    .from(attachments)
    .where(and(eq(attachments.reportId, reportId), isNull(attachments.deletedAt)))
    .orderBy(asc(attachments.position), asc(attachments.id));

export async function liveAttachments(db: Db, reportId: string): Promise<AttachmentRow[]> {
  return liveAttachmentsQuery(db, reportId).all();
}

export async function insertReport(
  db: Db,
  actor: Actor,
  input: ReportContent & { kind: string; periodId?: string | null },
  workflow: { id: string; version: number },
): Promise<ReportRow> {
  const now = nowIso();
  const row = {
    id: newId(),
    unitId: actor.unitId,
    unitPath: actor.unitPath,
    unitName: actor.unitName,
    authorId: actor.id,
    kind: input.kind,
    title: input.title,
    slug: slugify(input.title),
    summary: input.summary ?? null,
    body: input.body,
    eventDate: input.eventDate ?? null,
    location: input.location ?? null,
    attendees: input.attendees ?? [],
    sourceUrl: input.sourceUrl ?? null,
    figures: input.figures ?? null,
    periodId: input.periodId ?? null,
    figureNotes: input.figureNotes ?? null,
    submittedAt: null,
    publishAt: input.publishAt ?? null,
    status: "draft" as const,
    stage: null,
    stageRole: null,
    stageDueAt: null,
    version: 1,
    flowSeq: 0,
    reviewReach: 0,
    revision: 0,
    workflowId: workflow.id,
    workflowVersion: workflow.version,
    publishedUrl: null,
    assigneeId: null,
    assigneeName: null,
    correctionNote: input.correctionNote ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(reports).values(row),
    db.insert(reportEvents).values({
      id: newId(),
      reportId: row.id,
      seq: 0,
      action: "create",
      actorId: actor.id,
      actorName: actor.name,
      actorRole: "author",
      toStatus: "draft",
      revision: 0,
      createdAt: now,
    }),
  ]);
  return row;
}

const EDITABLE = [...EDITABLE_STATUSES];

/**
 * Applies a content edit if the report is still at `expectedVersion` and editable; the check and
 * the write are one statement, so two editors cannot both win. Returns whether it applied.
 */
export async function updateReportContent(db: Db, id: string, expectedVersion: number, patch: Partial<ReportContent>): Promise<boolean> {
  const set: Partial<typeof reports.$inferInsert> = { ...patch, updatedAt: nowIso() };
  if (patch.title) set.slug = slugify(patch.title);
  const res = await db
    .update(reports)
    .set({ ...set, version: sql`${reports.version} + 1` })
    .where(and(eq(reports.id, id), eq(reports.version, expectedVersion), inArray(reports.status, EDITABLE)))
    .run();
  // D1 counts the rows the FTS triggers touch too: any change means the row was updated.
  return res.meta.changes > 0;
}
