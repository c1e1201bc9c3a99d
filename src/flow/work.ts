// What each kind of ReportFlow's due work does. Every piece is idempotent: the alarm may run one
// again after a process died half-way through it.
import { retract } from "../portal/publish";
import { workingCalendarOf } from "../queries/calendar";
import { backoffMs, endPublication, ensurePublication, sendNotifications, type NotifyPayload } from "./effects";
import { slaNotification } from "./record";
import { sendVerdict } from "./sla";
import { addIssue, deferWorkUntil, dueWork, loadFlow, removeWork, retryWork, scheduledAt, setWorkPayload, type Work } from "./storage";

/**
 * Not a failure: the work is being done elsewhere (a workflow), or may not be done yet (a day
 * off), and is looked at again later (not before `notBefore`).
 */
export class LookAgain extends Error {
  constructor(readonly notBefore: string | null = null) {
    super("look again");
  }
}

/**
 * Does one piece of due work at `now`; `project` projects pending events to D1 (true when none is
 * left). Throws LookAgain for work to look at again later (a publication under way, a reminder or
 * escalation that has come due on a day off).
 */
export async function perform(env: Env, sql: SqlStorage, work: Work, project: () => Promise<boolean>, now: Date): Promise<void> {
  const flow = loadFlow(sql)!;
  switch (work.kind) {
    case "project":
      if (!(await project())) throw new Error("projection pending");
      return;
    case "notify":
      await sendNotifications(env, flow.reportId, work.payload as NotifyPayload);
      return;
    case "publish": {
      // Watched until the revision is on the portal: a PUBLISH instance lost with a process
      // that died, or failed for good, is started again.
      const revision = Number(work.payload.revision);
      if (flow.revision !== revision || (flow.status !== "approved" && flow.status !== "scheduled")) return;
      // A scheduled publication sleeps until its time: it is not stale, nor worth a look, before.
      const publishAt = flow.status === "scheduled" ? scheduledAt(sql) : null;
      const since = [typeof work.payload.since === "string" ? work.payload.since : null, publishAt]
        .filter((t): t is string => t !== null)
        .sort()
        .pop();
      if (await ensurePublication(env, flow.reportId, revision, since ?? null)) {
        setWorkPayload(sql, work.id, { ...work.payload, since: new Date().toISOString() });
      }
      throw new LookAgain(publishAt);
    }
    case "unschedule":
      await endPublication(env, flow.reportId, Number(work.payload.revision));
      return;
    case "retract":
      await retract(env.BUCKET, env.DB, env.PORTAL_BASE_URL, flow.reportId, String(work.payload.reason), String(work.payload.at));
      return;
    case "remind":
    case "escalate": {
      const payload = slaNotification(flow, work);
      if (!payload) return;
      // Read again at the moment of sending: the admin may have made today a day off since the
      // work was scheduled. One small D1 read, only for the reminders and escalations that fall due.
      const verdict = sendVerdict(await workingCalendarOf(env.DB), work.kind, now, flow.stageDueAt);
      if (!verdict.send) {
        if (verdict.until) throw new LookAgain(verdict.until);
        return;
      }
      await sendNotifications(env, flow.reportId, payload);
      return;
    }
  }
}

/**
 * Runs the work due at `now`, the projection first: each piece is removed once done, retried with
 * backoff if it failed, or put off to when it is to be looked at again. `checkpoint` (tests only)
 * may end the object before and after each piece, as a crash would.
 */
export async function runDueWork(
  env: Env,
  sql: SqlStorage,
  now: Date,
  project: () => Promise<boolean>,
  checkpoint: ((point: string) => Promise<void>) | null,
): Promise<void> {
  for (const work of dueWork(sql, now.toISOString())) {
    if (checkpoint) await checkpoint(`before:${work.kind}`);
    const later = new Date(Date.now() + backoffMs(work.attempts)).toISOString();
    let again: LookAgain | null = null;
    try {
      await perform(env, sql, work, project, now);
    } catch (err) {
      // project() has rescheduled itself and noted the issue; the rest waits for D1 to catch up
      // (emails and publication read the report there: a page must not leave out the approval
      // D1 has not yet heard of), so it is put back to the projection's retry.
      if (work.kind === "project") {
        deferWorkUntil(sql, "project");
        break;
      }
      again = err instanceof LookAgain ? err : null;
      if (!again) {
        addIssue(sql, work.kind, String(err));
        retryWork(sql, work.id, later, String(err));
        continue;
      }
    }
    if (checkpoint) await checkpoint(`after:${work.kind}`);
    if (again) retryWork(sql, work.id, again.notBefore && again.notBefore > later ? again.notBefore : later, "");
    else removeWork(sql, work.id);
  }
}
