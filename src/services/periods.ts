// Reporting periods (DESIGN.md section 11): who may open, read and close one, and what opening
// checks. The routes (src/routes/periods/) only parse and answer; the rules are here and in the
// policy table (period.open, period.read, period.close in src/domain/policy.ts).
import { INDICATOR_SETS, type IndicatorRegistry } from "../../indicators";
import { newId, nowIso } from "../domain/ids";
import { covers, mayDo, reachFor, type Coverage, type UnitPlace } from "../domain/policy";
import { ApiError, type FieldError } from "../errors";
import type { Actor } from "../env";
import {
  activeReportingUnits,
  closePeriod,
  getPeriod,
  insertPeriod,
  listPeriods,
  periodUnitPlaces,
  REPORTING_UNIT_TYPES,
  unitsByIds,
  type PeriodListRow,
  type PeriodRow,
} from "../queries/periods";
import { startPeriodReminders } from "../reminders/start";

export const PERIOD_MESSAGES = {
  mayNotOpen: "Chỉ chuyên viên, trưởng phòng (cho các đơn vị mình phụ trách) hoặc quản trị viên được mở kỳ báo cáo",
  mayNotClose: "Chỉ chuyên viên, trưởng phòng phụ trách mọi đơn vị của kỳ hoặc quản trị viên được đóng kỳ báo cáo",
  unknownSet: "Không có bộ chỉ tiêu này",
  unknownUnit: "Không có đơn vị này",
  notReporting: "Chỉ trung tâm và trường đang hoạt động được đưa vào kỳ báo cáo",
  notCovered: "Đơn vị này không thuộc phạm vi bạn phụ trách",
  noUnits: "Không có trung tâm hay trường đang hoạt động nào trong phạm vi bạn phụ trách",
  notFound: "Không tìm thấy kỳ báo cáo",
} as const;

/** A period as the API shows it; unitIds only when one period is read. */
export type PeriodView = {
  id: string;
  title: string;
  indicatorSetId: string;
  unitIds?: string[];
  unitCount: number;
  opensAt: string;
  dueAt: string;
  status: "open" | "closed";
  openedBy: { id: string; name: string };
  createdAt: string;
  closedAt: string | null;
  closedBy: string | null;
};

export const view = (p: PeriodRow, unitCount: number, unitIds?: string[]): PeriodView => ({
  id: p.id,
  title: p.title,
  indicatorSetId: p.indicatorSetId,
  ...(unitIds ? { unitIds } : {}),
  unitCount,
  opensAt: p.opensAt,
  dueAt: p.dueAt,
  status: p.status,
  openedBy: { id: p.openedBy, name: p.openedByName },
  createdAt: p.createdAt,
  closedAt: p.closedAt,
  closedBy: p.closedBy,
});

/** The coverages of an action for the caller: null when one of them is everything. */
export function coveragesFor(actor: Actor, action: "period.open" | "period.read" | "period.close" | "period.monitor"): Coverage[] | null {
  const coverages = reachFor(actor, action).map((r) => r.coverage);
  return coverages.some((c) => c.kind === "all") ? null : coverages;
}

/** Whether a unit is under one of these coverages (null: everything). */
export const coveredBy = (coverages: Coverage[] | null, place: UnitPlace) => coverages === null || coverages.some((c) => covers(c, place));

export type OpenPeriodInput = { title: string; indicatorSetId: string; unitIds?: string[]; opensAt: string; dueAt: string };

/**
 * Opens a period. Refused before anything is read for a caller who may open none; then the
 * indicator set (422), the units (unknown or not an active centre or school: 422; not covered:
 * 403), each problem naming the field; nothing is written unless all pass.
 */
