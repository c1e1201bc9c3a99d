// When a period's reminders go (DESIGN.md section 11 "Reminders", on the working calendar of
// section 12). Pure: the calendar and the clock are passed in, so the rules are tested with fixed
// dates (Tết, a Monday due day) without a Workflow.
import { addDays, DAY_STARTS_AT, vnDateOf, vnMoment, type WorkingCalendar } from "../domain/calendar";

/** The last working day strictly before a date. */
export function previousWorkingDay(calendar: WorkingCalendar, date: string): string {
  let d = addDays(date, -1);
  // A year has at most a few weeks off in a row; the bound only guards against a runaway loop.
  for (let i = 0; i < 400 && !calendar.isWorkingDay(d); i++) d = addDays(d, -1);
  return d;
}

/** The reminder for a due time: 08:00 in Viet Nam of the working day before the due day. */
export const periodReminderAt = (calendar: WorkingCalendar, dueAt: string) => vnMoment(previousWorkingDay(calendar, vnDateOf(dueAt)), DAY_STARTS_AT);

export type PeriodTimes = { opensAt: string; dueAt: string; createdAt: string };

/**
 * What a period's timer waits for, as planned when it starts (normally the moment the period is
 * opened). Null means that notice is not sent at all:
 * - `remindAt`: the reminder to the authors, null when that moment has already passed, or comes
 *   before the period opens (nobody can have reported yet, and the "open" is the news), or is not
 *   before the due time. A late start never sends it at once: "due tomorrow" at 16:00 on the due day
 *   would be wrong, and the late notice follows anyway.
 * - `lateAt`: who is late, told when the due time passes, or at 08:00 of the next working day if the
 *   due time falls on a day off (nobody is written to on a day off, as with stage escalations).
 *   Null for a period opened after its own due time: it records figures collected some other way,
 *   and nobody could have been on time.
 */
export function periodReminderPlan(calendar: WorkingCalendar, p: PeriodTimes, now: Date): { remindAt: string | null; lateAt: string | null } {
  const at = (s: string) => Date.parse(s);
  const remind = periodReminderAt(calendar, p.dueAt);
  const remindAt = at(remind) > now.getTime() && at(remind) >= at(p.opensAt) && at(remind) < at(p.dueAt) ? remind : null;
  const lateAt = at(p.dueAt) > at(p.createdAt) ? calendar.sendableAt(p.dueAt) : null;
  return { remindAt, lateAt };
}
