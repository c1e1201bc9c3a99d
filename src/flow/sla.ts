// A stage's service level on the working calendar (DESIGN.md section 12): the calendar a
// transition needs, when a stage's reminder and escalation are scheduled, whether one that has
// come due may go out now, and how a definition stored before service levels were counted in
// working days is read.
import type { Stage, WorkflowDefinition } from "../../workflows";
import { vnDateOf, WorkingCalendar } from "../domain/calendar";
import { startsStage, type Command, type FlowState } from "../domain/review";
import { ApiError } from "../errors";
import type { Role } from "../db/schema";
import { overridesFrom, overridesStatement, type StoredOverride } from "../queries/calendar-overrides";
import { holdersKey, stageHoldersStatement, type Holder, type StageScope } from "../queries/stage-holders";

/** The law's calendar without overrides: enough to tell whether a command is allowed at all. */
export const LAW_CALENDAR = new WorkingCalendar();

/**
 * What a command that starts a stage needs from D1, in one round trip: the calendar (its due time
 * comes from it) and, when the stage is known, its holders (a stage with one holder is theirs at
 * once), at most `limit` of them. Null for any other command. `known` is what the caller already
 * read in its own batch (the submit's Worker does): then nothing is read here. Overrides are not
 * cached: an admin's change applies to the next stage started.
 */
export async function stageStartReads(
  db: D1Database,
  q: { reportId: string; state: FlowState; cmd: Command; stage: { role: Role; scope: StageScope } | undefined; limit: number; known?: StageStartFacts },
): Promise<{ calendar: WorkingCalendar; holders: Holder[] | null } | null> {
  const { stage, known } = q;
  if (!startsStage(q.state, q.cmd)) return null;
  if (known) return { calendar: new WorkingCalendar(known.overrides), holders: stage ? (known.holders[holdersKey(stage)] ?? null) : null };
  try {
    const [overrides, holders] = await db.batch([overridesStatement(db), ...(stage ? [stageHoldersStatement(db, stage.role, stage.scope, { ofReport: q.reportId }, q.limit)] : [])]);
    return { calendar: new WorkingCalendar(overridesFrom(overrides!.results)), holders: holders ? (holders.results as Holder[]) : null };
  } catch (err) {
    // Nothing is recorded yet: the caller can simply try again (a stage is never started without
    // its due time, nor, now that they come in one read, without a look at its holders). Logged,
    // so that a fault of ours is not mistaken for D1 being away.
    console.error(JSON.stringify({ level: "error", message: "working calendar or stage holders unavailable", error: String(err) }));
    throw new ApiError("unavailable");
  }
}

/**
 * What the Worker read for a submit in its own batch, handed to the report's object so that it
 * does not read it again: the calendar's overrides and each (role, scope)'s first holders.
 */
export type StageStartFacts = { overrides: StoredOverride[]; holders: Record<string, Holder[]> };

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
