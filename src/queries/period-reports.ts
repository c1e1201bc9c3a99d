// A periodic report's place in its period (DESIGN.md section 11): whether its unit may report in
// the period, whether it already has, and the unit's approved figures of the previous period of
// the same indicator set. Each look-up is one D1 round trip and a few index seeks.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { APPROVED_STATUSES } from "../domain/rollup";
import { periodFromRaw, type PeriodRaw, type PeriodRow } from "./periods";

const APPROVED = `(${APPROVED_STATUSES.map((st) => `'${st}'`).join(", ")})`;

export type PeriodPlace = {
  period: PeriodRow | null;
  /** The unit is one the period expects a report from. */
  expected: boolean;
  /** The unit's report already in the period, if any. */
  existing: { id: string; title: string; status: string } | null;
};

/** The period, whether it expects `unitId`, and the unit's report already in it. */
export async function periodPlace(d1: D1Database, periodId: string, unitId: string): Promise<PeriodPlace> {
  const [period, expected, existing] = await d1.batch([
    d1.prepare("SELECT * FROM periods WHERE id = ?").bind(periodId),
    d1.prepare("SELECT 1 AS yes FROM period_units WHERE period_id = ? AND unit_id = ?").bind(periodId, unitId),
    d1.prepare("SELECT id, title, status FROM reports WHERE period_id = ? AND unit_id = ?").bind(periodId, unitId),
  ]);
  const p = (period?.results as PeriodRaw[] | undefined)?.[0];
  return {
    period: p ? periodFromRaw(p) : null,
    expected: (expected?.results.length ?? 0) > 0,
    existing: ((existing?.results as { id: string; title: string; status: string }[] | undefined) ?? [])[0] ?? null,
  };
}

/** What the previous-period checks of one report need: its period's set and the unit's approved figures of the period before. */
export type PreviousFigures = { indicatorSetId: string; previousPeriodId: string | null; previousTitle: string | null; previous: Record<string, unknown> | null };

// The period of the same set opened last before `cur` among those that expected `unit` (a walk of
// the unit's periods down period_units_unit_idx: periods may be opened per district, and a unit's
// previous period is the last one it was asked to report in), and `unit`'s report there if it was
// approved (reports_period_unit_idx).
const PREVIOUS_JOINS = `
       LEFT JOIN periods prev_period ON prev_period.id = (
         SELECT p.id FROM period_units pu JOIN periods p ON p.id = pu.period_id
         WHERE pu.unit_id = unit AND p.indicator_set_id = cur.indicator_set_id
           AND (p.opens_at < cur.opens_at OR (p.opens_at = cur.opens_at AND p.id < cur.id))
         ORDER BY p.opens_at DESC, p.id DESC LIMIT 1)
       LEFT JOIN reports prev ON prev.period_id = prev_period.id AND prev.unit_id = unit AND prev.status IN ${APPROVED}`;
const PREVIOUS_COLUMNS = "cur.indicator_set_id AS set_id, prev_period.id AS prev_id, prev_period.title AS prev_title, prev.figures AS prev_figures";

/** The previous-period figures of a report in a period (no row for a report in no period), as a drizzle query so that submit can batch it. */
export function previousFiguresQuery(db: Db, reportId: string) {
  return db
    .select({
      set_id: sql<string>`cur.indicator_set_id`,
      prev_id: sql<string | null>`prev_period.id`,
      prev_title: sql<string | null>`prev_period.title`,
      prev_figures: sql<string | null>`prev.figures`,
    })
    .from(sql`(SELECT period_id, unit_id AS unit FROM reports WHERE id = ${reportId}) me JOIN periods cur ON cur.id = me.period_id ${sql.raw(PREVIOUS_JOINS)}`);
}

function previousFiguresStatement(d1: Pick<D1Database, "prepare">, reportId: string): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${PREVIOUS_COLUMNS}
       FROM (SELECT period_id, unit_id AS unit FROM reports WHERE id = ?) me
       JOIN periods cur ON cur.id = me.period_id ${PREVIOUS_JOINS}`,
    )
    .bind(reportId);
}

/** The same for a unit about to report in a period (the form shows the previous values beside the fields). */
function previousFiguresForUnitStatement(d1: Pick<D1Database, "prepare">, periodId: string, unitId: string): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT ${PREVIOUS_COLUMNS}
       FROM (SELECT ? AS period_id, ? AS unit) me
       JOIN periods cur ON cur.id = me.period_id ${PREVIOUS_JOINS}`,
    )
    .bind(periodId, unitId);
}

export type PreviousRaw = { set_id: string; prev_id: string | null; prev_title: string | null; prev_figures: string | null };

/** Reads the rows of a previous-figures query; null when the report is in no period. */
export function previousFiguresFrom(rows: readonly PreviousRaw[] | undefined): PreviousFigures | null {
  const row = rows?.[0];
  if (!row) return null;
  return {
    indicatorSetId: row.set_id,
    previousPeriodId: row.prev_id,
    previousTitle: row.prev_title,
    previous: row.prev_figures ? (JSON.parse(row.prev_figures) as Record<string, unknown>) : null,
  };
}

export async function previousFiguresOf(d1: D1Database, reportId: string): Promise<PreviousFigures | null> {
  return previousFiguresFrom((await previousFiguresStatement(d1, reportId).all<PreviousRaw>()).results);
}

export async function previousFiguresForUnit(d1: D1Database, periodId: string, unitId: string): Promise<PreviousFigures | null> {
  return previousFiguresFrom((await previousFiguresForUnitStatement(d1, periodId, unitId).all<PreviousRaw>()).results);
}
