// The director's and admin's dashboard figures, read from counters that triggers keep on every write
// (migrations 0011 and 0019): O(units shown) rows, whatever the number of reports. Every figure is
// over the reports the caller may read, with the same reaches as visibleTo (policy table): the
// counter rows carry the unit (coverage), the report's review_reach and its status, so a count never
// includes a report the caller could not open. A count is information too. The table by unit reads
// one cell per unit shown; the figures by stage read the per-ancestor rollups (dashboard-rollups.ts).
import { and, asc, eq, lt, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Db } from "../db/client";
import { dashboardUnitTallies, reports, units, type ReportStatus } from "../db/schema";
import { ranksFrom, reachFor, unitOfPath, type Reach } from "../domain/policy";
import type { Actor } from "../env";
import { stageCounts, stageTimes as stageTimesOf } from "./dashboard-rollups";
import { MAX_ARMS } from "./report-walks";
import { coverageSql, RANGES_INLINE, visibleTo } from "./visibility";

/** The statuses the unit table counts (every one but draft), in the page's column order. */
export const UNIT_STATUSES = ["in_review", "returned", "approved", "scheduled", "published", "unpublished", "withdrawn"] as const satisfies readonly ReportStatus[];
type UnitStatus = (typeof UNIT_STATUSES)[number];
const UNIT_COLUMN = {
  in_review: dashboardUnitTallies.inReview,
  returned: dashboardUnitTallies.returned,
  withdrawn: dashboardUnitTallies.withdrawn,
  approved: dashboardUnitTallies.approved,
  scheduled: dashboardUnitTallies.scheduled,
  published: dashboardUnitTallies.published,
  unpublished: dashboardUnitTallies.unpublished,
} as const;

/** Upper bounds (hours) of the time-in-stage histogram's bins, as the columns h1 ... h_more. */
export const STAGE_TIME_BINS = [1, 4, 8, 24, 48, 72, 120, 168, 336, Infinity] as const;

export type StageTime = { stage: string; n: number; seconds: number; histogram: number[] };
export type Dashboard = {
  /** The school year (năm học) the unit table and the times are for: from 1 September of this year. */
  schoolYear: number;
  byStage: { kind: string; stage: string; n: number }[];
  byUnit: { unitId: string; unit: string; counts: Record<UnitStatus, number> }[];
  overdue: { id: string; title: string; kind: string; stage: string | null; stageDueAt: string | null; unit: string }[];
  /** More overdue reports than the list shows. */
  overdueMore: boolean;
  stageTimes: StageTime[];
};

export const OVERDUE_PAGE = 50;
const VN_OFFSET = 7 * 3600_000;

/** The school year a moment falls in: from 1 September, Vietnam time (as the triggers count). */
export function schoolYearOf(at: Date): number {
  const vn = new Date(at.getTime() + VN_OFFSET);
  return vn.getUTCFullYear() - (vn.getUTCMonth() < 8 ? 1 : 0);
}

/** Where the median falls in a histogram: the bin's bounds in hours, or null when it is empty. */
export function medianBin(histogram: readonly number[]): { from: number; to: number } | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  // The lower median: the ceil(n/2)-th decision in time order.
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen * 2 >= total) return { from: i === 0 ? 0 : STAGE_TIME_BINS[i - 1]!, to: STAGE_TIME_BINS[i]! };
  }
  return null;
}

type TallyCols = { unitId: SQLWrapper; unitPath: SQLWrapper; reach: SQLWrapper };

/** One reach as a condition on a counter row: its coverage and its minimum review_reach. */
function reachOnTally(r: Reach, cols: TallyCols): SQL {
  // The reaches as a list of values (ranks are few): SQLite then seeks each value's cells in the
  // reach index and reads no cell below the caller's stage.
  const onReach = r.minReach > 0 ? sql`${cols.reach} IN (${sql.raw(ranksFrom(r.minReach).map((n) => String(Math.trunc(n))).join(", "))})` : undefined;
  const parts = [coverageSql(r.coverage, cols), onReach].filter((p): p is SQL => p !== undefined);
  return parts.length ? and(...parts)! : sql`1 = 1`;
}

