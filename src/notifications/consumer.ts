// The NOTIFICATIONS queue consumer: render, send through the send_email binding, record every
// message in D1 `notifications`. Failures retry with backoff; after the last retry the queue moves
// the message to the dead-letter queue and its record says failed.
import { z } from "zod";
import { ROLES } from "../db/schema";
import { backoffMs, NOTIFICATION_TEMPLATES, type NotificationMessage } from "../flow/effects";
import { PeriodMessageSchema } from "../reminders/messages";
import { renderPeriodNotification } from "../reminders/templates";
import { ESSENTIAL, renderNotification, type Rendered } from "./templates";

// wrangler.toml [[queues.consumers]] max_retries = 5: the sixth delivery is the last.
export const MAX_ATTEMPTS = 6;

const MessageSchema = z.object({
  id: z.string().min(1).max(300),
  template: z.enum(NOTIFICATION_TEMPLATES),
  eventId: z.string(),
  revision: z.number().int(),
  reportId: z.string(),
  reportTitle: z.string(),
  unitId: z.string(),
  // Absent on messages queued before they existed.
  unitName: z.string().optional(),
  userId: z.string(),
  email: z.email(),
  name: z.string(),
  stage: z.object({ id: z.string(), label: z.string() }).nullable().optional(),
  comment: z.string().nullable().optional(),
  dueAt: z.string().nullable().optional(),
  // Absent on messages queued before it existed (their escalations went to overseers only).
  oversight: z.boolean().optional(),
  audience: z.discriminatedUnion("type", [
    z.object({ type: z.literal("reviewers"), role: z.enum(ROLES), scope: z.enum(["own_unit", "covered_units"]) }),
    z.object({ type: z.literal("role"), role: z.enum(ROLES) }),
    z.object({ type: z.literal("author") }),
    z.object({ type: z.literal("user"), userId: z.string(), role: z.enum(ROLES) }),
  ]),
  by: z
    .object({
      name: z.string(),
      role: z.string().nullable(),
      onBehalfOf: z.object({ userId: z.string(), name: z.string(), role: z.string() }).nullable(),
    })
    .nullable()
    .optional(),
  standsInFor: z
    .object({ userId: z.string(), name: z.string(), kind: z.enum(["absence", "delegation"]), until: z.string() })
    .nullable()
    .optional(),
});

type Status = "queued" | "sent" | "failed" | "skipped";

/**
 * A message as sent and logged, whichever shape it came in: a report's (src/flow/effects.ts) or a
 * period's (src/reminders/messages.ts, `kind: "period"`, about no report).
 */
type Letter = { id: string; userId: string; reportId: string | null; email: string; template: string; essential: boolean; render: () => Rendered };

function letterOf(body: unknown, appBase: string): Letter | null {
  // Told apart by their kind first, so each is parsed by its own schema only.
  const period = typeof body === "object" && body !== null && "kind" in body ? PeriodMessageSchema.safeParse(body) : null;
  if (period) {
    if (!period.success) return null;
    const m = period.data;
    // A period's notices are reminders: the recipient's opt-out holds for them as for a stage's.
    return { id: m.id, userId: m.userId, reportId: null, email: m.email, template: m.template, essential: false, render: () => renderPeriodNotification(m, appBase) };
  }
  const parsed = MessageSchema.safeParse(body);
  if (!parsed.success) return null;
  const m: NotificationMessage = parsed.data;
  return { id: m.id, userId: m.userId, reportId: m.reportId, email: m.email, template: m.template, essential: ESSENTIAL.includes(m.template), render: () => renderNotification(m, appBase) };
}

/** The upsert that moves a message's record on (or writes it, for a message that came without one). */
function record(db: D1Database, m: Letter, subject: string, status: Status, attempts: number, error: string | null): D1PreparedStatement {
  const now = new Date().toISOString();
  return db
    .prepare(
      `INSERT INTO notifications (id, user_id, report_id, to_email, template, subject, status, attempts, last_error, created_at, sent_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, CASE WHEN ?7 = 'sent' THEN ?10 END)
       ON CONFLICT (id) DO UPDATE SET status = ?7, attempts = max(attempts, ?8), last_error = coalesce(?9, last_error), subject = ?6,
         sent_at = CASE WHEN ?7 = 'sent' THEN ?10 ELSE sent_at END`,
    )
    .bind(m.id, m.userId, m.reportId, m.email, m.template, subject, status, attempts, error, now);
}

