// The working calendar (DESIGN.md section 12): Monday to Friday, less the days off the law gives
// (./law.ts), with the admin's overrides winning over both (the government's nghỉ bù / làm bù of
// each year). All times are Asia/Ho_Chi_Minh, which keeps UTC+7 all year.
import { addDays, isWeekend, lawDaysOff } from "./law";

export { addDays, FIRST_YEAR, isCalendarDate, isWeekend, LAST_YEAR, lawDaysOff, weekday, yearInRange } from "./law";
export * from "./input";

/** An admin's decision about one date: a working Saturday (làm bù), or a weekday off (nghỉ bù). */
export type DayOverride = { date: string; working: boolean; name: string };

export type CalendarDay = { date: string; working: boolean; name: string; source: "law" | "override" };

/** The names of a date that nothing makes special. */
export const ORDINARY_DAY = { weekday: "Ngày làm việc", weekend: "Nghỉ cuối tuần" } as const;

/** Asia/Ho_Chi_Minh keeps UTC+7 all year (no daylight saving). */
export const VN_UTC_OFFSET = "+07:00";
const VN_OFFSET_MS = 7 * 3600_000;
const HOUR_MS = 3600_000;
/** The office day: 08:00-17:00 (section 12). */
export const DAY_STARTS_AT = 8;
export const DAY_ENDS_AT = 17;

/** The wall clock in Viet Nam at an instant: "YYYY-MM-DDTHH:mm:ss.sss", without a zone. */
export const vnWallClock = (at: Date | string) => new Date((typeof at === "string" ? Date.parse(at) : at.getTime()) + VN_OFFSET_MS).toISOString().slice(0, 23);

/** The date (in Viet Nam) of an instant. */
export const vnDateOf = (at: Date | string) => vnWallClock(at).slice(0, 10);

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

  /**
   * What a date is: an override, a day off the law gives (with its name), or else an ordinary
   * weekday ("Ngày làm việc") or weekend day ("Nghỉ cuối tuần"), both with source "law".
   */
  day(date: string): CalendarDay {
    const s = this.special(date);
    if (s) return s;
    return isWeekend(date) ? { date, working: false, name: ORDINARY_DAY.weekend, source: "law" } : { date, working: true, name: ORDINARY_DAY.weekday, source: "law" };
  }

  isWorkingDay(date: string): boolean {
    return this.day(date).working;
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
