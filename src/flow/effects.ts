// What a transition sets off beyond D1: notification messages on the NOTIFICATIONS queue and the
// PUBLISH workflow. Each is a row of due work, done at once and retried by the alarm if it fails.
import type { Role } from "../db/schema";
import { renderNotification } from "../notifications/templates";
import { stageHoldersStatement } from "../queries/stage-holders";

export const NOTIFICATION_TEMPLATES = [
  "awaiting_review",
  "reminder",
  "escalation",
  "returned",
  "approved",
  "published",
  "unpublished",
] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

/** Who a notification goes to: a stage's reviewers, holders of a role over the unit, or the author. */
export type Audience =
  | { type: "reviewers"; role: Role; scope: "own_unit" | "covered_units" }
  | { type: "role"; role: Role }
  | { type: "author" };

export type NotifyPayload = {
  eventId: string;
  template: NotificationTemplate;
  audience: Audience;
  revision: number;
  stage?: { id: string; label: string } | null;
  comment?: string | null;
  dueAt?: string | null;
};

/** One queue message per recipient; `id` is stable so a retried send is recognisable downstream. */
export type NotificationMessage = NotifyPayload & {
  id: string;
  reportId: string;
  reportTitle: string;
  unitId: string;
  userId: string;
  email: string;
  name: string;
};

type Recipient = { id: string; email: string; name: string };

/** The report's title and unit, and who the audience is: one D1 round trip (the unit is read by the statements). */
export async function recipients(db: D1Database, reportId: string, audience: Audience): Promise<{ title: string; unitId: string; to: Recipient[] }> {
  let stmt: D1PreparedStatement;
  if (audience.type === "author") {
    stmt = db.prepare("SELECT id, email, name FROM users WHERE id = (SELECT author_id FROM reports WHERE id = ?) AND active = 1").bind(reportId);
  } else if (audience.type === "reviewers") {
    stmt = stageHoldersStatement(db, audience.role, audience.scope, { ofReport: reportId });
  } else {
    stmt = db
      .prepare("SELECT DISTINCT u.id, u.email, u.name FROM users u JOIN role_grants g ON g.user_id = u.id WHERE g.role = ? AND u.active = 1 ORDER BY u.id")
      .bind(audience.role);
  }
  const [found, to] = await db.batch([db.prepare("SELECT title, unit_id FROM reports WHERE id = ?").bind(reportId), stmt]);
  const report = (found?.results as { title: string; unit_id: string }[] | undefined)?.[0];
  if (!report) throw new Error(`report ${reportId} not in D1`);
  return { title: report.title, unitId: report.unit_id, to: (to?.results ?? []) as Recipient[] };
}

/**
 * Puts one message per recipient on the queue, each recorded in D1 as "queued" first: a message
 * lost with the queue (the process died before the consumer ran) still shows in the log as not
 * sent. The consumer moves the record on from there; a repeated call changes no record.
 */
export async function sendNotifications(env: Env, reportId: string, p: NotifyPayload): Promise<number> {
  const { title, unitId, to } = await recipients(env.DB, reportId, p.audience);
  if (to.length === 0) return 0;
  const bodies: NotificationMessage[] = to.map((r) => ({ ...p, id: `${p.eventId}:${p.template}:${r.id}`, reportId, reportTitle: title, unitId, userId: r.id, email: r.email, name: r.name }));
  const appBase = new URL(env.PORTAL_BASE_URL).origin;
  const now = new Date().toISOString();
  const record = env.DB.prepare(
    `INSERT OR IGNORE INTO notifications (id, user_id, report_id, to_email, template, subject, status, attempts, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?)`,
  );
  await env.DB.batch(bodies.map((m) => record.bind(m.id, m.userId, m.reportId, m.email, m.template, renderNotification(m, appBase).subject, now)));
  await env.NOTIFICATIONS.sendBatch(bodies.map((body) => ({ body, contentType: "json" as const })));
  return bodies.length;
}

/** The PUBLISH instance id is derived from report and revision: a retried approval cannot publish twice. */
export const publishInstanceId = (reportId: string, revision: number) => `${reportId}-r${revision}`;

/**
 * Makes sure the revision's PUBLISH instance exists and is going: creates it, or restarts one that
 * failed for good or was lost with a process that died while running it (still "running" or
 * "queued" long after `since`, its last start or its publication time, past what a publication
 * takes even with all its step retries). Every step of the workflow is idempotent, so a restart
 * republishes the same page. True when it (re)started the instance.
 */
export async function ensurePublication(env: Env, reportId: string, revision: number, since: string | null = null): Promise<boolean> {
  const id = publishInstanceId(reportId, revision);
  const existing = await env.PUBLISH.get(id).catch(() => null);
  if (!existing) {
    try {
      await env.PUBLISH.create({ id, params: { reportId, revision } });
    } catch (err) {
      // Created meanwhile by another attempt: that instance carries on.
      if (!(await env.PUBLISH.get(id).catch(() => null))) throw err;
    }
    return true;
  }
  const { status } = await existing.status();
  const staleMs = (Number(env.PUBLICATION_STALE_SECONDS) || 300) * 1000;
  const stale = (status === "running" || status === "queued") && since !== null && Date.now() - Date.parse(since) > staleMs;
  if (status === "errored" || status === "terminated" || status === "unknown" || stale) {
    console.warn(JSON.stringify({ level: "warn", message: "publication restarted", reportId, revision, status }));
    await existing.restart();
    return true;
  }
  return false;
}

export function backoffMs(attempts: number): number {
  return Math.min(10 * 60_000, 2 ** attempts * 5_000);
}