const allows = (r: Reach, status: ReportStatus) => r.states === "any" || r.states.includes(status);
const anyOf = (reaches: Reach[], cols: TallyCols): SQL | null => (reaches.length ? (or(...reaches.map((r) => reachOnTally(r, cols))) ?? null) : null);

/**
 * The overdue list for a caller who covers a few subtrees (a division's director): one walk of
 * report_scopes per covered unit in due order, merged by SQLite, so no overdue report of another
 * division is read. Null when the caller sees all units, or too many separate ones (the walk of
 * all reports in due order serves them).
 */
function overdueByScopes(db: Db, reaches: Reach[], visible: SQL, now: Date) {
  if (reaches.length === 0 || reaches.some((r) => r.coverage.kind !== "paths" || r.coverage.paths.length > RANGES_INLINE)) return null;
  // One walk per covered unit and per reach at or above the caller's stage: each exact, so none
  // reads a report the caller may not see.
  const arms = reaches.flatMap((r) =>
    r.coverage.kind !== "paths"
      ? []
      : r.coverage.paths.flatMap((p) =>
          ranksFrom(r.minReach).map(
            (level) => sql`SELECT stage_due_at AS sort_due, report_id AS sort_id FROM report_scopes INDEXED BY report_scopes_due_idx
              WHERE unit_id = ${unitOfPath(p)} AND status = 'in_review' AND review_reach = ${sql.raw(String(Math.trunc(level)))} AND stage_due_at < ${now.toISOString()}`,
          ),
        ),
  );
  if (arms.length === 0 || arms.length > MAX_ARMS) return null;
  // The reports and units rows are read for the page only; the policy is checked on them again.
  // Qualified by hand: drizzle does not know the tables behind a FROM written as SQL.
  return db
    .select({
      id: sql<string>`reports.id`,
      title: sql<string>`reports.title`,
      kind: sql<string>`reports.kind`,
      stage: sql<string | null>`reports.stage`,
      stageDueAt: sql<string | null>`reports.stage_due_at`,
      unit: sql<string>`units.name`,
    })
    .from(sql`(${sql.join(arms, sql` UNION `)} ORDER BY sort_due, sort_id LIMIT ${OVERDUE_PAGE + 1}) p CROSS JOIN reports CROSS JOIN units`)
    .where(sql`reports.id = p.sort_id AND units.id = reports.unit_id AND ${visible}`);
}

