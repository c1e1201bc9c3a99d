// The working calendar as stored: the admin's overrides (a few a year) on top of the law's days off.
import type { WorkingCalendar } from "../domain/calendar";
import { overridesAndCalendar } from "./calendar-overrides";

/**
 * The calendar with every override: one small read (the government shifts a handful of days a
 * year), so the flow, the metrics and the API each build it once per request or wake. The same
 * read as the API's and the admin page's (./calendar-overrides.ts), less who set each override.
 */
export async function workingCalendarOf(db: D1Database): Promise<WorkingCalendar> {
  return (await overridesAndCalendar(db)).calendar;
}
