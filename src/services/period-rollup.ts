// A period's roll-up and its export (DESIGN.md section 11), for the JSON API and the web page alike.
//
// Who: period.monitor in the policy table, as for the board: the department's specialists, deputy
// heads and directors over the units they cover, an admin over all. A reviewer who covers only
// some of the period's units gets the roll-up and the export of those units: the sums, the rate,
// min and max, the expected count and the rows are all theirs, and nothing of the other units
// shows through. A caller who may not read the period gets 404 (it is not shown to exist); one who
// reads it (a unit asked to report, an opener whose grant has moved) but monitors none of its
// units gets 403.
import { INDICATOR_SETS, type IndicatorRegistry, type IndicatorSet } from "../../indicators";
import type { UnitPlace } from "../domain/policy";
import { exportTable, rollUp, unitStateOf, type ExportTable, type Rollup } from "../domain/rollup";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { approvedReportsOf, expectedUnitsOf } from "../queries/period-rollup";
import { getPeriod, periodUnitPlaces, type PeriodRow } from "../queries/periods";
import { coveragesFor, coveredBy, PERIOD_MESSAGES, readPeriod } from "./periods";
import { setOf } from "./period-reports";

export const ROLLUP_MESSAGES = {
  mayNotMonitor: "Chỉ chuyên viên, lãnh đạo phòng phụ trách các đơn vị của kỳ hoặc quản trị viên được xem tổng hợp số liệu của kỳ báo cáo",
} as const;

/**
 * The period and the part of it the caller monitors, or the refusal. Every period.monitor rule has
 * a period.read rule of the same role and scope (a test pins it), so a caller who monitors a unit
 * of the period reads the period; only a refusal needs the read rule, to choose 404 or 403.
 */
async function monitored<P extends UnitPlace>(db: D1Database, actor: Actor, id: string, placesOf: () => Promise<P[]>) {
  const period = await getPeriod(db, id);
  if (!period) throw new ApiError("not_found", { detail: PERIOD_MESSAGES.notFound });
  const coverages = coveragesFor(actor, "period.monitor");
  const places = coverages?.length === 0 ? [] : await placesOf();
  const mine = places.filter((p) => coveredBy(coverages, p));
  if (mine.length === 0) {
    await readPeriod(db, actor, id); // 404 for a caller who may not read it
    throw new ApiError("forbidden", { detail: ROLLUP_MESSAGES.mayNotMonitor });
  }
  return { period, coverages, mine };
}

export type PeriodRollup = {
  period: PeriodRow;
  set: IndicatorSet;
  /** The units of the period the caller monitors (all of them for an admin). */
  unitsExpected: number;
  rollup: Rollup;
};

/** The roll-up over the approved reports of the units the caller monitors. */
export async function periodRollup(db: D1Database, actor: Actor, id: string, registry: IndicatorRegistry = INDICATOR_SETS): Promise<PeriodRollup> {
  const { period, coverages, mine } = await monitored(db, actor, id, () => periodUnitPlaces(db, id));
  const set = setOf(period, registry);
  const reports = (await approvedReportsOf(db, id)).filter((r) => coveredBy(coverages, r));
  return { period, set, unitsExpected: mine.length, rollup: rollUp(set, reports) };
}

export type PeriodExport = PeriodRollup & { table: ExportTable };

/** The export's table: one row per unit the caller monitors, in name order, then the totals. */
export async function periodExport(db: D1Database, actor: Actor, id: string, registry: IndicatorRegistry = INDICATOR_SETS): Promise<PeriodExport> {
  const { period, mine } = await monitored(db, actor, id, () => expectedUnitsOf(db, id));
  const set = setOf(period, registry);
  const approved = mine.filter((u) => unitStateOf(u.status) === "approved");
  const rollup = rollUp(set, approved);
  return { period, set, unitsExpected: mine.length, rollup, table: exportTable(set, mine, rollup) };
}
