// Read side of the review engine: audit trail, revisions, inbox.
import { WORKFLOWS, type ReportKind } from "../../workflows";
import type { Role } from "../db/schema";
import type { Actor } from "../env";

export type HistoryRow = {
  seq: number;
  action: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  stage: string | null;
  from_status: string | null;
  to_status: string;
  revision: number;
  comment: string | null;
  created_at: string;
};

export async function history(db: D1Database, reportId: string): Promise<HistoryRow[]> {
  const { results } = await db
    .prepare(
      // The name recorded with the event; the current name only for events older than that record.
      `SELECT e.seq, e.action, e.actor_id, coalesce(e.actor_name, u.name) AS actor_name, e.actor_role, e.stage, e.from_status, e.to_status, e.revision, e.comment, e.created_at
       FROM report_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.report_id = ? ORDER BY e.seq`,
    )
    .bind(reportId)
    .all<HistoryRow>();
  return results;
}

/** Stage and role labels come from the definition the report runs under. */
export function stageLabel(kind: string, stageId: string | null): string | null {
  if (!stageId) return null;
  return WORKFLOWS[kind as ReportKind]?.stages.find((s) => s.id === stageId)?.label ?? stageId;
}

export async function revisionContent(db: D1Database, reportId: string, number: number) {
  const row = await db
    .prepare("SELECT number, content, content_hash, created_by, created_at FROM report_revisions WHERE report_id = ? AND number = ?")
    .bind(reportId, number)
    .first<{ number: number; content: string; content_hash: string; created_by: string; created_at: string }>();
  return row ? { number: row.number, content: JSON.parse(row.content) as Record<string, unknown>, contentHash: row.content_hash, createdAt: row.created_at } : null;
}

/** The latest revision this user returned, if any: what a returning reviewer compares against. */
export async function lastReturnedBy(db: D1Database, reportId: string, userId: string): Promise<number | null> {
  const row = await db
    .prepare("SELECT max(revision) AS r FROM report_events WHERE report_id = ? AND actor_id = ? AND action = 'return'")
    .bind(reportId, userId)
    .first<{ r: number | null }>();
  return row?.r ?? null;
}

const REVIEW_ROLES: Role[] = ["centre_head", "specialist", "deputy_head", "director"];

export type InboxRow = {
  id: string;
  kind: string;
  unit_id: string;
  unit_name: string;
  title: string;
  stage: string;
  stage_role: string;
  stage_due_at: string;
  revision: number;
  version: number;
  updated_at: string;
};

/**
 * Reports waiting at a stage whose role the caller holds, for units in their reach, due soonest
 * first, leaving out those where they already decided an earlier stage of the same revision.
 * Each role walks reports_inbox_idx (status, stage_role, stage_due_at, id) in order. The
 * separation-of-duties check looks events up by report (the unary plus keeps SQLite off the
 * actor index, which would read every event of a busy reviewer for each row).
 */
export async function inbox(db: D1Database, actor: Actor, opts: { after?: [string, string]; limit: number }): Promise<InboxRow[]> {
  const parts: { sql: string; params: unknown[] }[] = [];
  for (const g of actor.grants) {
    if (!REVIEW_ROLES.includes(g.role)) continue;
    const units = g.role === "centre_head" ? [actor.unitId] : g.unitIds;
    if (units.length === 0) continue;
    parts.push({
      sql: `(r.stage_role = ? AND +r.unit_id IN (${units.map(() => "?").join(",")}))`,
      params: [g.role, ...units],
    });
  }
  if (parts.length === 0) return [];
  const after = opts.after ? "AND (r.stage_due_at > ? OR (r.stage_due_at = ? AND r.id > ?))" : "";
  // An author never decides a report of their own unit (domain/review.ts), so never sees one here.
  const isAuthor = actor.grants.some((g) => g.role === "author");
  // The unit name is looked up for the rows returned only: a join would let SQLite start from
  // units and read every report of the covered units.
  const sql = `SELECT r.id, r.kind, r.unit_id, (SELECT name FROM units WHERE id = r.unit_id) AS unit_name, r.title, r.stage, r.stage_role, r.stage_due_at, r.revision, r.version, r.updated_at
    FROM reports r
    WHERE r.status = 'in_review' AND (${parts.map((p) => p.sql).join(" OR ")}) ${after}
      AND r.author_id <> ? ${isAuthor ? "AND r.unit_id <> ?" : ""}
      AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.revision = r.revision AND +e.actor_id = ? AND e.action = 'approve')
    ORDER BY r.stage_due_at, r.id LIMIT ?`;
  const params = [
    ...parts.flatMap((p) => p.params),
    ...(opts.after ? [opts.after[0], opts.after[0], opts.after[1]] : []),
    actor.id,
    ...(isAuthor ? [actor.unitId] : []),
    actor.id,
    opts.limit + 1,
  ];
  const { results } = await db.prepare(sql).bind(...params).all<InboxRow>();
  return results;
}
