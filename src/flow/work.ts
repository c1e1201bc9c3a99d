// What each kind of ReportFlow's due work does. Every piece is idempotent: the alarm may run one
// again after a process died half-way through it.
import { retract } from "../portal/publish";
import { ensurePublication, sendNotifications, type NotifyPayload } from "./effects";
import { slaNotification } from "./record";
import { loadFlow, scheduledAt, setWorkPayload, type Work } from "./storage";

/** Not a failure: the work is being done elsewhere (a workflow), and is looked at again later (not before `notBefore`). */
export class LookAgain extends Error {
  constructor(readonly notBefore: string | null = null) {
    super("look again");
  }
}

/** Does one piece of due work; `project` projects pending events to D1 (true when none is left). */
export async function perform(env: Env, sql: SqlStorage, work: Work, project: () => Promise<boolean>): Promise<void> {
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
    case "retract":
      await retract(env.BUCKET, env.DB, env.PORTAL_BASE_URL, flow.reportId, String(work.payload.reason), String(work.payload.at));
      return;
    case "remind":
    case "escalate": {
      const payload = slaNotification(flow, work);
      if (payload) await sendNotifications(env, flow.reportId, payload);
      return;
    }
  }
}
