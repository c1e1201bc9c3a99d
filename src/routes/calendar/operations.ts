// The calendar's operations, shared by the API (./*.ts) and the admin page (src/web/calendar.tsx):
// who may change it, what a year looks like, setting and dropping an override, the due helper.
import { isWeekend, LAST_YEAR, lawDaysOff, vnDateOf, yearInRange, type WorkingCalendar } from "../../domain/calendar";
import { ApiError } from "../../errors";
import type { Actor } from "../../env";
import { deleteOverride, overridesAndCalendar, putOverride, type StoredOverride } from "../../queries/calendar-overrides";
import { CALENDAR_MESSAGES, parseZonedDateTime } from "./schemas";

/**
 * Only an admin changes the calendar (DESIGN.md section 12); everyone signed in reads it.
 * Checked here, for the API and the page alike. (The policy table in src/domain/policy.ts has no
 * calendar action yet; a `calendar.manage` rule there would be the natural home for this.)
 */
export function mayManageCalendar(actor: Actor): boolean {
  return actor.grants.some((g) => g.role === "admin");
}

function assertAdmin(actor: Actor) {
  if (!mayManageCalendar(actor)) throw new ApiError("forbidden", { detail: "Chỉ quản trị viên được thay đổi lịch làm việc" });
}

/** The current year in Viet Nam (on 31 December at 20:00 UTC it is already the next year there). */
export const currentVnYear = (now = new Date()) => Number(vnDateOf(now).slice(0, 4));

const overrideView = (o: StoredOverride) => ({
  date: o.date,
  working: o.working,
  name: o.name,
  ...(o.updatedBy ? { updatedBy: o.updatedBy } : {}),
  updatedAt: o.updatedAt,
});

/** A year of the calendar: the days that differ from a plain week, and that year's overrides. */
export function yearFrom(stored: { overrides: StoredOverride[]; calendar: WorkingCalendar }, year: number) {
  const prefix = `${year}-`;
  return {
    year,
    days: stored.calendar.daysOf(year),
    overrides: stored.overrides.filter((o) => o.date.startsWith(prefix)).map(overrideView),
  };
}

export async function calendarYear(db: D1Database, year: number) {
  return yearFrom(await overridesAndCalendar(db), year);
}

export async function setCalendarDay(db: D1Database, actor: Actor, date: string, input: { working: boolean; name: string }) {
  assertAdmin(actor);
  const { override, changed } = await putOverride(db, { id: actor.id, name: actor.name }, { date, ...input });
  return { day: { ...overrideView(override), source: "override" as const }, changed };
}

/** What a date is by the law alone: a day off with its name, or an ordinary weekday or weekend. */
export function lawDay(date: string) {
  const off = lawDaysOff(Number(date.slice(0, 4))).find((d) => d.date === date);
  if (off) return { date, working: false, name: off.name, source: "law" as const };
  return isWeekend(date) ? { date, working: false, name: "Nghỉ cuối tuần", source: "law" as const } : { date, working: true, name: "Ngày làm việc", source: "law" as const };
}

/** Drops an override: 404 when there is none. Answers the date as it now is (the law's). */
export async function dropCalendarDay(db: D1Database, actor: Actor, date: string) {
  assertAdmin(actor);
  const dropped = await deleteOverride(db, { id: actor.id, name: actor.name }, date);
  if (!dropped) throw new ApiError("not_found", { detail: `Ngày ${date} không có điều chỉnh nào để xoá` });
  return { day: lawDay(date), dropped };
}

const fieldError = (path: string, message: string, location: string) => new ApiError("validation_failed", { errors: [{ path, in: location, message }] });

/**
 * The due time `workingDays` working days after the day of `from` (17:00 in Viet Nam on the last
 * one). `from` and `workingDays` have passed the schema; what only the calendar can tell is
 * checked here: `from` falls inside the calendar's years, and so does the due day.
 */
export function dueOf(calendar: WorkingCalendar, from: string, workingDays: number, location = "query"): { dueAt: string; workingDaysCounted: string[] } {
  const parsed = parseZonedDateTime(from);
  if ("error" in parsed) throw fieldError("from", parsed.error, location);
  if (!yearInRange(Number(vnDateOf(parsed.at).slice(0, 4)))) throw fieldError("from", CALENDAR_MESSAGES.dateRange, location);
  const due = calendar.due(parsed.at, workingDays);
  if (Number(due.workingDaysCounted.at(-1)!.slice(0, 4)) > LAST_YEAR) throw fieldError("workingDays", CALENDAR_MESSAGES.dueBeyond, location);
  return due;
}

export async function calendarDue(db: D1Database, from: string, workingDays: number, location = "query") {
  const { calendar } = await overridesAndCalendar(db);
  return dueOf(calendar, from, workingDays, location);
}
