// "Reports the actor may read" as SQL, from the policy table (domain/policy.ts): the one place that
// turns a Reach into a condition, for lists, search, the inbox and the dashboard alike.
import { and, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { REPORT_STATUSES, reports, type ReportStatus } from "../db/schema";
import { reachFor, type Coverage, type Reach } from "../domain/policy";
import type { Actor } from "../env";

// A multi-value IN on an indexed column tempts SQLite into reading every matching row and sorting
// them; the unary plus (SQLite's documented way to keep a term off an index) makes it walk
// reports_created_idx newest-first instead and stop at the page size.
const notIndexed = (column: typeof reports.status) => sql`+${column}`;

// Up to this many subtrees are tested as ranges with their own parameters (two each: bounded, and
// no extra rows read); a longer list of granted units goes as one JSON parameter instead, which
// costs a few json_each rows per report looked at.
export const RANGES_INLINE = 4;

/**
 * The first path after every path under `path` ("/a/b/" -> "/a/b0": "0" follows "/"), whatever
 * characters unit ids are made of.
 */
export const pathEnd = (path: string) => `${path.slice(0, -1)}0`;

/** pathEnd, of a path held in a column or a json_each value. */
export const pathEndSql = (path: SQLWrapper) => sql`substr(${path}, 1, length(${path}) - 1) || '0'`;

/**
 * Coverage as SQL on the report row itself: its unit, or a range of unit_path per covered subtree
 * ("/root/a/" covers every path from "/root/a/" up to, not including, "/root/a0"). The bound parameters never
 * grow with the number of units covered: a grant of the department root is one range.
 */
export function coverageSql(coverage: Coverage, cols: { unitId: SQLWrapper; unitPath: SQLWrapper } = { unitId: reports.unitId, unitPath: reports.unitPath }): SQL | undefined {
  if (coverage.kind === "all") return undefined;
  if (coverage.kind === "unit") return sql`${cols.unitId} = ${coverage.unitId}`;
  if (coverage.paths.length === 0) return sql`0`;
  if (coverage.paths.length <= RANGES_INLINE) {
    return sql`(${sql.join(
      coverage.paths.map((p) => sql`(${cols.unitPath} >= ${p} AND ${cols.unitPath} < ${pathEnd(p)})`),
      sql` OR `,
    )})`;
  }
  return sql`EXISTS (SELECT 1 FROM json_each(${JSON.stringify(coverage.paths)}) WHERE ${cols.unitPath} >= value AND ${cols.unitPath} < ${pathEndSql(sql.raw("value"))})`;
}

// The policy's states and ranks are constants of the code (schema enums, policy.ts), written into
// the SQL as literals: binding them would spend D1's 100 parameters on what never varies.
export const statusLiteral = (s: ReportStatus) => {
  if (!REPORT_STATUSES.includes(s)) throw new Error(`not a report status: ${s}`);
  return sql.raw(`'${s}'`);
};

/** The reach's states and rank, on any table that carries a report's status and review_reach. */
export function stateSql(reach: Reach, cols: { status: SQLWrapper; reviewReach: SQLWrapper }): SQL | undefined {
  const parts = [
    reach.states === "any" ? undefined : sql`${cols.status} IN (${sql.join(reach.states.map(statusLiteral), sql`, `)})`,
    reach.minReach > 0 ? sql`${cols.reviewReach} >= ${sql.raw(String(Math.trunc(reach.minReach)))}` : undefined,
  ].filter((p): p is SQL => p !== undefined);
  return parts.length ? and(...parts) : undefined;
}

/** One reach as a condition on the reports row. */
export function reachCondition(reach: Reach): SQL {
  const parts = [coverageSql(reach.coverage), stateSql(reach, { status: notIndexed(reports.status), reviewReach: reports.reviewReach })].filter(
    (p): p is SQL => p !== undefined,
  );
  return parts.length ? and(...parts)! : sql`1 = 1`;
}

/** The SQL condition for "reports the actor may `read`", or null when they may see none. */
export function visibleTo(actor: Actor): SQL | null {
  const reaches = reachFor(actor, "report.read");
  if (reaches.length === 0) return null;
  return or(...reaches.map(reachCondition)) ?? null;
}

