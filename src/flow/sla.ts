// A stage's service level on the working calendar (DESIGN.md section 12): the calendar a
// transition needs, when a stage's reminder and escalation are scheduled, whether one that has
// come due may go out now, and how a definition stored before service levels were counted in
// working days is read.
import type { Stage, WorkflowDefinition } from "../../workflows";
import { vnDateOf, WorkingCalendar } from "../domain/calendar";
import { startsStage, type Command, type FlowState } from "../domain/review";
import { ApiError } from "../errors";
import { workingCalendarOf } from "../queries/calendar";

/**
 * The calendar for a command that starts a stage (its due time comes from it), read from D1: one
 * small read, made only by the transitions that need it, never by a read of the report. Null for
 * any other command. Overrides are not cached: an admin's change applies to the next stage started.
 */
/** The law's calendar without overrides: enough to tell whether a command is allowed at all. */
export const LAW_CALENDAR = new WorkingCalendar();

export async function calendarFor(db: D1Database, state: FlowState, cmd: Command): Promise<WorkingCalendar | null> {
  if (!startsStage(state, cmd)) return null;
  try {
    return await workingCalendarOf(db);
  } catch (err) {
    // Nothing is recorded yet: the caller can simply try again. Logged, so that a fault of ours
    // is not mistaken for D1 being away.
    console.error(JSON.stringify({ level: "error", message: "working calendar unavailable", error: String(err) }));
    throw new ApiError("unavailable");
  }
}

/**
 * When a stage that is due at `dueAt` (17:00 of a working day) is reminded and escalated, as set
 * when it starts. The reminder goes at 08:00 of the due day. A stage starts on a day before its
 * due day (the day it starts never counts), so that moment is normally still ahead; if it is not
 * (a clock or calendar oddity) there is no reminder: the "awaiting review" email has just gone and
 * a second one at once would say nothing new. The escalation goes when the due time passes, or
 * at 08:00 of the next working day if the due day is off (never the case with a fresh due time,
 * but the rule is the calendar's, and the run re-checks it; see sendVerdict).
 */
export function slaMoments(calendar: WorkingCalendar, dueAt: string, now: Date): { remindAt: string | null; escalateAt: string } {
  const remindAt = calendar.reminderAt(dueAt);
  return { remindAt: Date.parse(remindAt) > now.getTime() ? remindAt : null, escalateAt: calendar.sendableAt(dueAt) };
}

export type SendVerdict = { send: true } | { send: false; until: string | null };

/**
 * Whether a reminder or escalation that has come due may go out `now`. Nothing is sent on a day
 * off: an admin may have declared the day off after the work was scheduled, or the work was
 * scheduled before due times came from the calendar (then at any hour of any day). It waits for
 * 08:00 of the next working day (`until`); a reminder that would only arrive then, at or after the
 * due time, is dropped (`until` null): the escalation that goes at the same moment says more.
 */
export function sendVerdict(calendar: WorkingCalendar, kind: "remind" | "escalate", now: Date, stageDueAt: string | null): SendVerdict {
  // A reminder that comes due only once the due time has passed (its run was held up: D1 away, a
  // process restarted) says "due soon" too late: the escalation says what is true.
  if (kind === "remind" && stageDueAt !== null && now.getTime() >= Date.parse(stageDueAt)) return { send: false, until: null };
  if (calendar.isWorkingDay(vnDateOf(now))) return { send: true };
  const until = calendar.sendableAt(now.toISOString());
  if (kind === "remind" && stageDueAt !== null && Date.parse(until) >= Date.parse(stageDueAt)) return { send: false, until: null };
  return { send: false, until };
}

/** A stage as version 1 of the definitions stored it: a service level in hours. */
type StoredStage = Omit<Stage, "slaWorkingDays"> & { slaWorkingDays?: number; slaHours?: number };

/**
 * A definition as a report's flow stored it when it was submitted. Version 1 stated service levels
 * in hours (48, 24, 24); a report still under it keeps the due time it was given, and a stage it
 * starts from now on is due in whole working days, the hours rounded up to days (48 h -> 2), which
 * is what version 2 states for the same stages. Definitions in working days are returned as they are.
 */
export function withWorkingDays(stored: WorkflowDefinition): WorkflowDefinition {
  const stages = stored.stages as StoredStage[];
  if (stages.every((s) => typeof s.slaWorkingDays === "number")) return stored;
  return {
    ...stored,
    stages: stages.map(({ slaHours, slaWorkingDays, ...s }) => ({ ...s, slaWorkingDays: slaWorkingDays ?? Math.max(1, Math.ceil((slaHours ?? 24) / 24)) })),
  };
}