export async function openPeriod(db: D1Database, actor: Actor, input: OpenPeriodInput, registry: IndicatorRegistry = INDICATOR_SETS): Promise<PeriodView> {
  if (!mayDo(actor, "period.open")) throw new ApiError("forbidden", { detail: PERIOD_MESSAGES.mayNotOpen });
  if (!registry.get(input.indicatorSetId)) {
    throw new ApiError("validation_failed", { errors: [{ path: "indicatorSetId", in: "json", message: PERIOD_MESSAGES.unknownSet }] });
  }
  const coverages = coveragesFor(actor, "period.open");
  let unitIds: string[];
  if (input.unitIds) {
    unitIds = input.unitIds;
    const found = new Map((await unitsByIds(db, unitIds)).map((u) => [u.id, u]));
    const invalid: FieldError[] = [];
    const uncovered: FieldError[] = [];
    unitIds.forEach((id, i) => {
      const u = found.get(id);
      const path = `unitIds.${i}`;
      if (!u) invalid.push({ path, in: "json", message: PERIOD_MESSAGES.unknownUnit });
      else if (!coveredBy(coverages, { unitId: u.id, unitPath: u.path })) uncovered.push({ path, in: "json", message: PERIOD_MESSAGES.notCovered });
      else if (!u.active || !(REPORTING_UNIT_TYPES as readonly string[]).includes(u.type)) invalid.push({ path, in: "json", message: PERIOD_MESSAGES.notReporting });
    });
    // Not covered first: a caller is not told which of someone else's units are inactive.
    if (uncovered.length) throw new ApiError("forbidden", { detail: PERIOD_MESSAGES.notCovered, errors: uncovered });
    if (invalid.length) throw new ApiError("validation_failed", { errors: invalid });
  } else {
    unitIds = await activeReportingUnits(db, coverages);
    if (unitIds.length === 0) throw new ApiError("validation_failed", { errors: [{ path: "unitIds", in: "json", message: PERIOD_MESSAGES.noUnits }] });
  }
  const row: PeriodRow = {
    id: newId(),
    title: input.title,
    indicatorSetId: input.indicatorSetId,
    opensAt: input.opensAt,
    dueAt: input.dueAt,
    status: "open",
    openedBy: actor.id,
    openedByName: actor.name,
    createdAt: nowIso(),
    closedAt: null,
    closedBy: null,
    unitCount: unitIds.length,
  };
  await insertPeriod(db, row, unitIds);
  // After the D1 write, never instead of it: a timer that fails to start is logged and started by the hourly sweep.
  await startPeriodReminders(row.id);
  return view(row, unitIds.length, [...unitIds].sort());
}

/** Who reads a period: its opener, and a period.read holder covering one of its units. */
export function mayRead(actor: Actor, period: PeriodRow, places: UnitPlace[]): boolean {
  if (period.openedBy === actor.id) return true;
  const coverages = coveragesFor(actor, "period.read");
  if (coverages === null) return true;
  return coverages.length > 0 && places.some((p) => coveredBy(coverages, p));
}

/** A period the caller may read with its units' places, or 404 (a period out of reach is not shown to exist). */
async function readable(db: D1Database, actor: Actor, id: string) {
  const period = await getPeriod(db, id);
  if (!period) throw new ApiError("not_found", { detail: PERIOD_MESSAGES.notFound });
  const places = await periodUnitPlaces(db, id);
  if (!mayRead(actor, period, places)) throw new ApiError("not_found", { detail: PERIOD_MESSAGES.notFound });
  return { period, places };
}

export async function readPeriod(db: D1Database, actor: Actor, id: string): Promise<PeriodView> {
  const { period, places } = await readable(db, actor, id);
  return view(period, places.length, places.map((p) => p.unitId));
}

/** A page of the periods the caller may read, newest first. */
export async function periodsFor(
  db: D1Database,
  actor: Actor,
  f: { status?: "open" | "closed"; after?: [string, string]; limit: number },
): Promise<PeriodView[]> {
  const coverages = coveragesFor(actor, "period.read");
  const rows: PeriodListRow[] = await listPeriods(db, { ...f, seen: coverages === null ? null : { coverages, openedBy: actor.id } });
  return rows.map((r) => view(r, r.unitCount));
}

/**
 * Closes a period: an admin, or a specialist or director covering every unit of the period.
 * Closing a closed period changes nothing and answers 200 with the period as it is (the first
 * close's time and closer stay). A closed period takes no new reports; reports in it carry on.
 */
export async function closePeriodAs(db: D1Database, actor: Actor, id: string): Promise<PeriodView> {
  const { period, places } = await readable(db, actor, id);
  const coverages = coveragesFor(actor, "period.close");
  const allowed = coverages === null || (coverages.length > 0 && places.every((p) => coveredBy(coverages, p)));
  if (!allowed) throw new ApiError("forbidden", { detail: PERIOD_MESSAGES.mayNotClose });
  if (period.status === "closed") return view(period, places.length, places.map((p) => p.unitId));
  const closed = (await closePeriod(db, id, actor.id, nowIso())) ?? (await getPeriod(db, id));
  if (!closed) throw new ApiError("not_found", { detail: PERIOD_MESSAGES.notFound });
  return view(closed, places.length, places.map((p) => p.unitId));
}

/** Does the period take new reports? Only while open (reports already in a closed period carry on). */
export const periodTakesReports = (period: Pick<PeriodRow, "status">) => period.status === "open";
