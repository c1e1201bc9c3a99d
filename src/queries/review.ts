// Read side of the review engine: audit trail, revisions, inbox.
import { WORKFLOWS, type ReportKind } from "../../workflows";
import type { Role } from "../db/schema";
import { sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { unitOfPath, type Coverage } from "../domain/policy";
import type { Actor } from "../env";
import { REVIEWER_ROLES } from "../domain/roles";
import { inboxScopeWalk, MAX_ARMS, type InboxWalk } from "./report-walks";
import { coverageSql, RANGES_INLINE } from "./visibility";

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
  on_behalf_of_id: string | null;
  on_behalf_of_name: string | null;
  on_behalf_of_role: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
};

export async function history(db: D1Database, reportId: string): Promise<HistoryRow[]> {
  const { results } = await db
    .prepare(
      // The name recorded with the event; the current name only for events older than that record.
      `SELECT e.seq, e.action, e.actor_id, coalesce(e.actor_name, u.name) AS actor_name, e.actor_role, e.stage, e.from_status, e.to_status, e.revision, e.comment, e.created_at,
         e.on_behalf_of_id, e.on_behalf_of_name, e.on_behalf_of_role, e.assignee_id, e.assignee_name
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

/**
 * The revision a reviewer's diff starts from by default, for revision `to`: the one live on the
 * portal when `to` corrects a published article (readers see that one, so the correction is read
 * against it), else the latest one this user returned, else the one before. Null when there is none.
 */
export async function diffBase(db: D1Database, reportId: string, userId: string, to: number): Promise<number | null> {
  const row = await db
    .prepare(
      `SELECT (SELECT revision FROM portal_entries WHERE report_id = ?1 AND retracted_at IS NULL AND revision < ?3) AS live,
              (SELECT max(revision) FROM report_events WHERE report_id = ?1 AND actor_id = ?2 AND action = 'return' AND revision < ?3) AS returned`,
    )
    .bind(reportId, userId, to)
    .first<{ live: number | null; returned: number | null }>();
  const base = row?.live ?? row?.returned ?? to - 1;
  return base >= 1 ? base : null;
}

/** The latest revision this user returned, if any: what a returning reviewer compares against. */
export async function lastReturnedBy(db: D1Database, reportId: string, userId: string): Promise<number | null> {
  const row = await db
    .prepare("SELECT max(revision) AS r FROM report_events WHERE report_id = ? AND actor_id = ? AND action = 'return'")
    .bind(reportId, userId)
    .first<{ r: number | null }>();
  return row?.r ?? null;
}

const REVIEW_ROLES: readonly Role[] = REVIEWER_ROLES;

/**
 * Which waiting reports: `mine` those assigned to the caller (or to someone they sign for now)
 * and those not assigned to anyone, which they may take; `unassigned` only the latter; `all`
 * everything waiting at their stages, whoever has it (DESIGN.md section 13).
 */
export const INBOX_SCOPES = ["mine", "unassigned", "all"] as const;
export type InboxScope = (typeof INBOX_SCOPES)[number];

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
  assignee_id: string | null;
  assignee_name: string | null;
  submitted_at: string | null;
};

/**
 * What the inbox page narrows to: a kind, a sending unit, a submission window (instants, from
 * inclusive, before exclusive), an FTS5 MATCH expression (report-search.ts's searchExpression,
 * already scoped to the caller), and the order: due soonest (the default) or newest submitted.
 */
export type InboxFilter = {
  kind?: string;
  unitId?: string;
  submittedFrom?: string;
  submittedBefore?: string;
  match?: string;
  sort?: "due" | "new";
};

const rendered = new SQLiteAsyncDialect();

/**
 * Reports waiting at a stage whose role the caller holds, for units in their reach, due soonest
 * first, leaving out those where they already decided an earlier stage of the same revision.
 * Each role and covered subtree is one walk of report_scopes_inbox_idx (unit, status, stage_role,
 * stage_due_at) in due order that stops at the page, however small the subtree; the walks go in
 * one batch and their pages are merged here (an OR of roles would make SQLite read and sort every
 * report in review). A grant listing many separate units walks reports_inbox_idx instead, testing
 * unit_path against the list sent as one JSON parameter. The separation-of-duties probe is one
 * seek in report_events_decider_idx (report, revision, action, actor).
 */
export async function inbox(
  db: D1Database,
  actor: Actor,
  opts: { after?: [string, string]; limit: number; scope?: InboxScope; filter?: InboxFilter },
): Promise<InboxRow[]> {
  const cols = { unitId: sql.raw("r.unit_id"), unitPath: sql.raw("r.unit_path") };
  const f = opts.filter ?? {};
  const newest = f.sort === "new";
  // Newest first pages on (submitted_at, id) below the walks, which keep their due order; the
  // filters only test the rows the walks meet, so the caller's reach is never widened by them.
  const dueAfter = newest ? undefined : opts.after;
  const after = dueAfter ? sql`AND (r.stage_due_at > ${dueAfter[0]} OR (r.stage_due_at = ${dueAfter[0]} AND r.id > ${dueAfter[1]}))` : sql``;
  const filtered = sql.join(
    [
      f.kind ? sql`AND r.kind = ${f.kind}` : sql``,
      f.unitId ? sql`AND r.unit_id = ${f.unitId}` : sql``,
      f.submittedFrom ? sql`AND r.submitted_at >= ${f.submittedFrom}` : sql``,
      f.submittedBefore ? sql`AND r.submitted_at < ${f.submittedBefore}` : sql``,
      f.match ? sql`AND r.rowid IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ${f.match})` : sql``,
      newest && opts.after
        ? sql`AND (r.submitted_at < ${opts.after[0]} OR (r.submitted_at = ${opts.after[0]} AND r.id < ${opts.after[1]}))`
        : sql``,
    ],
    sql` `,
  );
  // An author never decides a report of their own unit (domain/review.ts), so never sees one here.
  const ownUnit = actor.grants.some((g) => g.role === "author") ? sql`AND r.unit_id <> ${actor.unitId}` : sql``;
  // Whose assigned items are the caller's: their own, and those of whoever they sign for now.
  const mine = [actor.id, ...actor.grants.flatMap((g) => (g.delegatedBy ? [g.delegatedBy.userId] : []))];
  const scope = opts.scope ?? "all";
  const assigned =
    scope === "all"
      ? sql``
      : scope === "unassigned"
        ? sql`AND r.assignee_id IS NULL`
        : sql`AND (r.assignee_id IS NULL OR r.assignee_id IN (${sql.join(
            [...new Set(mine)].map((id) => sql`${id}`),
            sql`, `,
          )}))`;
  const walks: InboxWalk[] = [];
  // A delegate who holds the same role over the same units walks them once.
  const walked = new Set<string>();
  const fresh = (key: string) => !walked.has(key) && walked.add(key) !== undefined;
  for (const g of actor.grants) {
    if (!REVIEW_ROLES.includes(g.role)) continue;
    if (!fresh(`${g.role}:${g.role === "centre_head" ? (g.delegatedBy?.unitId ?? actor.unitId) : g.paths.join(",")}`)) continue;
    // A centre head's stage is their own unit's (a delegated one, the delegator's unit's).
    const ownUnitId = g.delegatedBy?.unitId ?? actor.unitId;
    if (g.role === "centre_head") walks.push(inboxScopeWalk(ownUnitId, g.role, { after: dueAfter, exactUnit: ownUnitId }));
    else if (g.paths.length <= RANGES_INLINE) for (const path of g.paths) walks.push(inboxScopeWalk(unitOfPath(path), g.role, { after: dueAfter }));
    else {
      // Many separate units: one walk of everything waiting at this role's stage, tested by path.
      const coverage: Coverage = { kind: "paths", paths: g.paths };
      walks.push({
        from: sql`reports r`,
        where: sql`r.status = 'in_review' AND r.stage_role = ${g.role} AND ${coverageSql(coverage, cols)} ${after}`,
        keys: sql`r.stage_due_at AS sort_due, r.id AS sort_id`,
      });
    }
  }
  if (walks.length === 0) return [];
  // The unit's name is the report row's copy (reports.unit_name): no look-up per row shown.
  const select = (w: InboxWalk) => sql`SELECT r.id, r.kind, r.unit_id, r.unit_name, r.title, r.stage, r.stage_role, r.stage_due_at, r.revision, r.version, r.updated_at,
        r.assignee_id, r.assignee_name, r.submitted_at, ${w.keys}, r.submitted_at AS sort_new
      FROM ${w.from}
      WHERE ${w.where} AND r.author_id <> ${actor.id} ${ownUnit} ${assigned} ${filtered}
        AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.revision = r.revision AND e.action = 'approve' AND e.actor_id = ${actor.id})`;
  const prepare = (q: SQL) => {
    const { sql: text, params } = rendered.sqlToQuery(q);
    return db.prepare(text).bind(...params);
  };
  let rows: InboxRow[];
  if (walks.length <= MAX_ARMS) {
    // One statement: SQLite merges the walks lazily in due order and stops at the page.
    const order = newest ? sql`ORDER BY sort_new DESC, sort_id DESC` : sql`ORDER BY sort_due, sort_id`;
    // A report found by two walks (one's own grant and one signed for, over overlapping units)
    // comes twice: a delegate's page is read that much longer, so that it is still full once each
    // report is kept once (and the next-page cursor is not lost).
    const overlap = actor.grants.some((g) => g.delegatedBy) ? walks.length : 1;
    rows = (await prepare(sql`${sql.join(walks.map(select), sql` UNION ALL `)} ${order} LIMIT ${(opts.limit + 1) * overlap}`).all<InboxRow>()).results;
    // Overlapping grants (one's own and one signed for) may both find a report: shown once.
    rows = [...new Map(rows.map((r) => [r.id, r])).values()];
  } else {
    // More walks than D1 allows in one compound SELECT: one round trip, each walk stops at its page.
    const order = newest ? sql`ORDER BY sort_new DESC, sort_id DESC` : sql`ORDER BY sort_due, sort_id`;
    const pages = await db.batch<InboxRow>(walks.map((w) => prepare(sql`${select(w)} ${order} LIMIT ${opts.limit + 1}`)));
    rows = [...new Map(pages.flatMap((p) => p.results).map((r) => [r.id, r])).values()];
    const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    rows.sort((a, b) => (newest ? cmp(b.submitted_at ?? "", a.submitted_at ?? "") || cmp(b.id, a.id) : cmp(a.stage_due_at, b.stage_due_at) || cmp(a.id, b.id)));
  }
  return rows.slice(0, opts.limit + 1);
}
