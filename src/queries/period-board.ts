// The period board in D1 (DESIGN.md section 11): the period and, for each unit it expects a report
// from, the unit's name and place and its report in the period, if any. ONE statement: the period
// row by its key, its period_units rows by the primary key's (period_id, unit_id) prefix, each
// report through reports_period_unit_idx (one report per unit and period) and, for a unit with no
// report yet, the unit by its key. It reads O(units of the period) rows, however many reports and
// periods there are.
import type { ReportStatus } from "../db/schema";
import { periodFromRaw, type PeriodRaw, type PeriodRow } from "./periods";

/** A unit the period expects, with its report in the period (null fields: none yet). */
export type BoardUnitRow = {
  unitId: string;
  unitName: string;
  unitPath: string;
  reportId: string | null;
  status: ReportStatus | null;
  stage: string | null;
  submittedAt: string | null;
  reviewReach: number | null;
};

type Raw = PeriodRaw & {
  unit_id: string | null;
  unit_name: string | null;
  unit_path: string | null;
  report_id: string | null;
  report_status: ReportStatus | null;
  stage: string | null;
  submitted_at: string | null;
  review_reach: number | null;
};

// The period's columns repeat on every row: a few short strings per unit, cheaper than a second
// statement. `r.period_id = p.id` (not pu.period_id) lets SQLite see the report's period_id is
// not null, which the partial unique index requires before it may be used. A unit with a report
// takes its name and path from the report's copies (kept by triggers, renames included); only a
// unit with no report is looked up in units, and a CASE runs that subquery for those rows alone
// (a LEFT JOIN of units would seek every unit). Three rows per unit at most, whatever its state.
const BOARD_SQL = `
SELECT p.id, p.title, p.indicator_set_id, p.opens_at, p.due_at, p.status, p.opened_by, p.opened_by_name,
       p.created_at, p.closed_at, p.closed_by, p.unit_count,
       pu.unit_id,
       CASE WHEN r.id IS NULL THEN (SELECT name FROM units WHERE id = pu.unit_id) ELSE r.unit_name END AS unit_name,
       CASE WHEN r.id IS NULL THEN (SELECT path FROM units WHERE id = pu.unit_id) ELSE r.unit_path END AS unit_path,
       r.id AS report_id, r.status AS report_status, r.stage, r.submitted_at, r.review_reach
FROM periods p
LEFT JOIN period_units pu ON pu.period_id = p.id
LEFT JOIN reports r ON r.period_id = p.id AND r.unit_id = pu.unit_id
WHERE p.id = ?`;

/** The period and every unit it expects with its report there; undefined when there is no such period. */
export async function periodBoardRows(d1: D1Database, periodId: string): Promise<{ period: PeriodRow; units: BoardUnitRow[] } | undefined> {
  const { results } = await d1.prepare(BOARD_SQL).bind(periodId).all<Raw>();
  const first = results[0];
  if (!first) return undefined;
  const period = periodFromRaw(first);
  const units: BoardUnitRow[] = [];
  for (const r of results) {
    // A period with no units yet still comes back as one row (LEFT JOIN), with no unit in it.
    if (r.unit_id === null) continue;
    units.push({
      unitId: r.unit_id,
      unitName: r.unit_name ?? "",
      unitPath: r.unit_path ?? "",
      reportId: r.report_id,
      status: r.report_status,
      stage: r.stage,
      submittedAt: r.submitted_at,
      reviewReach: r.review_reach,
    });
  }
  return { period, units };
}
