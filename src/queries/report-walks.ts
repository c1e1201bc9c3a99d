// Lists and the inbox for a caller who covers part of the department (a division's schools): the
// newest reports under each covered unit are one walk of report_scopes (a row per report and per
// unit on its path), which stops at the page however small the subtree. Walking all reports in
// date order and skipping the others would read ten rows for each one shown when a division holds
// a tenth of the department. One walk per covered subtree (and per stage at or above the caller's),
// merged lazily by SQLite in one compound SELECT. An admin's "all" needs no scope table.
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client";
import { reports } from "../db/schema";
import { ranksFrom, reachFor, unitOfPath, type Reach } from "../domain/policy";
import type { Actor } from "../env";
import type { ReportFilter, ReportRow } from "./reports";
import { RANGES_INLINE, statusLiteral, visibleTo } from "./visibility";

// D1 caps a compound SELECT at a few terms ("too many terms in compound SELECT" at 12). Past this,
// the arms stop splitting by reach value, and past that again one walk of all reports is taken.
export const MAX_ARMS = 5;

const rendered = new SQLiteAsyncDialect();

/**
 * One arm: the (created_at, id) of reports under `unit` in the reach, newest first, from a covering
 * index of report_scopes (or, for the caller's own unit, of reports). Only keys: the rows of the
 * page are read once the arms are merged.
 */
function arm(reach: Reach, unit: string, exact: boolean, reachValue: number | null, f: ReportFilter): SQL {
  const allowed = f.status ? [f.status] : reach.states === "any" ? null : reach.states;
  const statuses = allowed ? sql`AND status IN (${sql.join(allowed.map(statusLiteral), sql`, `)})` : sql``;
  if (exact) {
    const after = f.after ? sql`AND (created_at < ${f.after[0]} OR (created_at = ${f.after[0]} AND id < ${f.after[1]}))` : sql``;
    return sql`SELECT * FROM (SELECT created_at AS sort_at, id AS sort_id FROM reports WHERE unit_id = ${unit} ${statuses}
      ${reach.minReach > 0 ? sql`AND review_reach >= ${sql.raw(String(reach.minReach))}` : sql``} ${after} ORDER BY created_at DESC, id DESC)`;
  }
  const after = f.after ? sql`AND (created_at < ${f.after[0]} OR (created_at = ${f.after[0]} AND report_id < ${f.after[1]}))` : sql``;
  const onReach =
    reachValue !== null
      ? sql`AND review_reach = ${sql.raw(String(reachValue))}`
      : reach.minReach > 0
        ? sql`AND review_reach >= ${sql.raw(String(reach.minReach))}`
        : sql``;
  // The index is named: SQLite has no statistics to tell a walk in date order (which stops at the
  // page) from an equality on status and a range of reach (which reads them all, then sorts).
  const index =
    reachValue === null
      ? f.status
        ? "report_scopes_status_idx"
        : "report_scopes_list_idx"
      : f.status
        ? "report_scopes_status_reach_idx"
        : "report_scopes_reach_idx";
  return sql`SELECT * FROM (SELECT created_at AS sort_at, report_id AS sort_id FROM report_scopes INDEXED BY ${sql.raw(index)}
    WHERE unit_id = ${unit} ${statuses} ${onReach} ${after} ORDER BY created_at DESC, report_id DESC)`;
}

/**
 * The arms that together list what `reaches` see, or null when one date-ordered walk of all
 * reports is better: the whole department, a unit or kind filter (already exact index walks, or
 * rare), a long list of separate units.
 */
