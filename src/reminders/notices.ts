// The two notices of a period (DESIGN.md section 11 "Reminders"), as the timer's steps run them:
// the reminder to the authors of units that have not submitted, and, once the due time has
// passed, the late notice to each late unit's centre heads and one list of the late units to the
// period's opener. Each person's notice is a row of the notifications log with an id made of the
// period, the notice and the person (messages.ts periodNoticeId): however often a step runs, each
// is recorded once, and only a row still waiting to be sent is put on the queue again.
import { nowIso } from "../domain/ids";
import { MAX_LISTED_UNITS, periodNoticeId, type PeriodMessage, type PeriodTemplate } from "./messages";
import { lateFacts, remindFacts, type ReminderPeriod } from "./queries";
import { renderPeriodNotification } from "./templates";

/** What a step did: how many people it addressed and how many messages it queued, or why nothing. */
export type NoticeOutcome = { addressed: number; queued: number; skipped?: "gone" | "closed" | "past due" | "nobody late" };

/** Messages per Queue sendBatch call: well under its 100 messages and 256 KB. */
const QUEUE_CHUNK = 50;

function message(period: ReminderPeriod, template: PeriodTemplate, to: { userId: string; email: string; name: string }, units: string[], extra: Partial<PeriodMessage> = {}): PeriodMessage {
  return {
    kind: "period",
    id: periodNoticeId(template, period.id, to.userId),
    template,
    periodId: period.id,
    periodTitle: period.title,
    dueAt: period.dueAt,
    userId: to.userId,
    email: to.email,
    name: to.name,
    units,
    ...extra,
  };
}

/**
 * Records each message in the log as "queued" unless its id is there already (one statement, the
 * rows as one JSON parameter), reads back which of them are still waiting (in the same batch), and
 * queues those. A message whose row says sent, skipped or failed is not queued again.
 */
async function recordAndQueue(env: Env, messages: PeriodMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const appBase = new URL(env.PORTAL_BASE_URL).origin;
  const rows = messages.map((m) => ({ id: m.id, userId: m.userId, email: m.email, template: m.template, subject: renderPeriodNotification(m, appBase).subject }));
  const [, waiting] = await env.DB.batch([
    env.DB.prepare(
      `INSERT OR IGNORE INTO notifications (id, user_id, report_id, to_email, template, subject, status, attempts, created_at)
       SELECT json_extract(value, '$.id'), json_extract(value, '$.userId'), NULL, json_extract(value, '$.email'), json_extract(value, '$.template'),
         json_extract(value, '$.subject'), 'queued', 0, ?1
       FROM json_each(?2)`,
    ).bind(nowIso(), JSON.stringify(rows)),
    // Statuses filtered here, not in SQL: with the condition SQLite walks the status index instead of the keys.
    env.DB.prepare("SELECT id, status FROM notifications WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(rows.map((r) => r.id))),
  ]);
  const pending = new Set(((waiting?.results ?? []) as { id: string; status: string }[]).filter((r) => r.status === "queued").map((r) => r.id));
  const bodies = messages.filter((m) => pending.has(m.id));
  for (let i = 0; i < bodies.length; i += QUEUE_CHUNK) {
    await env.NOTIFICATIONS.sendBatch(bodies.slice(i, i + QUEUE_CHUNK).map((body) => ({ body, contentType: "json" as const })));
  }
  return bodies.length;
}

/**
 * The reminder: each active author of a unit of the period that has not submitted. Nothing once
 * the period is closed, or once the due time has passed (a step held up that long would say "due
 * soon" too late; the late notice says what is true).
 */
export async function remindAuthors(env: Env, periodId: string, now: Date = new Date()): Promise<NoticeOutcome> {
  const { period, authors } = await remindFacts(env.DB, periodId);
  if (!period) return { addressed: 0, queued: 0, skipped: "gone" };
  if (period.status !== "open") return { addressed: 0, queued: 0, skipped: "closed" };
  if (now.getTime() >= Date.parse(period.dueAt)) return { addressed: 0, queued: 0, skipped: "past due" };
  const messages = authors.map((a) => message(period, "period_reminder", a, [a.unitName]));
  return { addressed: messages.length, queued: await recordAndQueue(env, messages) };
}

/**
 * The late notice: each active centre head of a unit that had not submitted by the due time, about
 * their unit, and the period's opener (if still active) with the list of those units. Nothing for
 * a period closed before its due time (whoever closed it early has decided what happens to the
 * missing reports); one closed at or after the due time still has its late units told. Nothing
 * when every unit was on time.
 */
export async function tellLate(env: Env, periodId: string): Promise<NoticeOutcome> {
  const { period, lateUnits, heads, opener } = await lateFacts(env.DB, periodId);
  if (!period) return { addressed: 0, queued: 0, skipped: "gone" };
  if (period.status !== "open" && (period.closedAt === null || Date.parse(period.closedAt) < Date.parse(period.dueAt))) return { addressed: 0, queued: 0, skipped: "closed" };
  if (lateUnits.length === 0) return { addressed: 0, queued: 0, skipped: "nobody late" };
  const messages = heads.map((h) => message(period, "period_late", h, [h.unitName]));
  if (opener) {
    const names = lateUnits.map((u) => u.unitName);
    const listed = names.slice(0, MAX_LISTED_UNITS);
    messages.push(message(period, "period_late_summary", opener, listed, { moreUnits: names.length - listed.length, expected: period.expected }));
  }
  return { addressed: messages.length, queued: await recordAndQueue(env, messages) };
}
