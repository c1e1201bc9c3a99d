// The durable timer of a reporting period's reminders (DESIGN.md section 11 "Reminders").
//
// Why a Workflow and not a Durable Object alarm: the timer is two waits and two sends, once per
// period, with nothing to answer in between. A Workflow keeps each wait (sleepUntil, weeks long)
// and the result of each step durably, retries a failed step with backoff, and never runs a step
// that has completed again; an alarm would need its own stored schedule, retry rules and "done"
// flags for the same thing. The instance id is the period id, so there is at most one per period.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { workingCalendarOf } from "../queries/calendar";
import { periodReminderPlan } from "./moments";
import { remindAuthors, tellLate, type NoticeOutcome } from "./notices";
import { reminderPeriod } from "./queries";

export type PeriodRemindersParams = { periodId: string };

export type PeriodRemindersOutput = { remindAt: string | null; lateAt: string | null; remind: NoticeOutcome | null; late: NoticeOutcome | null };

const RETRY = { retries: { limit: 5, delay: "10 seconds" as const, backoff: "exponential" as const }, timeout: "2 minutes" as const };

/**
 * Plan (when to remind, when to tell who is late, from the working calendar), wait, remind, wait,
 * tell. Every side effect is inside a step and is idempotent (fixed notification ids), so a retried
 * step, a restarted instance or a second instance for the same period sends nobody anything twice.
 * The steps read the period when they run: a period closed meanwhile sends nothing.
 */
export class PeriodRemindersWorkflow extends WorkflowEntrypoint<Env, PeriodRemindersParams> {
  override async run(event: WorkflowEvent<PeriodRemindersParams>, step: WorkflowStep): Promise<PeriodRemindersOutput> {
    const { periodId } = event.payload;

    const plan = await step.do("plan", RETRY, async () => {
      const [period, calendar] = await Promise.all([reminderPeriod(this.env.DB, periodId), workingCalendarOf(this.env.DB)]);
      if (!period) throw new NonRetryableError(`period ${periodId} not in D1`);
      return periodReminderPlan(calendar, period, new Date());
    });

    let remind: NoticeOutcome | null = null;
    if (plan.remindAt) {
      await step.sleepUntil("wait for the reminder time", new Date(plan.remindAt));
      remind = await step.do("remind", RETRY, () => remindAuthors(this.env, periodId));
    }

    let late: NoticeOutcome | null = null;
    if (plan.lateAt) {
      await step.sleepUntil("wait for the due time", new Date(plan.lateAt));
      late = await step.do("late", RETRY, () => tellLate(this.env, periodId));
    }
    return { ...plan, remind, late };
  }
}
