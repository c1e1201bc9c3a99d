// The working calendar as stored: the admin's overrides (a few a year) on top of the law's days off.
import { WorkingCalendar, type DayOverride } from "../domain/calendar";

/**
 * The calendar with every override: one small read (the government shifts a handful of days a
 * year), so the flow, the metrics and the API each build it once per request or wake.
 */
export async function workingCalendarOf(db: D1Database): Promise<WorkingCalendar> {
  const { results } = await db.prepare("SELECT date, working, name FROM calendar_overrides ORDER BY date").all<{ date: string; working: number; name: string }>();
  return new WorkingCalendar(results.map((r): DayOverride => ({ date: r.date, working: r.working === 1, name: r.name })));
}
