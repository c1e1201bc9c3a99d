// How ReportFlow's events reach D1 (the query side). Every statement is idempotent, so a retried
// projection lands once: events and revisions are INSERT OR IGNORE, and the report row only moves
// forward, ordered by the event's seq (flow_seq), never by version: the unit's content edits raise
// the version too, so comparing versions would skip a transition made after an edit.
import { sha256Hex } from "../domain/ids";
import { rankOf } from "../domain/policy";
import { EDITABLE_STATUSES } from "../domain/review";
import type { FlowEvent, Revision } from "./storage";

/** How far up the review chain this event takes the report: the stage it reaches or decided. */
const reachOf = (e: FlowEvent) => Math.max(rankOf(e.postStageRole), e.action === "approve" || e.action === "return" ? rankOf(e.actorRole) : 0);

export function projectionStatements(db: Pick<D1Database, "prepare">, reportId: string, events: FlowEvent[], revisions: Revision[]): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  for (const r of revisions) {
    out.push(
      db
        .prepare("INSERT OR IGNORE INTO report_revisions (report_id, number, content, content_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(reportId, r.number, JSON.stringify(r.content), r.contentHash, r.createdBy, r.createdAt),
    );
  }
  for (const e of events) {
    // The version follows the object's (a submit's claim already set it); where content edits
    // made since the last transition took D1's ahead, it still moves on, so ETags never repeat.
    out.push(
      db
        .prepare(
          // An assignment made with the transition that started the stage shares its version.
          `UPDATE reports SET status = ?1, stage = ?2, stage_role = ?3, stage_due_at = ?4, revision = ?5, updated_at = ?6,
             version = CASE WHEN ?7 IN ('submit', 'assign') THEN max(version, ?8) WHEN version >= ?8 THEN version + 1 ELSE ?8 END,
             published_url = CASE WHEN ?7 = 'publish' THEN ?9 ELSE published_url END,
             review_reach = max(review_reach, ?10), flow_seq = ?11, assignee_id = ?13, assignee_name = ?14,
             -- The published revision keeps its note (frozen); the next correction needs its own.
             correction_note = CASE WHEN ?7 = 'publish' THEN NULL ELSE correction_note END
           WHERE id = ?12 AND flow_seq < ?11`,
        )
        .bind(
          e.toStatus,
          e.postStage,
          e.postStageRole,
          e.postDueAt,
          e.revision,
          e.createdAt,
          e.action,
          e.postVersion,
          e.comment,
          reachOf(e),
          e.seq,
          reportId,
          e.postAssignee?.userId ?? null,
          e.postAssignee?.name ?? null,
        ),
      db
        .prepare(
          `INSERT OR IGNORE INTO report_events (id, report_id, seq, action, actor_id, actor_name, actor_role, stage, from_status, to_status, revision, comment, created_at,
             on_behalf_of_id, on_behalf_of_name, on_behalf_of_role, assignee_id, assignee_name)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          e.id,
          reportId,
          e.seq,
          e.action,
          e.actorId,
          e.actorName,
          e.actorRole,
          e.stage,
          e.fromStatus,
          e.toStatus,
          e.revision,
          e.comment,
          e.createdAt,
          e.onBehalfOf?.userId ?? null,
          e.onBehalfOf?.name ?? null,
          e.onBehalfOf?.role ?? null,
          e.postAssignee?.userId ?? null,
          e.postAssignee?.name ?? null,
        ),
    );
  }
  return out;
}

type Session = Pick<D1Database, "prepare" | "batch"> & { getBookmark?: () => string | null };

/**
 * Runs the projection's batch in a D1 session that starts at the primary, and answers the session's
 * bookmark after it: the write's place in D1's order, which a client hands back so that a read
 * replica serves it nothing older. A runtime without the Sessions API runs it plainly (no bookmark).
 */
export async function projectInSession(db: D1Database, reportId: string, events: FlowEvent[], revisions: Revision[]): Promise<string | null> {
  const session: Session = typeof db.withSession === "function" ? db.withSession("first-primary") : db;
  await session.batch(projectionStatements(session, reportId, events, revisions));
  try {
    return session.getBookmark?.() ?? null;
  } catch {
    return null;
  }
}

type ReportRowRaw = {
  id: string;
  kind: string;
  title: string;
  summary: string | null;
  body: string;
  event_date: string | null;
  location: string | null;
  attendees: string;
  source_url: string | null;
  figures: string | null;
  figure_notes: string | null;
  publish_at: string | null;
  correction_note: string | null;
  version: number;
  revision: number;
};

type AttachmentRaw = { id: string; caption: string; position: number; r2_key: string; content_type: string; sha256: string };

export type Claim = { version: number; revision: number; content: Record<string, unknown>; contentHash: string; authorName?: string };

/**
 * Submit starts in D1: one conditional statement moves the row into review only if it is still
 * submittable (and at the expected version), and returns the content to freeze. A concurrent edit
 * either lands before (and is frozen) or fails on the version it held.
 */
export async function claimForReview(
  db: D1Database,
  reportId: string,
  into: { stage: string; stageRole: string; stageDueAt: string; workflowId: string; workflowVersion: number; now: string },
  expectedVersion: number | undefined,
  currentRevision: number,
): Promise<Claim | null> {
  // The revision guard makes the claim land once: after it, revision has moved on.
  const [claimed, atts] = await db.batch([
    db
      .prepare(
        `UPDATE reports SET status = 'in_review', stage = ?, stage_role = ?, stage_due_at = ?, revision = revision + 1,
           version = version + 1, workflow_id = ?, workflow_version = ?, updated_at = ?,
           submitted_at = COALESCE(submitted_at, ?), review_reach = max(review_reach, ?)
         WHERE id = ? AND status IN (${EDITABLE_STATUSES.map((s) => `'${s}'`).join(", ")}) AND revision = ? AND (? IS NULL OR version = ?)
         RETURNING id, kind, title, summary, body, event_date, location, attendees, source_url, figures, figure_notes, publish_at, correction_note, version, revision`,
      )
      .bind(into.stage, into.stageRole, into.stageDueAt, into.workflowId, into.workflowVersion, into.now, into.now, rankOf(into.stageRole), reportId, currentRevision, expectedVersion ?? null, expectedVersion ?? null),
    db
      .prepare("SELECT id, caption, position, r2_key, content_type, sha256 FROM attachments WHERE report_id = ? AND deleted_at IS NULL ORDER BY position, id")
      .bind(reportId),
  ]);
  const row = (claimed?.results as ReportRowRaw[] | undefined)?.[0];
  if (!row) return null;
  return frozen(row, (atts?.results ?? []) as AttachmentRaw[]);
}

/** The content a claim froze, read again: for a claim whose answer was lost (D1 failed after committing). */
export async function readClaimed(db: D1Database, reportId: string, revision: number): Promise<Claim | null> {
  const [rows, atts] = await db.batch([
    db
      .prepare(
        `SELECT id, kind, title, summary, body, event_date, location, attendees, source_url, figures, figure_notes, publish_at, correction_note, version, revision,
           (SELECT name FROM users WHERE users.id = reports.author_id) AS author_name
         FROM reports WHERE id = ? AND status = 'in_review' AND revision = ?`,
      )
      .bind(reportId, revision),
    db
      .prepare("SELECT id, caption, position, r2_key, content_type, sha256 FROM attachments WHERE report_id = ? AND deleted_at IS NULL ORDER BY position, id")
      .bind(reportId),
  ]);
  const row = (rows?.results as (ReportRowRaw & { author_name: string | null })[] | undefined)?.[0];
  if (!row) return null;
  const { author_name, ...report } = row;
  return { ...(await frozen(report, (atts?.results ?? []) as AttachmentRaw[])), ...(author_name ? { authorName: author_name } : {}) };
}

async function frozen(row: ReportRowRaw, atts: AttachmentRaw[]): Promise<Claim> {
  const content = {
    kind: row.kind,
    title: row.title,
    summary: row.summary,
    body: row.body,
    eventDate: row.event_date,
    location: row.location,
    attendees: JSON.parse(row.attendees) as unknown,
    sourceUrl: row.source_url,
    figures: row.figures ? (JSON.parse(row.figures) as unknown) : null,
    // Only a periodic report has notes; other kinds' revisions keep the shape they always had.
    ...(row.figure_notes ? { figureNotes: JSON.parse(row.figure_notes) as unknown } : {}),
    publishAt: row.publish_at,
    // Only a correction of a published article has one; other revisions keep their old shape.
    ...(row.correction_note ? { correctionNote: row.correction_note } : {}),
    attachments: atts.map((a) => ({
      id: a.id,
      caption: a.caption,
      position: a.position,
      r2Key: a.r2_key,
      contentType: a.content_type,
      sha256: a.sha256,
    })),
  };
  return { version: row.version, revision: row.revision, content, contentHash: await sha256Hex(JSON.stringify(content)) };
}

export async function reportSnapshot(db: D1Database, reportId: string) {
  return db.prepare("SELECT id, kind, unit_id, author_id, status, version, revision FROM reports WHERE id = ?").bind(reportId).first<{
    id: string;
    kind: string;
    unit_id: string;
    author_id: string;
    status: string;
    version: number;
    revision: number;
  }>();
}