function armsFor(reaches: Reach[], f: ReportFilter): SQL[] | null {
  if (f.unitId || f.kind || reaches.some((r) => r.coverage.kind === "all")) return null;
  if (reaches.some((r) => r.coverage.kind === "paths" && r.coverage.paths.length > RANGES_INLINE)) return null;
  // Only one's own unit: reports_unit_created_idx is that walk already.
  if (!reaches.some((r) => r.coverage.kind === "paths")) return null;
  const build = (splitByReach: boolean) => {
    const arms: SQL[] = [];
    for (const reach of reaches) {
      if (f.status && reach.states !== "any" && !reach.states.includes(f.status)) continue;
      if (reach.coverage.kind === "unit") arms.push(arm(reach, reach.coverage.unitId, true, null, f));
      if (reach.coverage.kind !== "paths") continue;
      // A reviewer reads only from their stage on: split by reach value (report_scopes_reach_idx,
      // or with a status report_scopes_status_reach_idx), no arm walks past reports the caller
      // may not read (a director's "in review" would otherwise skip all that waits below them).
      const values = splitByReach && reach.minReach > 0 ? ranksFrom(reach.minReach) : [null];
      for (const path of reach.coverage.paths) for (const v of values) arms.push(arm(reach, unitOfPath(path), false, v, f));
    }
    return arms;
  };
  const exact = build(true);
  if (exact.length <= MAX_ARMS) return exact;
  const arms = build(false);
  return arms.length <= MAX_ARMS ? arms : null;
}

const columns = getTableColumns(reports);
/** A raw reports row (snake_case, JSON as text) as drizzle would have returned it. */
function reportRowOf(raw: Record<string, unknown>): ReportRow {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(columns)) {
    const value = raw[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as ReportRow;
}

/**
 * The page (limit + 1 rows) by scope walks, or null when the caller's coverage is not walked so.
 * The arms go as one compound SELECT ordered newest first: SQLite merges them lazily, each walking
 * its index in order, and stops at the page; then only the page's reports rows are read.
 */
export async function listByScopes(db: Db, actor: Actor, f: ReportFilter): Promise<ReportRow[] | null> {
  const reaches = reachFor(actor, "report.read");
  const arms = armsFor(reaches, f);
  if (!arms) return null;
  if (arms.length === 0) return [];
  // UNION, not UNION ALL: two reaches may both return a report (an author's unit inside a subtree
  // they review, or two reviewing roles over one subtree); SQLite drops the copy in its ordered
  // merge, so the page stays full. The reports row is then checked against the policy once more:
  // report_scopes is a copy, and a copy must not be the only thing between a caller and a report.
  const visible = visibleTo(actor) ?? sql`0`;
  const query = rendered.sqlToQuery(sql`SELECT reports.* FROM (${sql.join(arms, sql` UNION `)} ORDER BY sort_at DESC, sort_id DESC LIMIT ${f.limit + 1}) p
    CROSS JOIN reports WHERE reports.id = p.sort_id AND ${visible}`);
  const { results } = await db.$client.prepare(query.sql).bind(...query.params).all<Record<string, unknown>>();
  const rows = results.map(reportRowOf);
  rows.sort((a, b) => (a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : a.id > b.id ? -1 : a.id < b.id ? 1 : 0));
  return rows.slice(0, f.limit + 1);
}

/** One inbox walk: what to read, which rows, and its (due, id) keys named sort_due and sort_id. */
export type InboxWalk = { from: SQL; where: SQL; keys: SQL };

/**
 * Reports in review at `role`'s stage under `scopeUnit`, due soonest first, from
 * report_scopes_inbox_idx. `exactUnit` keeps a centre head to their own unit (not its children).
 */
export function inboxScopeWalk(scopeUnit: string, role: string, opts: { after?: [string, string]; exactUnit?: string }): InboxWalk {
  return {
    from: sql`report_scopes s INDEXED BY report_scopes_inbox_idx CROSS JOIN reports r`,
    where: sql`s.unit_id = ${scopeUnit} AND s.status = 'in_review' AND s.stage_role = ${role} ${
      opts.after ? sql`AND (s.stage_due_at > ${opts.after[0]} OR (s.stage_due_at = ${opts.after[0]} AND s.report_id > ${opts.after[1]}))` : sql``
    } AND r.id = s.report_id AND r.status = 'in_review' AND r.stage_role = ${role} ${opts.exactUnit ? sql`AND r.unit_id = ${opts.exactUnit}` : sql``}`,
    keys: sql`s.stage_due_at AS sort_due, s.report_id AS sort_id`,
  };
}
