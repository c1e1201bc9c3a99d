// A period's figures added up (DESIGN.md section 11, "Roll-up"), and the table its export writes.
// Pure: the indicator set and the units' figures come in, numbers and rows go out.
//
// What each indicator's `value` is:
// - a count or a decimal: the sum over the units that gave it;
// - the target of a `ratio` rule (completionRate = completed / enrolled): the rate recomputed from
//   the sums of its numerator and denominator over the units that gave both, rounded as the rule
//   states. Never an average of the units' rates: a centre of 40 learners would weigh as much as
//   one of 4,000;
// - any other percent: null. Rates do not add up, and without a rule that says what they are a
//   rate of there is nothing to recompute them from.
// min and max are the units' own values (a rate as the unit stated it), with the unit that has it.
import type { Indicator, IndicatorSet } from "../../indicators/schema";
import type { ReportStatus } from "../db/schema";
import { viDateTime } from "./vi-format";
import { roundTo } from "./indicators";

/** A report's statuses whose figures count: approved, and approved then scheduled or published. */
export const APPROVED_STATUSES = ["approved", "scheduled", "published"] as const satisfies readonly ReportStatus[];

export type UnitFigures = { unitId: string; unitName: string; figures: unknown };
export type Extreme = { value: number; unitId: string; unitName: string };

/** How `value` is made: a sum, a rate recomputed from sums, or nothing (a percent of no ratio). */
export type Aggregate = "sum" | "rate" | "none";

export type RollupIndicator = {
  indicatorId: string;
  label: string;
  type: Indicator["type"];
  unitLabel: string;
  aggregate: Aggregate;
  /** Decimals the value is shown with (a rate: as its rule states). */
  decimals: number;
  value: number | null;
  /** Units whose figures went into `value` (for a rate: the units that gave both its terms). */
  unitsCounted: number;
  min: Extreme | null;
  max: Extreme | null;
};

export type Rollup = { unitsReported: number; indicators: RollupIndicator[] };

