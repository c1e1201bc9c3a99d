// The units side of reporting periods, for the periods pages (DESIGN.md section 11): which units a
// caller may open a period for, and where the caller's own unit stands in the periods they see.
// The rules stay in the policy table; this only asks it.
import { allows, mayDo } from "../domain/policy";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { reportingUnitChoices, unitInPeriods, type ReportingUnitChoice } from "../queries/periods";
import type { ReportStatus } from "../db/schema";
import { coveragesFor, PERIOD_MESSAGES } from "./periods";

export type { ReportingUnitChoice };

/**
 * The active centres and schools the caller may open a period for (what openPeriod accepts as
 * unitIds, and what it takes when none are named). Refused for a caller who may open none.
 */
export async function unitsToOffer(db: D1Database, actor: Actor): Promise<ReportingUnitChoice[]> {
  if (!mayDo(actor, "period.open")) throw new ApiError("forbidden", { detail: PERIOD_MESSAGES.mayNotOpen });
  return reportingUnitChoices(db, coveragesFor(actor, "period.open"));
}

/** The caller's unit in one period: asked to report, with its report there when the caller may read it. */
export type OwnUnitPlace = { report: { id: string; status: ReportStatus } | null; mayCreate: boolean };

/**
 * For each of these periods that asks the caller's own unit to report: the unit's report in it
 * (shown only when the caller may read it: a centre head does not see the unit's draft), and
 * whether the caller may start it (an author, no report yet). Periods not asking the unit are absent.
 */
export async function ownUnitInPeriods(db: D1Database, actor: Actor, periodIds: readonly string[]): Promise<Map<string, OwnUnitPlace>> {
  const out = new Map<string, OwnUnitPlace>();
  if (!mayDo(actor, "period.read")) return out;
  const mayCreate = mayDo(actor, "report.create");
  for (const row of await unitInPeriods(db, actor.unitId, periodIds)) {
    const r = row.report;
    const readable = r !== null && allows(actor, "report.read", { unitId: actor.unitId, unitPath: r.unitPath, status: r.status, reviewReach: r.reviewReach });
    out.set(row.periodId, { report: readable ? { id: r.id, status: r.status } : null, mayCreate: mayCreate && r === null });
  }
  return out;
}
