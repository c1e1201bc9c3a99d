// The rules of a report in a reporting period (DESIGN.md section 11), shared by the JSON API and
// the web pages: every periodic report belongs to a period that expects its unit, one per unit
// and period; its figures and notes are checked against the period's indicator set on every save;
// warnings against the unit's approved figures of the previous period must be explained at submit.
import { INDICATOR_SETS, type IndicatorRegistry, type IndicatorSet } from "../../indicators";
import { changeChecks, checkFigures, checkNotes, unexplainedErrors, type FigureCheck, type FigureError } from "../domain/indicators";
import { ApiError, type FieldError } from "../errors";
import { periodPlace, previousFiguresForUnit, previousFiguresOf, type PreviousFigures } from "../queries/period-reports";
import { getPeriod, type PeriodRow } from "../queries/periods";

export const PERIOD_REPORT_MESSAGES = {
  periodRequired: "Báo cáo định kỳ phải thuộc một kỳ báo cáo (periodId)",
  periodOnlyPeriodic: "Chỉ báo cáo định kỳ mới thuộc kỳ báo cáo",
  unknownPeriod: "Không có kỳ báo cáo này",
  notExpected: "Đơn vị của bạn không thuộc danh sách đơn vị của kỳ báo cáo này",
  closed: "Kỳ báo cáo đã đóng, không nhận báo cáo mới",
  notesOnlyPeriodic: "Chỉ báo cáo định kỳ mới có giải trình số liệu",
} as const;

const json = (errors: readonly FigureError[]): FieldError[] => errors.map((e) => ({ ...e, in: "json" }));

/** The indicator set a period asks for; a period whose set is gone from the code is our fault, not the caller's. */
export function setOf(period: Pick<PeriodRow, "indicatorSetId">, registry: IndicatorRegistry = INDICATOR_SETS): IndicatorSet {
  const set = registry.get(period.indicatorSetId);
  if (!set) throw new ApiError("internal", { detail: `Bộ chỉ tiêu "${period.indicatorSetId}" không còn được định nghĩa` });
  return set;
}

/**
 * The period a new periodic report of `unitId` goes into: it exists (422 naming periodId), expects
 * the unit (422), is open (409), and holds no report of the unit yet (409 naming that report).
 */
export async function periodForNewReport(d1: D1Database, periodId: string, unitId: string): Promise<PeriodRow> {
  const place = await periodPlace(d1, periodId, unitId);
  if (!place.period) throw new ApiError("validation_failed", { errors: [{ path: "periodId", in: "json", message: PERIOD_REPORT_MESSAGES.unknownPeriod }] });
  if (!place.expected) throw new ApiError("validation_failed", { errors: [{ path: "periodId", in: "json", message: PERIOD_REPORT_MESSAGES.notExpected }] });
  if (place.existing) throw duplicateReport(place.period, place.existing);
  if (place.period.status !== "open") throw new ApiError("conflict", { detail: PERIOD_REPORT_MESSAGES.closed, extra: { periodStatus: place.period.status } });
  return place.period;
}

/** The 409 for a second report of a unit in a period: it names the report already there. */
export function duplicateReport(period: Pick<PeriodRow, "title">, existing: { id: string; title: string; status: string }): ApiError {
  return new ApiError("conflict", {
    detail: `Đơn vị đã có báo cáo trong kỳ “${period.title}”: “${existing.title}”. Hãy sửa báo cáo đó thay vì tạo báo cáo mới.`,
    extra: { existingReport: { id: existing.id, title: existing.title, status: existing.status, url: `/api/v1/reports/${existing.id}` } },
  });
}

/** Figures and notes checked against the set: the cleaned values, or a 422 naming every bad `figures.<id>` / `figureNotes.<id>`. */
export function checkedFigures(set: IndicatorSet, figures: unknown, notes: unknown): { figures: Record<string, number>; figureNotes: Record<string, string> | null } {
  const f = checkFigures(set, figures);
  const n = checkNotes(set, notes);
  const errors = [...("errors" in f ? f.errors : []), ...("errors" in n ? n.errors : [])];
  if (errors.length > 0 || !("values" in f) || !("notes" in n)) throw new ApiError("validation_failed", { errors: json(errors) });
  return { figures: f.values, figureNotes: Object.keys(n.notes).length > 0 ? n.notes : null };
}

/** The warnings of a report's figures against the unit's approved figures of the previous period. */
export function checksFrom(previous: PreviousFigures | null, figures: Record<string, unknown> | null, registry: IndicatorRegistry = INDICATOR_SETS): FigureCheck[] {
  if (!previous?.previous || !figures) return [];
  const set = registry.get(previous.indicatorSetId);
  return set ? changeChecks(set, figures, previous.previous) : [];
}

/** The checks a report carries (none outside a period). */
export async function checksOf(d1: D1Database, report: { id: string; periodId: string | null; figures: Record<string, unknown> | null }): Promise<FigureCheck[]> {
  if (!report.periodId || !report.figures) return [];
  return checksFrom(await previousFiguresOf(d1, report.id), report.figures);
}

/** Submitting with a warning left unexplained is a 422 naming `figureNotes.<indicatorId>`. */
export function assertExplained(previous: PreviousFigures | null, figures: Record<string, unknown> | null, notes: Record<string, unknown> | null, registry: IndicatorRegistry = INDICATOR_SETS): void {
  if (!previous) return;
  const set = registry.get(previous.indicatorSetId);
  if (!set) return;
  const errors = unexplainedErrors(set, checksFrom(previous, figures, registry), notes);
  if (errors.length > 0) {
    throw new ApiError("validation_failed", {
      detail: "Số liệu thay đổi nhiều so với kỳ trước: cần ghi giải trình trước khi trình",
      errors: json(errors),
    });
  }
}

/** What a page needs to show or edit a report's figures: its period, set, the previous period's figures and the warnings. */
export type FiguresContext = { period: PeriodRow; set: IndicatorSet; previous: PreviousFigures | null; checks: FigureCheck[] };

export async function figuresContextOf(d1: D1Database, report: { id: string; periodId: string | null; figures: Record<string, unknown> | null }): Promise<FiguresContext | null> {
  if (!report.periodId) return null;
  const [period, previous] = await Promise.all([getPeriod(d1, report.periodId), previousFiguresOf(d1, report.id)]);
  if (!period) return null;
  return { period, set: setOf(period), previous, checks: checksFrom(previous, report.figures) };
}

/** The same for a report about to be written in a period (checked as a create would be). */
export async function newFiguresContext(d1: D1Database, periodId: string, unitId: string): Promise<FiguresContext> {
  const [period, previous] = await Promise.all([periodForNewReport(d1, periodId, unitId), previousFiguresForUnit(d1, periodId, unitId)]);
  return { period, set: setOf(period), previous, checks: [] };
}
