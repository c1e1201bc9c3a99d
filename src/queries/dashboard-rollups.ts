// "In review by kind and stage" and "time in stage" for the dashboard, read from the per-ancestor
// rollups (migration 0019) rather than from one counter cell per unit: a director granted the
// whole department reads one cell per kind and stage, however many units and reports there are.
//
// A rollup cell for unit X holds every per-unit cell whose path passes through X, so covered
// subtrees must not overlap or a report would be counted twice. The caller's reaches are therefore
// regrouped by review_reach value: for each value, the union of the coverages of the reaches that
// read it, reduced to its outermost subtrees (or to '*', the whole department). A cell has one
// review_reach value, so it lands in at most one group, and within a group in at most one subtree.
import { and, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Db } from "../db/client";
import { dashboardStageRollups, dashboardStageTallies, dashboardStageTimes, dashboardTimeRollups } from "../db/schema";
import { ranksFrom, unitOfPath, type Reach } from "../domain/policy";
import { outermostPaths } from "./sessions";
import { coverageSql, RANGES_INLINE } from "./visibility";

/** The histogram's columns, in the order of STAGE_TIME_BINS (dashboard.ts). */
const BIN_COLUMNS = ["h1", "h4", "h8", "h24", "h48", "h72", "h120", "h168", "h336", "h_more"];

// The review chain's ranks, and OTHER for every review_reach value outside them (0 before a first
// submit): only a reach with no minimum (minReach 0) reads those.
const RANKS = ranksFrom(1);
const OTHER = -1;
const reads = (r: Reach, value: number) => r.minReach <= 0 || (value !== OTHER && value >= r.minReach);

/**
 * What a group of reaches covers, without overlaps: everything, or the outermost covered subtrees
 * and the single units (a caller's own unit) that lie outside all of them.
 */
type Cover = { all: true } | { all: false; paths: string[]; units: string[] };
type Group = { cover: Cover; values: number[] };

function coverOf(reaches: Reach[]): Cover {
  if (reaches.some((r) => r.coverage.kind === "all")) return { all: true };
  const paths = outermostPaths(reaches.flatMap((r) => (r.coverage.kind === "paths" ? r.coverage.paths : [])));
  const units = [...new Set(reaches.flatMap((r) => (r.coverage.kind === "unit" ? [r.coverage.unitId] : [])))].sort();
  return { all: false, paths, units };
}

/** The reach values the reaches read, grouped by what they cover at that value. */
function groupsOf(reaches: Reach[]): Group[] {
  const groups = new Map<string, Group>();
  for (const value of [...RANKS, OTHER]) {
    const readers = reaches.filter((r) => reads(r, value));
    if (readers.length === 0) continue;
    const cover = coverOf(readers);
    const key = JSON.stringify(cover);
    const g = groups.get(key) ?? { cover, values: [] };
    g.values.push(value);
    groups.set(key, g);
  }
  return [...groups.values()];
}

const literals = (values: number[]) => sql.raw(values.map((n) => String(Math.trunc(n))).join(", "));

/** The group's reach values on a cell's reach column; with OTHER among them: "none of the ranks left out". */
function onReach(values: number[], reach: SQLWrapper): SQL | undefined {
  if (!values.includes(OTHER)) return sql`${reach} IN (${literals(values)})`;
  const outside = RANKS.filter((v) => !values.includes(v));
  return outside.length ? sql`${reach} NOT IN (${literals(outside)})` : undefined;
}

/**
 * column IN (ids): a few bound parameters, or for a long list (a grant of many separate units)
 * quoted literals, which spend none of D1's 100 parameters and, unlike one JSON parameter through
 * json_each, no rows read either.
 */
function inList(column: SQLWrapper, ids: string[]): SQL {
  if (ids.length <= RANGES_INLINE) return sql`${column} IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`;
  return sql`${column} IN (${sql.raw(ids.map((id) => `'${id.replaceAll("'", "''")}'`).join(", "))})`;
}

type Tables = {
  rollup: { table: SQLWrapper; ancestorId: SQLWrapper; reach: SQLWrapper; schoolYear?: SQLWrapper };
  perUnit: { table: SQLWrapper; unitId: SQLWrapper; unitPath: SQLWrapper; reach: SQLWrapper; schoolYear?: SQLWrapper };
};

