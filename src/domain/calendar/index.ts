// The working calendar (DESIGN.md section 12): Monday to Friday, less the days off the law gives
// (./law.ts), with the admin's overrides winning over both (the government's nghỉ bù / làm bù of
// each year). All times are Asia/Ho_Chi_Minh, which keeps UTC+7 all year.
import { addDays, FIRST_YEAR, isWeekend, LAST_YEAR, lawDaysOff } from "./law";

export { addDays, FIRST_YEAR, isWeekend, LAST_YEAR, lawDaysOff, weekday } from "./law";

/** An admin's decision about one date: a working Saturday (làm bù), or a weekday off (nghỉ bù). */
export type DayOverride = { date: string; working: boolean; name: string };

export type CalendarDay = { date: string; working: boolean; name: string; source: "law" | "override" };

const VN_OFFSET_MS = 7 * 3600_000;
const HOUR_MS = 3600_000;
/** The office day: 08:00-17:00 (section 12). */
export const DAY_STARTS_AT = 8;
export const DAY_ENDS_AT = 17;

/** A real calendar date "YYYY-MM-DD" (2025-02-30 is not). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

export const yearInRange = (year: number) => Number.isInteger(year) && year >= FIRST_YEAR && year <= LAST_YEAR;

/** The date (in Viet Nam) of an instant. */
export const vnDateOf = (at: Date | string) => new Date((typeof at === "string" ? Date.parse(at) : at.getTime()) + VN_OFFSET_MS).toISOString().slice(0, 10);

/** The instant of an hour of a date in Viet Nam, as an ISO string (UTC). */
export const vnMoment = (date: string, hour: number) => new Date(Date.parse(`${date}T00:00:00Z`) + hour * HOUR_MS - VN_OFFSET_MS).toISOString();

export class WorkingCalendar {
  private readonly overrides: ReadonlyMap<string, DayOverride>;

  constructor(overrides: readonly DayOverride[] = []) {
    this.overrides = new Map(overrides.map((o) => [o.date, o]));
  }

  /** Why a date is off or on, or null for an ordinary weekday (working) or weekend (not). */
  private special(date: string): CalendarDay | null {
    const o = this.overrides.get(date);
    if (o) return { date, working: o.working, name: o.name, source: "override" };
    const law = lawDaysOff(Number(date.slice(0, 4))).find((d) => d.date === date);
    return law ? { date, working: false, name: law.name, source: "law" } : null;
  }

  isWorkingDay(date: string): boolean {
    const s = this.special(date);
    return s ? s.working : !isWeekend(date);
  }

  /**
   * The days of a year that differ from a plain Monday-to-Friday week: the weekdays off and the
   * weekend days worked, with their names and where they come from, in date order.
   */
  daysOf(year: number): CalendarDay[] {
    const prefix = `${String(year).padStart(4, "0")}-`;
    const dates = new Set([...lawDaysOff(year).map((d) => d.date), ...[...this.overrides.keys()].filter((d) => d.startsWith(prefix))]);
    return [...dates]
      .sort()
      .map((d) => this.special(d)!)
      .filter((d) => d.working === isWeekend(d.date));
  }

  /** The first working day strictly after a date. */
  nextWorkingDay(date: string): string {
    let d = addDays(date, 1);
    // A year has at most a few weeks off in a row; the bound only guards against a runaway loop.
    for (let i = 0; i < 400 && !this.isWorkingDay(d); i++) d = addDays(d, 1);
    return d;
  }

  /**
   * The due time n working days after the day of `from` (that day itself never counts): 17:00
   * in Viet Nam on the n-th working day, and the working days counted.
   */
  due(from: Date | string, workingDays: number): { dueAt: string; workingDaysCounted: string[] } {
    const counted: string[] = [];
    let d = vnDateOf(from);
    while (counted.length < workingDays) {
      d = this.nextWorkingDay(d);
      counted.push(d);
    }
    return { dueAt: vnMoment(counted.at(-1) ?? vnDateOf(from), DAY_ENDS_AT), workingDaysCounted: counted };
  }

  /** The reminder time for a due time: 08:00 in Viet Nam on the due day. */
  reminderAt(dueAt: string): string {
    return vnMoment(vnDateOf(dueAt), DAY_STARTS_AT);
  }

  /**
   * The earliest moment at or after `at` at which the office may be written to: `at` itself on a
   * working day, else 08:00 of the next working day. (An escalation never goes out on a day off.)
   */
  sendableAt(at: string): string {
    const day = vnDateOf(at);
    return this.isWorkingDay(day) ? at : vnMoment(this.nextWorkingDay(day), DAY_STARTS_AT);
  }

  /** Working hours (08:00-17:00 of working days) between two instants; 0 if `to` is not after `from`. */
  workingHoursBetween(from: string, to: string): number {
    const a = Date.parse(from);
    const b = Date.parse(to);
    if (!(b > a)) return 0;
    let ms = 0;
    for (let d = vnDateOf(from); d <= vnDateOf(to); d = addDays(d, 1)) {
      if (!this.isWorkingDay(d)) continue;
      const start = Math.max(a, Date.parse(vnMoment(d, DAY_STARTS_AT)));
      const end = Math.min(b, Date.parse(vnMoment(d, DAY_ENDS_AT)));
      if (end > start) ms += end - start;
    }
    return ms / HOUR_MS;
  }
}