/** A figure as stored, if it is one: an own property holding a finite number. */
export function figureOf(figures: unknown, indicatorId: string): number | undefined {
  if (typeof figures !== "object" || figures === null || Array.isArray(figures) || !Object.hasOwn(figures, indicatorId)) return undefined;
  const v: unknown = Reflect.get(figures, indicatorId);
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

const byName = (a: UnitFigures, b: UnitFigures) =>
  a.unitName < b.unitName ? -1 : a.unitName > b.unitName ? 1 : a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0;

function decimalsOf(set: IndicatorSet, ind: Indicator): number {
  const ratio = set.rules.find((r) => r.type === "ratio" && r.target === ind.id);
  if (ratio?.type === "ratio") return ratio.decimals;
  return ind.type === "count" ? 0 : ind.type === "percent" ? 1 : 2;
}

/**
 * The roll-up of these units' figures (one entry per unit: its approved report). Ties for min and
 * max go to the first unit in name order, so the same data always names the same unit.
 */
export function rollUp(set: IndicatorSet, reports: readonly UnitFigures[]): Rollup {
  const units = [...reports].sort(byName);
  const indicators = set.indicators.map((ind): RollupIndicator => {
    let min: Extreme | null = null;
    let max: Extreme | null = null;
    let sum = 0;
    let counted = 0;
    for (const u of units) {
      const v = figureOf(u.figures, ind.id);
      if (v === undefined) continue;
      counted++;
      sum += v;
      if (!min || v < min.value) min = { value: v, unitId: u.unitId, unitName: u.unitName };
      if (!max || v > max.value) max = { value: v, unitId: u.unitId, unitName: u.unitName };
    }
    const base = { indicatorId: ind.id, label: ind.label, type: ind.type, unitLabel: ind.unitLabel, decimals: decimalsOf(set, ind), min, max };
    const ratio = set.rules.find((r) => r.type === "ratio" && r.target === ind.id);
    if (ratio?.type === "ratio") {
      let numerator = 0;
      let denominator = 0;
      let both = 0;
      for (const u of units) {
        const n = figureOf(u.figures, ratio.numerator);
        const d = figureOf(u.figures, ratio.denominator);
        if (n === undefined || d === undefined) continue;
        both++;
        numerator += n;
        denominator += d;
      }
      // No one to count is a rate of 0, as the rule itself accepts for one unit (domain/indicators.ts).
      const value = both === 0 ? null : denominator === 0 ? 0 : roundTo((numerator / denominator) * 100, ratio.decimals);
      return { ...base, aggregate: "rate", value, unitsCounted: both };
    }
    if (ind.type === "percent") return { ...base, aggregate: "none", value: null, unitsCounted: counted };
    // Decimals add float noise (0.1 + 0.2); four places is finer than any set states.
    const value = counted === 0 ? null : ind.type === "count" ? sum : roundTo(sum, 4);
    return { ...base, aggregate: "sum", value, unitsCounted: counted };
  });
  return { unitsReported: units.length, indicators };
}

// ---------------------------------------------------------------------------------------------
// The export: one row per unit the period expects, then the totals.

/** Where a unit stands in a period, as the board names it (approved includes scheduled and published). */
export const UNIT_STATES = ["not_started", "draft", "in_review", "returned", "approved", "withdrawn"] as const;
export type UnitState = (typeof UNIT_STATES)[number];

export const UNIT_STATE_LABELS: Record<UnitState, string> = {
  not_started: "Chưa nộp",
  draft: "Đang soạn",
  in_review: "Đang thẩm định",
  returned: "Bị trả lại",
  approved: "Đã duyệt",
  withdrawn: "Đã rút",
};

/** A unit's state from its report's status (none: not started). An unpublished report was taken back: its figures no longer stand. */
export function unitStateOf(status: ReportStatus | null): UnitState {
  switch (status) {
    case null:
      return "not_started";
    case "approved":
    case "scheduled":
    case "published":
      return "approved";
    case "unpublished":
      return "withdrawn";
    default:
      return status;
  }
}

export type ExpectedUnit = { unitId: string; unitName: string; status: ReportStatus | null; submittedAt: string | null; figures: unknown };

/** A column's number format: whole numbers, or this many decimals. */
export type ColumnFormat = { kind: "text" } | { kind: "number"; decimals: number };
export type Cell = string | number | null;
/** The rows, with where the totals and the note are among them (0-based). */
export type ExportTable = { headers: string[]; formats: ColumnFormat[]; rows: Cell[][]; totalsRow: number; noteRow: number };

export const TOTALS_LABEL = "Tổng cộng";
export const EXPORT_NOTE =
  "Ghi chú: chỉ ghi số liệu của báo cáo đã duyệt; đơn vị chưa được duyệt để trống. Dòng Tổng cộng là tổng của các đơn vị đã duyệt; tỷ lệ được tính lại từ các tổng, không lấy trung bình tỷ lệ của các đơn vị.";

/** "Số học viên (học viên)"; a percent "Tỷ lệ hoàn thành (%)". */
export const columnHeader = (ind: Pick<Indicator, "label" | "unitLabel">) => `${ind.label} (${ind.unitLabel})`;

/**
 * The export's table: unit, state, each indicator, submitted at (dd/mm/yyyy HH:mm in Viet Nam);
 * figures only for approved reports; then "Tổng cộng" with the roll-up, and a note saying so.
 */
export function exportTable(set: IndicatorSet, units: readonly ExpectedUnit[], rollup: Rollup): ExportTable {
  const headers = ["Đơn vị", "Trạng thái", ...set.indicators.map(columnHeader), "Nộp lúc"];
  const decimals = new Map(rollup.indicators.map((i) => [i.indicatorId, i.decimals]));
  const formats: ColumnFormat[] = [
    { kind: "text" },
    { kind: "text" },
    ...set.indicators.map((ind): ColumnFormat => ({ kind: "number", decimals: decimals.get(ind.id) ?? 0 })),
    { kind: "text" },
  ];
  const rows: Cell[][] = units.map((u) => {
    const state = unitStateOf(u.status);
    const shown = state === "approved";
    return [
      u.unitName,
      UNIT_STATE_LABELS[state],
      ...set.indicators.map((ind) => (shown ? (figureOf(u.figures, ind.id) ?? null) : null)),
      u.submittedAt ? viDateTime(u.submittedAt) : null,
    ];
  });
  const values = new Map(rollup.indicators.map((i) => [i.indicatorId, i.value]));
  const totalsRow = rows.push([TOTALS_LABEL, `${rollup.unitsReported}/${units.length} đơn vị đã duyệt`, ...set.indicators.map((ind) => values.get(ind.id) ?? null), null]) - 1;
  const noteRow = rows.push([EXPORT_NOTE, ...headers.slice(1).map(() => null)]) - 1;
  return { headers, formats, rows, totalsRow, noteRow };
}