/**
 * The cells to sum, as SELECTs of `columns` joined by UNION ALL: one per group over the rollup
 * cells of its subtrees (or '*'), and one over the per-unit cells of single units no subtree holds.
 * At most four groups (minReach is 0, 2, 3 or 4), so at most five SELECTs: D1 refuses a compound
 * SELECT of a dozen. `year` narrows them all to a school year (time in stage).
 */
function cells(reaches: Reach[], t: Tables, columns: SQL, year?: number): SQL {
  // An integer of the code's own making, written as a literal like the reach values.
  const y = year === undefined ? undefined : sql.raw(String(Math.trunc(year)));
  const arms: SQL[] = [];
  const unitTerms: SQL[] = [];
  for (const { cover, values } of groupsOf(reaches)) {
    // A SELECT per group rather than one OR of them: SQLite takes the year, common to every term,
    // out of the OR and seeks it alone, reading every ancestor's cells of the year.
    const onYear = y && t.rollup.schoolYear ? sql`${t.rollup.schoolYear} = ${y}` : undefined;
    const rollup = (ancestors: SQL) => sql`select ${columns} from ${t.rollup.table} where ${and(onYear, ancestors, onReach(values, t.rollup.reach))}`;
    if (cover.all) {
      arms.push(rollup(sql`${t.rollup.ancestorId} = '*'`));
      continue;
    }
    if (cover.paths.length) arms.push(rollup(inList(t.rollup.ancestorId, cover.paths.map(unitOfPath))));
    if (cover.units.length) {
      const inSubtree = cover.paths.length ? coverageSql({ kind: "paths", paths: cover.paths }, t.perUnit) : undefined;
      unitTerms.push(and(inList(t.perUnit.unitId, cover.units), onReach(values, t.perUnit.reach), inSubtree ? sql`NOT ${inSubtree}` : undefined)!);
    }
  }
  if (unitTerms.length) {
    // The year kept off the per-unit table's (year, reach, path) index by a unary plus: that index
    // would read every unit's cells of the year instead of seeking the unit.
    const unitYear = y && t.perUnit.schoolYear ? sql`+${t.perUnit.schoolYear} = ${y}` : undefined;
    arms.push(sql`select ${columns} from ${t.perUnit.table} where ${and(unitYear, or(...unitTerms))}`);
  }
  // Every SELECT seeks the primary key (ancestor or unit, then reach); a cell is summed at most
  // once, since the groups' reach values do not overlap. Lower-case `from "dashboard_…"`, as
  // drizzle writes it: test/dashboard.scale.test.ts tells counter reads from walks by it.
  return arms.length ? sql.join(arms, sql` UNION ALL `) : sql`select ${columns} from ${t.rollup.table} where 0`;
}

/** In review now, by kind and stage, over the cells `reaches` (those that read in-review reports) cover. */
export function stageCounts(db: Db, reaches: Reach[]) {
  const [r, u] = [dashboardStageRollups, dashboardStageTallies];
  const from = cells(
    reaches,
    { rollup: { table: r, ancestorId: r.ancestorId, reach: r.reach }, perUnit: { table: u, unitId: u.unitId, unitPath: u.unitPath, reach: u.reach } },
    sql.raw("kind, stage, n"),
  );
  return db
    .select({ kind: sql<string>`kind`, stage: sql<string>`stage`, n: sql<number>`sum(n)` })
    .from(sql`(${from}) cells`)
    .groupBy(sql`kind`, sql`stage`);
}

/** Decisions in the school year by stage: count, seconds and histogram, over the cells `reaches` cover. */
export function stageTimes(db: Db, reaches: Reach[], schoolYear: number) {
  const [r, u] = [dashboardTimeRollups, dashboardStageTimes];
  const from = cells(
    reaches,
    {
      rollup: { table: r, ancestorId: r.ancestorId, reach: r.reach, schoolYear: r.schoolYear },
      perUnit: { table: u, unitId: u.unitId, unitPath: u.unitPath, reach: u.reach, schoolYear: u.schoolYear },
    },
    sql.raw(["stage", "n", "seconds", ...BIN_COLUMNS].join(", ")),
    schoolYear,
  );
  return db
    .select({
      stage: sql<string>`stage`,
      n: sql<number>`sum(n)`,
      seconds: sql<number>`sum(seconds)`,
      histogram: sql<string>`json_array(${sql.raw(BIN_COLUMNS.map((c) => `sum(${c})`).join(", "))})`,
    })
    .from(sql`(${from}) cells`)
    .groupBy(sql`stage`);
}
