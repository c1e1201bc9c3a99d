// What a period's roll-up and export read (DESIGN.md sections 11 and 15): the period's own reports
// found through reports_period_unit_idx (period_id, unit_id), never a walk of `reports`, so the
// rows read follow the units of the period whatever other periods hold.
import type { ReportStatus } from "../db/schema";
import { APPROVED_STATUSES } from "../domain/rollup";

const APPROVED = APPROVED_STATUSES.map((s) => `'${s}'`).join(", ");

/** JSON text from D1 -> a value (a figures column that is not JSON counts as no figures). */
function parsed(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export type ApprovedReportRow = { unitId: string; unitName: string; unitPath: string; figures: unknown };

/** The period's approved reports (approved, scheduled or published), with their unit's name and place. */
export async function approvedReportsOf(d1: D1Database, periodId: string): Promise<ApprovedReportRow[]> {
  const { results } = await d1
    .prepare(`SELECT unit_id, unit_name, unit_path, figures FROM reports WHERE period_id = ? AND status IN (${APPROVED})`)
    .bind(periodId)
    .all<{ unit_id: string; unit_name: string; unit_path: string; figures: string | null }>();
  return results.map((r) => ({ unitId: r.unit_id, unitName: r.unit_name, unitPath: r.unit_path, figures: parsed(r.figures) }));
}

export type ExpectedUnitRow = {
  unitId: string;
  unitName: string;
  unitPath: string;
  status: ReportStatus | null;
  submittedAt: string | null;
  figures: unknown;
};

/**
 * Every unit the period expects, in name order, with its report in the period if it has one: a
 * seek into period_units, the unit by its key, the report by (period_id, unit_id).
 */
export async function expectedUnitsOf(d1: D1Database, periodId: string): Promise<ExpectedUnitRow[]> {
  const { results } = await d1
    .prepare(
      `SELECT pu.unit_id, u.name AS unit_name, u.path AS unit_path, r.status, r.submitted_at, r.figures
       FROM period_units pu
       JOIN units u ON u.id = pu.unit_id
       LEFT JOIN reports r ON r.period_id = pu.period_id AND r.unit_id = pu.unit_id
       WHERE pu.period_id = ?
       ORDER BY u.name, u.id`,
    )
    .bind(periodId)
    .all<{ unit_id: string; unit_name: string; unit_path: string; status: ReportStatus | null; submitted_at: string | null; figures: string | null }>();
  return results.map((r) => ({
    unitId: r.unit_id,
    unitName: r.unit_name,
    unitPath: r.unit_path,
    status: r.status,
    submittedAt: r.submitted_at,
    figures: parsed(r.figures),
  }));
}
