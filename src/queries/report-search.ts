// Text search over reports at O(page) rows read, for common and rare words alike.
//
// FTS5 returns matches in rowid order, newest first, and stops at the page: the reports table is
// only looked up for those rows. A caller who sees part of the department (an author's unit, a
// division's schools) would otherwise walk many matches outside it, so the index also holds each
// report's unit path as tokens (migrations/0009_search_scope.sql) and the MATCH expression keeps
// only the caller's subtrees; the exact visibility rule (policy.ts, via visibleTo) is then applied
// to the few rows FTS5 returns. Reports get their rowid at insert, so rowid order is creation order.
import { and, desc, eq, getTableColumns, lt, sql } from "drizzle-orm";
import { integer, sqliteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client";
import { reports } from "../db/schema";
import { reachFor, unitOfPath, type Coverage } from "../domain/policy";
import { ftsQuery } from "../domain/text";
import type { Actor } from "../env";
import type { ReportFilter } from "./reports";
import { visibleTo } from "./visibility";

// The FTS5 table, for the query builder only: it is created by hand-written SQL, so it is kept out
// of db/schema.ts (drizzle-kit would try to create it as a plain table).
const reportsFts = sqliteTable("reports_fts", { rowid: integer("rowid").notNull() });

/**
 * A unit id -> the scope token the index holds for it ("u" + the id without dashes). Whatever the
 * caller sent as a unit filter, only letters and digits reach the MATCH expression.
 */
const unitToken = (unitId: string) => `"u${unitId.toLowerCase().replace(/[^0-9a-z]/g, "")}"`;

/** The units whose subtrees hold every report the caller may read; null when that is all of them. */
function scopeUnits(coverages: Coverage[]): string[] | null {
  const units = new Set<string>();
  for (const c of coverages) {
    if (c.kind === "all") return null;
    if (c.kind === "unit") units.add(c.unitId);
    else for (const p of c.paths) units.add(unitOfPath(p));
  }
  return [...units];
}

/** The MATCH expression: the user's words, and (unless the caller sees all) their subtrees. */
export function searchExpression(actor: Actor, q: string, unitId?: string): string | null {
  const words = ftsQuery(q);
  if (!words) return null;
  const scope = unitId ? [unitId] : scopeUnits(reachFor(actor, "report.read").map((r) => r.coverage));
  if (scope && scope.length === 0) return null;
  return scope ? `${words} AND scope : (${scope.map(unitToken).join(" OR ")})` : words;
}

/** Newest first; `after` pages from the row with that id. Null when nothing can match. */
export function reportSearchQuery(db: Db, actor: Actor, f: ReportFilter & { q: string }) {
  const visible = visibleTo(actor);
  const match = visible ? searchExpression(actor, f.q, f.unitId) : null;
  if (!visible || !match) return null;
  const reportRowid = sql`${reports}.rowid`;
  return db
    .select(getTableColumns(reports))
    .from(reportsFts)
    .crossJoin(reports)
    .where(
      and(
        sql`${reportsFts} MATCH ${match}`,
        eq(reportsFts.rowid, reportRowid),
        visible,
        f.status ? eq(reports.status, f.status) : undefined,
        f.kind ? eq(reports.kind, f.kind) : undefined,
        f.unitId ? eq(reports.unitId, f.unitId) : undefined,
        f.after ? lt(reportsFts.rowid, sql`(SELECT rowid FROM ${reports} WHERE ${reports.id} = ${f.after[1]})`) : undefined,
      ),
    )
    .orderBy(desc(reportsFts.rowid))
    .limit(f.limit + 1);
}