const retryLater = (message: Message<unknown>) => message.retry({ delaySeconds: Math.round(backoffMs(message.attempts) / 1000) });

type Facts = { status: Status | null; optOut: boolean };

/**
 * What decides whether each letter is sent, for the whole batch in one round trip: its record (the
 * flow writes it as "queued" before the message is put on the queue) and the recipient's opt-out.
 */
async function factsOf(db: D1Database, letters: readonly Letter[]): Promise<Map<string, Facts>> {
  const { results } = await db
    .prepare(
      `SELECT j.value ->> 0 AS id, (SELECT status FROM notifications WHERE id = j.value ->> 0) AS status,
         (SELECT email_opt_out FROM users WHERE id = j.value ->> 1) AS opt_out
       FROM json_each(?1) j`,
    )
    .bind(JSON.stringify(letters.map((m) => [m.id, m.userId])))
    .all<{ id: string; status: Status | null; opt_out: number | null }>();
  return new Map(results.map((r) => [r.id, { status: r.status, optOut: Boolean(r.opt_out) }]));
}

/**
 * A batch of letters: one read for what decides them all, then each letter on its own: sent,
 * recorded and acknowledged (or retried with backoff) before the next, so that a failure or a
 * crash puts at most the letter in hand at risk of a second sending, as with one letter a batch.
 */
export async function consumeNotifications(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const appBase = new URL(env.PORTAL_BASE_URL).origin;
  const db = env.DB;
  const work: { message: Message<unknown>; m: Letter }[] = [];
  const seen = new Set<string>();
  for (const message of batch.messages) {
    const m = letterOf(message.body, appBase);
    if (!m) {
      // Not ours to retry: nothing could ever send it.
      console.error(JSON.stringify({ level: "error", message: "malformed notification", id: message.id }));
      message.ack();
    } else if (seen.has(m.id)) {
      // The same letter twice in one batch (a send repeated by its flow): it goes once, with the first.
      message.ack();
    } else {
      seen.add(m.id);
      work.push({ message, m });
    }
  }
  if (work.length === 0) return;
  let facts: Map<string, Facts>;
  try {
    facts = await factsOf(db, work.map((w) => w.m));
  } catch (err) {
    console.error(JSON.stringify({ level: "error", message: "notification facts unavailable; the batch is retried", error: String(err) }));
    for (const w of work) retryLater(w.message);
    return;
  }
  for (const { message, m } of work) {
    try {
      await deliverLetter(env, message, m, facts.get(m.id) ?? { status: null, optOut: false });
    } catch (err) {
      // D1 unavailable while recording, or a letter that cannot be rendered: this one is tried
      // again later, the others go on.
      console.error(JSON.stringify({ level: "error", message: "notification handling failed", id: message.id, error: String(err) }));
      retryLater(message);
    }
  }
}

async function deliverLetter(env: Env, message: Message<unknown>, m: Letter, fact: Facts): Promise<void> {
  const db = env.DB;
  if (fact.status && fact.status !== "queued" && fact.status !== "failed") {
    message.ack(); // already sent (or skipped): a redelivery sends nothing twice
    return;
  }
  const rendered = m.render();
  if (!m.essential && fact.optOut) {
    await record(db, m, rendered.subject, "skipped", message.attempts, null).run();
    message.ack();
    return;
  }
  // Recorded before sending: if D1 cannot take the record, nothing is sent (and the queue retries).
  // The flow has normally recorded it already; a message without a record gets one here.
  if (!fact.status) await record(db, m, rendered.subject, "queued", message.attempts, null).run();
  try {
    await env.MAIL.send({ from: env.MAIL_FROM, to: m.email, subject: rendered.subject, text: rendered.text, html: rendered.html });
  } catch (err) {
    const last = message.attempts >= MAX_ATTEMPTS;
    await record(db, m, rendered.subject, last ? "failed" : "queued", message.attempts, String(err).slice(0, 500)).run();
    retryLater(message);
    return;
  }
  await record(db, m, rendered.subject, "sent", message.attempts, null).run();
  message.ack();
}
