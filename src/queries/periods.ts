// Reporting periods in D1 (DESIGN.md section 11): a period row and one period_units row per unit
// expected to report. Lists of units always travel as ONE JSON parameter (D1 binds at most 100).
import { and, asc, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import { database } from "../db/client";
import { periods, units, type UnitType } from "../db/schema";
import type { Coverage } from "../domain/policy";
import { inJsonArray } from "./json-list";
import { coverageSql } from "./visibility";
import { alias } from "drizzle-orm/sqlite-core";
import type { ReportStatus } from "../db/schema";

export type PeriodRow = typeof periods.$inferSelect;
export type PeriodListRow = PeriodRow & { unitCount: number };

/** The unit types a period asks reports of. */
export const REPORTING_UNIT_TYPES = ["centre", "school"] as const satisfies readonly UnitType[];

/** A period row as raw D1 statements return it (`SELECT p.*`). */
export type PeriodRaw = {
  id: string;
  title: string;
  indicator_set_id: string;
  opens_at: string;
  due_at: string;
  status: "open" | "closed";
  opened_by: string;
  opened_by_name: string;
  created_at: string;
  closed_at: string | null;
  closed_by: string | null;
  unit_count: number;
};

export const periodFromRaw = (r: PeriodRaw): PeriodRow => ({
  id: r.id,
  title: r.title,
  indicatorSetId: r.indicator_set_id,
  opensAt: r.opens_at,
  dueAt: r.due_at,
  status: r.status,
  openedBy: r.opened_by,
  openedByName: r.opened_by_name,
  createdAt: r.created_at,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
  unitCount: Number(r.unit_count),
});

/** The units named by `ids` that exist, with what opening a period checks of them. */
export async function unitsByIds(d1: D1Database, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return database(d1)
    .select({ id: units.id, path: units.path, type: units.type, active: units.active })
    .from(units)
    .where(inJsonArray(units.id, ids))
    .all();
}

/**
 * Every active centre and school under one of these coverages (null: every one), in name order.
 * Coverage goes as path ranges (src/queries/visibility.ts), never a parameter per unit.
 */
export async function activeReportingUnits(d1: D1Database, coverages: readonly Coverage[] | null): Promise<string[]> {
  const types = sql.raw(REPORTING_UNIT_TYPES.map((t) => `'${t}'`).join(", "));
  const covered = coverages === null ? undefined : or(...coverages.map((c) => coverageSql(c, { unitId: units.id, unitPath: units.path }) ?? sql`1 = 1`)) ?? sql`0`;
  const rows = await database(d1)
    .select({ id: units.id })
    .from(units)
    .where(and(eq(units.active, true), sql`${units.type} IN (${types})`, covered))
    .orderBy(asc(units.name), asc(units.id))
    .all();
  return rows.map((r) => r.id);
}

/** The period and its units, written in ONE batch: both or neither. */
export async function insertPeriod(d1: D1Database, row: PeriodRow, unitIds: readonly string[]): Promise<void> {
  await d1.batch([
    d1
      .prepare(
        `INSERT INTO periods (id, title, indicator_set_id, opens_at, due_at, status, opened_by, opened_by_name, created_at, closed_at, closed_by, unit_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(row.id, row.title, row.indicatorSetId, row.opensAt, row.dueAt, row.status, row.openedBy, row.openedByName, row.createdAt, row.closedAt, row.closedBy, unitIds.length),
    d1.prepare("INSERT INTO period_units (period_id, unit_id) SELECT ?, value FROM json_each(?)").bind(row.id, JSON.stringify(unitIds)),
  ]);
}

export async function getPeriod(d1: D1Database, id: string): Promise<PeriodRow | undefined> {
  return database(d1).select().from(periods).where(eq(periods.id, id)).get();
}

/** A period's units with their place in the tree (for coverage), in unit id order. */
export async function periodUnitPlaces(d1: D1Database, periodId: string): Promise<{ unitId: string; unitPath: string }[]> {
  const res = await d1
    .prepare("SELECT pu.unit_id AS unitId, u.path AS unitPath FROM period_units pu JOIN units u ON u.id = pu.unit_id WHERE pu.period_id = ? ORDER BY pu.unit_id")
    .bind(periodId)
    .all<{ unitId: string; unitPath: string }>();
  return res.results;
}

/**
 * A page of periods, newest first by (created_at, id). `seen`: null for every period, else the
 * periods with a unit under one of these coverages, or opened by `openedBy`.
 */
export async function listPeriods(
  d1: D1Database,
  f: { seen: { coverages: readonly Coverage[]; openedBy: string } | null; status?: PeriodRow["status"]; after?: [string, string]; limit: number },
): Promise<PeriodListRow[]> {
  let visible: SQL | undefined;
  if (f.seen) {
    const cols = { unitId: sql`pu.unit_id`, unitPath: sql`u.path` };
    const covered = f.seen.coverages.length ? or(...f.seen.coverages.map((c) => coverageSql(c, cols) ?? sql`1 = 1`)) : undefined;
    visible = or(
      eq(periods.openedBy, f.seen.openedBy),
      covered ? sql`EXISTS (SELECT 1 FROM period_units pu JOIN units u ON u.id = pu.unit_id WHERE pu.period_id = ${periods.id} AND (${covered}))` : undefined,
    );
  }
  const where = [
    visible,
    f.status ? eq(periods.status, f.status) : undefined,
    f.after ? or(lt(periods.createdAt, f.after[0]), and(eq(periods.createdAt, f.after[0]), lt(periods.id, f.after[1]))) : undefined,
  ];
  return database(d1)
    .select({
      id: periods.id,
      title: periods.title,
      indicatorSetId: periods.indicatorSetId,
      opensAt: periods.opensAt,
      dueAt: periods.dueAt,
      status: periods.status,
      openedBy: periods.openedBy,
      openedByName: periods.openedByName,
      createdAt: periods.createdAt,
      closedAt: periods.closedAt,
      closedBy: periods.closedBy,
      unitCount: periods.unitCount,
    })
    .from(periods)
    .where(and(...where))
    .orderBy(desc(periods.createdAt), desc(periods.id))
    .limit(f.limit + 1)
    .all();
}

/** Closes an open period; undefined when it was not open (already closed, or gone). One closer wins. */
export async function closePeriod(d1: D1Database, id: string, by: string, at: string): Promise<PeriodRow | undefined> {
  const rows = await database(d1)
    .update(periods)
    .set({ status: "closed", closedAt: at, closedBy: by })
    .where(and(eq(periods.id, id), eq(periods.status, "open")))
    .returning()
    .all();
  return rows[0];
}

/** A unit a period may be opened for, with its parent's name (the form groups units by it). */
export type ReportingUnitChoice = {
  id: string;
  name: string;
  type: UnitType;
  parentId: string | null;
  parentName: string | null;
  /** Whether an active user holds the unit's centre_head role: a periodic report's first stage, without whom it cannot be submitted. */
  hasHead: boolean;
};

/**
 * The active centres and schools under these coverages (null: every one), with their parents'
 * names, by parent name then unit name: the units the form to open a period offers. The same
 * choice as activeReportingUnits, which openPeriod uses when no units are named.
 */
export async function reportingUnitChoices(d1: D1Database, coverages: readonly Coverage[] | null): Promise<ReportingUnitChoice[]> {
  const parent = alias(units, "parent");
  const types = sql.raw(REPORTING_UNIT_TYPES.map((t) => `'${t}'`).join(", "));
  const covered = coverages === null ? undefined : or(...coverages.map((c) => coverageSql(c, { unitId: units.id, unitPath: units.path }) ?? sql`1 = 1`)) ?? sql`0`;
  return database(d1)
    .select({
      id: units.id,
      name: units.name,
      type: units.type,
      parentId: units.parentId,
      parentName: parent.name,
      hasHead: sql<boolean>`EXISTS (SELECT 1 FROM users h JOIN role_grants g ON g.user_id = h.id AND g.role = 'centre_head' WHERE h.unit_id = ${units.id} AND h.active = 1)`.mapWith(Boolean),
    })
    .from(units)
    .leftJoin(parent, eq(parent.id, units.parentId))
    .where(and(eq(units.active, true), sql`${units.type} IN (${types})`, covered))
    .orderBy(asc(parent.name), asc(units.name), asc(units.id))
    .all();
}

/** One unit's place in each of these periods: whether it is asked to report, and its report there if any. */
export type UnitInPeriod = { periodId: string; report: { id: string; status: ReportStatus; unitPath: string; reviewReach: number } | null };

/**
 * For each of `periodIds` that asks `unitId` to report: the unit's report in it (the one a
 * unique index allows), or null. Periods that do not ask the unit are left out. The ids travel
 * as ONE JSON parameter.
 */
export async function unitInPeriods(d1: D1Database, unitId: string, periodIds: readonly string[]): Promise<UnitInPeriod[]> {
  if (periodIds.length === 0) return [];
  const res = await d1
    .prepare(
      `SELECT pu.period_id AS periodId, r.id AS reportId, r.status AS status, r.unit_path AS unitPath, r.review_reach AS reviewReach
       FROM period_units pu LEFT JOIN reports r ON r.period_id = pu.period_id AND r.unit_id = pu.unit_id
       WHERE pu.unit_id = ? AND pu.period_id IN (SELECT value FROM json_each(?))`,
    )
    .bind(unitId, JSON.stringify(periodIds))
    .all<{ periodId: string; reportId: string | null; status: ReportStatus | null; unitPath: string | null; reviewReach: number | null }>();
  return res.results.map((r) => ({
    periodId: r.periodId,
    report: r.reportId && r.status ? { id: r.reportId, status: r.status, unitPath: r.unitPath ?? "", reviewReach: r.reviewReach ?? 0 } : null,
  }));
}