export async function dashboardFigures(db: Db, actor: Actor, now = new Date(), schoolYear = schoolYearOf(now)): Promise<Dashboard> {
  const empty: Dashboard = { schoolYear, byStage: [], byUnit: [], overdue: [], overdueMore: false, stageTimes: [] };
  const visible = visibleTo(actor);
  const reaches = reachFor(actor, "report.read");
  if (!visible || reaches.length === 0) return empty;

  // By unit: a row is read if some reach covers it; each status column is summed only where a
  // reach that allows that status covers the row (every rule allows all of them today, so the
  // plain sum is used then).
  const ut = dashboardUnitTallies;
  const utCols = { unitId: ut.unitId, unitPath: ut.unitPath, reach: ut.reach };
  const submitted = reaches.filter((r) => UNIT_STATUSES.some((s) => allows(r, s)));
  const anyUnit = anyOf(submitted, utCols);
  const column = (s: UnitStatus) => {
    const those = submitted.filter((r) => allows(r, s));
    if (those.length === submitted.length) return sql<number>`coalesce(sum(${UNIT_COLUMN[s]}), 0)`;
    const cond = anyOf(those, utCols);
    return cond ? sql<number>`coalesce(sum(CASE WHEN ${cond} THEN ${UNIT_COLUMN[s]} ELSE 0 END), 0)` : sql<number>`0`;
  };

  const perUnit = anyUnit
    ? db
        .select({ unitId: ut.unitId, ...Object.fromEntries(UNIT_STATUSES.map((s) => [s, column(s).as(s)])) } as { unitId: typeof ut.unitId } & Record<UnitStatus, SQL.Aliased<number>>)
        .from(ut)
        .where(and(eq(ut.schoolYear, schoolYear), anyUnit))
        .groupBy(ut.unitId)
        .as("per_unit")
    : null;

  // Overdue: correctness is `visible`; the walks are for cost. A caller who reads from the first
  // stage on walks every in-review report in due order (reports_due_idx); a reviewer walks each
  // reach level they may read (reports_due_reach_idx), never the reports below their stage.
  const lowest = Math.min(...reaches.filter((r) => allows(r, "in_review")).map((r) => r.minReach));
  const overdueLevels: (number | null)[] = !Number.isFinite(lowest) ? [] : lowest <= 1 ? [null] : ranksFrom(lowest);

  const overdueScoped = overdueByScopes(db, reaches.filter((r) => allows(r, "in_review")), visible, now);
  const [byStage, byUnit, stageTimes, ...overdueByLevel] = await db.batch([
    // In review now: the reaches that may read an in-review report.
    stageCounts(db, reaches.filter((r) => allows(r, "in_review"))),
    perUnit
      ? db
          .select({ unit: units.name, unitId: perUnit.unitId, ...Object.fromEntries(UNIT_STATUSES.map((s) => [s, perUnit[s]])) })
          .from(perUnit)
          .innerJoin(units, eq(units.id, perUnit.unitId))
          .orderBy(asc(units.name), asc(units.id))
      : db.select({ unit: units.name, unitId: units.id }).from(units).where(sql`0`),
    // Time in stage is filed by the report's unit and current reach, not its status: only decided
    // (never draft) reports have any, so only a reach that reads every submitted status may count them.
    stageTimesOf(db, reaches.filter((r) => UNIT_STATUSES.every((s) => allows(r, s))), schoolYear),
    ...overdueLevels.filter(() => !overdueScoped).map((level) =>
      db
        .select({
          // Expressions, not columns: drizzle does not know the table behind INDEXED BY.
          id: sql<string>`${reports.id}`,
          title: sql<string>`${reports.title}`,
          kind: sql<string>`${reports.kind}`,
          stage: sql<string | null>`${reports.stage}`,
          stageDueAt: sql<string | null>`${reports.stageDueAt}`,
          unit: units.name,
        })
        // Named: without statistics SQLite would rather seek reports by status and sort them all.
        .from(sql`${reports} INDEXED BY ${sql.identifier(level === null ? "reports_due_idx" : "reports_due_reach_idx")}`)
        .innerJoin(units, eq(units.id, reports.unitId))
        // A literal, not a bound parameter: the partial indexes are only usable when SQLite can see it.
        .where(and(visible, sql`${reports.status} = 'in_review'`, level === null ? undefined : eq(reports.reviewReach, level), lt(reports.stageDueAt, now.toISOString())))
        .orderBy(asc(reports.stageDueAt), asc(reports.id))
        .limit(OVERDUE_PAGE + 1),
    ),
    ...(overdueScoped ? [overdueScoped] : []),
  ]);
  const overdue = overdueByLevel
    .flat()
    .sort((a, b) => (a.stageDueAt! < b.stageDueAt! ? -1 : a.stageDueAt! > b.stageDueAt! ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return {
    schoolYear,
    byStage: byStage.filter((r) => r.n > 0),
    byUnit: (byUnit as ({ unit: string; unitId: string } & Record<string, unknown>)[])
      .map((row) => ({
        unitId: row.unitId,
        unit: row.unit,
        counts: Object.fromEntries(UNIT_STATUSES.map((s) => [s, Number(row[s] ?? 0)])) as Record<UnitStatus, number>,
      }))
      .filter((r) => UNIT_STATUSES.some((s) => r.counts[s] > 0)),
    overdue: overdue.slice(0, OVERDUE_PAGE),
    overdueMore: overdue.length > OVERDUE_PAGE,
    stageTimes: stageTimes
      .filter((r) => r.n > 0)
      .map((r) => ({ stage: r.stage, n: Number(r.n), seconds: Number(r.seconds), histogram: (JSON.parse(r.histogram) as number[]).map(Number) })),
  };
}
