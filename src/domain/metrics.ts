// Stage metrics (DESIGN.md section 12), the pure part: the period a request asks for, and the
// figures of a group of decisions. No I/O here; src/services/metrics.ts feeds it.
import { addDays, FIRST_YEAR, isCalendarDate, LAST_YEAR, vnDateOf, vnMoment } from "./calendar";

export const GROUP_BYS = ["stage", "reviewer", "unit"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/**
 * The longest period one request may ask for: a whole school year (1 September to 31 August, 366
 * days in a leap year). Every decision in the period is read and its working hours computed in the
 * Worker, so this bound is what bounds the cost of a request.
 */
export const MAX_PERIOD_DAYS = 366;
/** Without from/to: the last 30 days, today (in Viet Nam) included. */
export const DEFAULT_PERIOD_DAYS = 30;
const DAY_MS = 86_400_000;

/** A half-open period [from, to) of instants, as ISO strings (UTC, as report_events.created_at). */
export type Period = { from: string; to: string };

export type PeriodIssue = { path: "from" | "to"; message: string };

/** "2025-01-31": a date; anything else must be an ISO date-time with its offset (checked by the schema). */
const isDateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

/**
 * The instant a from/to value stands for: a date is a whole day in Viet Nam, so `from` is its
 * 00:00 and `to` the 00:00 after it (the day is included); a date-time is that instant.
 */
function instantOf(value: string, end: boolean): number | null {
  if (isDateOnly(value)) return isCalendarDate(value) ? Date.parse(vnMoment(end ? addDays(value, 1) : value, 0)) : null;
  // Date.parse rolls 30 February over into March: the date part must be a real date.
  const t = Date.parse(value);
  return Number.isFinite(t) && isCalendarDate(value.slice(0, 10)) ? t : null;
}

/**
 * The period asked for, or what is wrong with it (each issue names its query field). Missing
 * values: `to` is the end of today, `from` 30 days before `to`'s day.
 */
export function resolvePeriod(q: { from?: string; to?: string }, now: Date): { period: Period } | { issues: PeriodIssue[] } {
  const issues: PeriodIssue[] = [];
  const to = q.to === undefined ? Date.parse(vnMoment(addDays(vnDateOf(now), 1), 0)) : instantOf(q.to, true);
  if (to === null) issues.push({ path: "to", message: "Ngày không hợp lệ (dạng YYYY-MM-DD hoặc ngày giờ ISO 8601 có múi giờ)" });
  const from =
    q.from === undefined
      ? to === null
        ? null
        : Date.parse(vnMoment(addDays(vnDateOf(new Date(to - 1)), 1 - DEFAULT_PERIOD_DAYS), 0))
      : instantOf(q.from, false);
  if (from === null && q.from !== undefined) issues.push({ path: "from", message: "Ngày không hợp lệ (dạng YYYY-MM-DD hoặc ngày giờ ISO 8601 có múi giờ)" });
  if (from === null || to === null) return { issues };
  // The working calendar knows the law's days off for these years only.
  const lo = Date.parse(vnMoment(`${FIRST_YEAR}-01-01`, 0));
  const hi = Date.parse(vnMoment(`${LAST_YEAR + 1}-01-01`, 0));
  if (from < lo || from > hi) issues.push({ path: "from", message: `Ngày phải trong các năm ${FIRST_YEAR}–${LAST_YEAR}` });
  if (to < lo || to > hi) issues.push({ path: "to", message: `Ngày phải trong các năm ${FIRST_YEAR}–${LAST_YEAR}` });
  if (issues.length) return { issues };
  if (from > to) return { issues: [{ path: "from", message: "Ngày bắt đầu phải trước ngày kết thúc" }] };
  if (to - from > MAX_PERIOD_DAYS * DAY_MS) return { issues: [{ path: "from", message: `Khoảng thời gian dài nhất là ${MAX_PERIOD_DAYS} ngày` }] };
  return { period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } };
}

/**
 * The p-th percentile (0..1) of values sorted ascending, interpolated between the two nearest
 * ranks: what Excel's PERCENTILE.INC and MEDIAN give, so a director who recomputes a figure from
 * the decisions gets the same number. Null for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/**
 * One decimal, halves up, as the API and the exports show figures. The float noise of the
 * interpolation (12 + 17.5 * 0.7 = 24.249999999999996) is dropped first, so 24.25 shows as 24.3
 * as it would by hand.
 */
export const round1 = (x: number) => Math.round(Number((x * 10).toPrecision(12))) / 10;

/** One approve or return: the working hours its stage took, whether it met the stage's due time. */
export type Decision = {
  workingHours: number;
  /** Null when the stage's service level is unknown (a stage no longer in the workflow). */
  onTime: boolean | null;
  returned: boolean;
};

export type Figures = {
  decided: number;
  medianWorkingHours: number | null;
  p90WorkingHours: number | null;
  onTimePct: number | null;
  returnedPct: number | null;
};

/** The figures of one group of decisions (each group is one row of the answer). */
export function figuresOf(decisions: readonly Decision[]): Figures {
  const hours = decisions.map((d) => d.workingHours).sort((a, b) => a - b);
  const judged = decisions.filter((d) => d.onTime !== null);
  const pct = (part: number, whole: number) => (whole === 0 ? null : round1((part * 100) / whole));
  const median = percentile(hours, 0.5);
  const p90 = percentile(hours, 0.9);
  return {
    decided: decisions.length,
    medianWorkingHours: median === null ? null : round1(median),
    p90WorkingHours: p90 === null ? null : round1(p90),
    onTimePct: pct(judged.filter((d) => d.onTime).length, judged.length),
    returnedPct: pct(decisions.filter((d) => d.returned).length, decisions.length),
  };
}

/** Column headings, for the page and the exports alike (section 11: Vietnamese headers). */
export const GROUP_HEADERS: Record<GroupBy, string> = { stage: "Bước", reviewer: "Người thẩm định", unit: "Đơn vị" };
export const FIGURE_HEADERS: Record<keyof Figures, string> = {
  decided: "Số quyết định",
  medianWorkingHours: "Trung vị (giờ làm việc)",
  p90WorkingHours: "P90 (giờ làm việc)",
  onTimePct: "Đúng hạn (%)",
  returnedPct: "Trả lại (%)",
};
export const FIGURE_KEYS = Object.keys(FIGURE_HEADERS) as (keyof Figures)[];
