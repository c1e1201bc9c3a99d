// The working calendar's operations (DESIGN.md section 12), shared by the API (src/routes/calendar/)
// and the admin page (src/web/calendar.tsx): who may change it and see who changed it, what a year
// looks like, setting and dropping an override (with its audit trail), and the due helper.
import { CALENDAR_MESSAGES, LAST_YEAR, parseZonedDateTime, vnDateOf, WorkingCalendar, yearInRange, type CalendarDay } from "../domain/calendar";
import { mayDo } from "../domain/policy";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { deleteOverride, overrideEvents, overridesAndCalendar, putOverride, type OverrideEvent, type StoredOverride } from "../queries/calendar-overrides";

export type { OverrideEvent } from "../queries/calendar-overrides";

/**
 * Changing the calendar, and reading who changed it (the overrides' authors, the audit trail),
 * is the policy table's calendar.manage: an admin's. Everyone signed in reads the calendar itself.
 */
export const mayManageCalendar = (actor: Actor): boolean => mayDo(actor, "calendar.manage");

function assertMayManage(actor: Actor, detail: string) {
  if (!mayManageCalendar(actor)) throw new ApiError("forbidden", { detail });
}

const MAY_NOT_CHANGE = "Chỉ quản trị viên được thay đổi lịch làm việc";
const MAY_NOT_READ_TRAIL = "Chỉ quản trị viên được xem nhật ký thay đổi lịch làm việc";

/** The current year in Viet Nam (on 31 December at 20:00 UTC it is already the next year there). */
export const currentVnYear = (now = new Date()) => Number(vnDateOf(now).slice(0, 4));

/** An override as shown: who set it only to those who may manage the calendar (as the trail is). */
export type OverrideView = { date: string; working: boolean; name: string; updatedBy?: { id: string; name: string }; updatedAt: string };

const overrideView = (o: StoredOverride, withAuthor: boolean): OverrideView => ({
  date: o.date,
  working: o.working,
  name: o.name,
  ...(withAuthor && o.updatedBy ? { updatedBy: o.updatedBy } : {}),
  updatedAt: o.updatedAt,
});

/** A year of the calendar: the days that differ from a plain week, and that year's overrides. */
function yearFrom(stored: { overrides: StoredOverride[]; calendar: WorkingCalendar }, year: number, withAuthor: boolean) {
  const prefix = `${year}-`;
  return {
    year,
    days: stored.calendar.daysOf(year),
    overrides: stored.overrides.filter((o) => o.date.startsWith(prefix)).map((o) => overrideView(o, withAuthor)),
  };
}

/** A year of the calendar for any signed-in caller; the overrides' authors for an admin only. */
export async function calendarYear(db: D1Database, actor: Actor, year: number) {
  return yearFrom(await overridesAndCalendar(db), year, mayManageCalendar(actor));
}

/**
 * Everything the admin's page shows for a year: its days and overrides, the first `historyLimit`
 * changes of its audit trail (and whether there are more), and the calendar for the due helper.
 */
export async function calendarForAdmin(db: D1Database, actor: Actor, year: number, historyLimit: number) {
  assertMayManage(actor, MAY_NOT_READ_TRAIL);
  const [stored, events] = await Promise.all([overridesAndCalendar(db), overrideEvents(db, { year, limit: historyLimit + 1 })]);
  return {
    ...yearFrom(stored, year, true),
    events: events.slice(0, historyLimit),
    moreEvents: events.length > historyLimit,
    calendar: stored.calendar,
  };
}

/** A page of the audit trail (admin): a year's dates or one date's, after a (date, createdAt, id) key. */
export async function calendarHistory(
  db: D1Database,
  actor: Actor,
  filter: { year: number; date?: string; after?: [string, string, string]; limit: number },
): Promise<OverrideEvent[]> {
  assertMayManage(actor, MAY_NOT_READ_TRAIL);
  return overrideEvents(db, filter);
}

export async function setCalendarDay(db: D1Database, actor: Actor, date: string, input: { working: boolean; name: string }) {
  assertMayManage(actor, MAY_NOT_CHANGE);
  const { override, changed } = await putOverride(db, { id: actor.id, name: actor.name }, { date, ...input });
  return { day: { ...overrideView(override, true), source: "override" as const }, changed };
}

/** The calendar of the law alone, with no override: what a date is once its override is dropped. */
const BY_LAW = new WorkingCalendar();

/** Drops an override: 404 when there is none. Answers the date as it now is (the law's). */
export async function dropCalendarDay(db: D1Database, actor: Actor, date: string): Promise<{ day: CalendarDay; dropped: StoredOverride }> {
  assertMayManage(actor, MAY_NOT_CHANGE);
  const dropped = await deleteOverride(db, { id: actor.id, name: actor.name }, date);
  if (!dropped) throw new ApiError("not_found", { detail: `Ngày ${date} không có điều chỉnh nào để xoá` });
  return { day: BY_LAW.day(date), dropped };
}

const fieldError = (path: string, message: string, location: string) => new ApiError("validation_failed", { errors: [{ path, in: location, message }] });

/**
 * The due time `workingDays` working days after the day of `from` (17:00 in Viet Nam on the last
 * one). `from` and `workingDays` have passed the field rules (src/domain/calendar/input.ts); what
 * only the calendar can tell is checked here: `from` falls inside the calendar's years, and so
 * does the due day.
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
