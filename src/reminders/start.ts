// Starting a period's timer (./workflow.ts), and the hourly sweep that starts any timer that is
// missing. Opening a period writes it to D1 first and starts its timer after: if the Workflows
// service refuses, the period exists anyway (the caller is not told of a failure that changes
// nothing for them) and the sweep creates the instance within the hour, well before a reminder
// that is at least a working day ahead.
import { env as workerEnv } from "cloudflare:workers";
import { periodsWithPendingNotices } from "./queries";

/** A late notice more than this late is not worth starting a timer for: the board shows it all. */
export const SWEEP_GRACE_MS = 3 * 24 * 3600_000;

type Binding = Pick<Env, "PERIOD_REMINDERS">;

/** Creates the period's instance (id = period id); one created meanwhile by another caller is kept. */
async function create(e: Binding, periodId: string): Promise<void> {
  try {
    await e.PERIOD_REMINDERS.create({ id: periodId, params: { periodId } });
  } catch (err) {
    if (!(await e.PERIOD_REMINDERS.get(periodId).catch(() => null))) throw err;
  }
}

/**
 * Starts the timer of a period just opened. The binding comes from the Worker's env (the
 * `cloudflare:workers` import) because openPeriod, the one caller, is given only D1 by both the API
 * and the web form; the Workflow is a deployment concern neither should have to pass along. A
 * failure is logged and left to the sweep (sweepPeriodReminders).
 */
export async function startPeriodReminders(periodId: string, e: Binding = workerEnv): Promise<boolean> {
  try {
    await create(e, periodId);
    return true;
  } catch (err) {
    console.error(JSON.stringify({ level: "error", message: "period reminders not started; the hourly sweep will retry", periodId, error: String(err) }));
    return false;
  }
}

/**
 * The cron trigger's work (wrangler.toml [triggers]): for each open period whose notices may still
 * be due, an instance that is missing is created and one that failed for good is restarted. Both
 * are safe for a period whose notices went out already: the steps re-read the period and the log,
 * and the log takes each notice once.
 */
export async function sweepPeriodReminders(e: Pick<Env, "DB" | "PERIOD_REMINDERS">, now: Date = new Date()): Promise<{ created: string[]; restarted: string[] }> {
  const created: string[] = [];
  const restarted: string[] = [];
  for (const periodId of await periodsWithPendingNotices(e.DB, now, SWEEP_GRACE_MS)) {
    const instance = await e.PERIOD_REMINDERS.get(periodId).catch(() => null);
    if (!instance) {
      await create(e, periodId);
      created.push(periodId);
    } else if ((await instance.status()).status === "errored") {
      await instance.restart();
      restarted.push(periodId);
    }
  }
  if (created.length || restarted.length) console.warn(JSON.stringify({ level: "warn", message: "period reminders recovered", created, restarted }));
  return { created, restarted };
}
