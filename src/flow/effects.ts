// What a transition sets off beyond D1: notification messages on the NOTIFICATIONS queue and the
// PUBLISH workflow. Each is a row of due work, done at once and retried by the alarm if it fails.
import type { Role } from "../db/schema";
import { renderNotification } from "../notifications/templates";
import { database } from "../db/client";
import { stageHoldersQuery } from "../queries/stage-holders";

export const NOTIFICATION_TEMPLATES = [
  "awaiting_review",
  "reminder",
  "escalation",
  "returned",
  "approved",
  "published",
  "unpublished",
  "assigned",
  "cancelled",
] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

/**
 * Who a notification goes to: a stage's reviewers, holders of a role over the unit, the author, or
 * one person as the holder of a stage's role (its assignee).
 */
export type Audience =
  | { type: "reviewers"; role: Role; scope: "own_unit" | "covered_units" }
  | { type: "role"; role: Role }
  | { type: "author" }
  | { type: "user"; userId: string; role: Role };

/** Who made the decision a notification tells of; `onBehalfOf` when it was signed for someone (KT.). */
export type DecidedBy = { name: string; role: string | null; onBehalfOf: { userId: string; name: string; role: string } | null };

export type NotifyPayload = {
  eventId: string;
  template: NotificationTemplate;
  audience: Audience;
  /**
   * Told as well, as overseers of the audience (the deputy heads of an overdue specialist's
   * stage). Someone in both is told once, as one of the audience.
   */
  alsoTo?: Audience | null;
  revision: number;
  stage?: { id: string; label: string } | null;
  comment?: string | null;
  dueAt?: string | null;
  by?: DecidedBy | null;
};

/**
 * One queue message per recipient; `id` is stable so a retried send is recognisable downstream.
 * `audience` is the one that reached the recipient; `oversight` says it was `alsoTo`.
 */
export type NotificationMessage = Omit<NotifyPayload, "alsoTo"> & {
  id: string;
  oversight?: boolean;
  reportId: string;
  reportTitle: string;
  unitId: string;
  /** The unit's name, for letters that say whose reports a reviewer alone handles (absent on older messages). */
  unitName?: string;
  userId: string;
  email: string;
  name: string;
  /**
   * Set when the recipient is told in someone else's stead: the holder of the audience's role who
   * is away (`absence`: told instead of them) or who delegated it (`delegation`: told as well).
   */
  standsInFor?: StandIn | null;
};

/** Whom a letter's recipient stands in for, and until when. */
export type StandIn = { userId: string; name: string; kind: "absence" | "delegation"; until: string };

type Recipient = { id: string; email: string; name: string };
type Addressed = Recipient & { audience: Audience; oversight: boolean; standsInFor: StandIn | null };

/** Who an audience is, as SQL text and parameters (selecting id, email, name), to be run alone or nested. */
function audienceQuery(db: D1Database, reportId: string, audience: Audience): { sql: string; params: unknown[] } {
  if (audience.type === "author") {
    return { sql: "SELECT id, email, name FROM users WHERE id = (SELECT author_id FROM reports WHERE id = ?) AND active = 1", params: [reportId] };
  }
  if (audience.type === "reviewers") return stageHoldersQuery(database(db), audience.role, audience.scope, { ofReport: reportId }).toSQL();
  if (audience.type === "user") return { sql: "SELECT id, email, name FROM users WHERE id = ? AND active = 1", params: [audience.userId] };
  return {
    sql: "SELECT DISTINCT u.id, u.email, u.name FROM users u JOIN role_grants g ON g.user_id = u.id WHERE g.role = ? AND u.active = 1 ORDER BY u.id",
    params: [audience.role],
  };
}

/** A delegation of a role running now, with its delegate (only active delegates are returned). */
type Running = { fromId: string; role: string; kind: "absence" | "delegation"; endsAt: string } & Recipient;

/**
 * The delegations of `role` given by the audience's members that run at `now` (not ended, started,
 * not past their end), each with its delegate if that delegate is active: the audience nested, so
 * that it goes in the same batch as the audience itself. Walks delegations_from_idx (from_user_id,
 * role, ends_at). One delegator has at most one running delegation of a role (overlaps are refused
 * when written); should two ever meet, the earliest started is used.
 */
function runningDelegations(db: D1Database, audience: { sql: string; params: unknown[] }, role: Role, now: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT d.from_user_id AS fromId, d.role, d.kind, d.ends_at AS endsAt, u.id, u.email, u.name
       FROM delegations d JOIN users u ON u.id = d.to_user_id AND u.active = 1
       WHERE d.from_user_id IN (SELECT id FROM (${audience.sql})) AND d.role = ?
         AND d.ended_at IS NULL AND d.ends_at > ? AND d.starts_at <= ?
       ORDER BY d.from_user_id, d.role, d.starts_at, d.id`,
    )
    .bind(...audience.params, role, now, now);
}

/** The role an audience's members are told as holders of: only those can be delegated or covered in an absence. */
const roleOf = (a: Audience): Role | null => (a.type === "reviewers" || a.type === "user" ? a.role : null);

/**
 * The report's title and unit, who the audience (and those told as well) are, and the delegations
 * of those reached as holders of a role (a stage's reviewers, an assignee): one D1 round trip.
 * Each person once, by the first audience naming them.
 *
 * A holder away (a running delegation of kind 'absence' of the audience's role) is not told: their
 * substitute is, in their stead. A holder who delegated the role (kind 'delegation') is told, and
 * their delegate as well, since either may decide. A delegate no longer active reaches nobody, so
 * then the holder is told as if nothing were delegated.
 */
export async function recipients(
  db: D1Database,
  reportId: string,
  audience: Audience,
  alsoTo: Audience | null = null,
  now: string = new Date().toISOString(),
): Promise<{ title: string; unitId: string; unitName: string; to: Addressed[] }> {
  const audiences = alsoTo ? [audience, alsoTo] : [audience];
  const queries = audiences.map((a) => audienceQuery(db, reportId, a));
  const delegated = audiences.flatMap((a, i) => {
    const role = roleOf(a);
    return role ? [runningDelegations(db, queries[i]!, role, now)] : [];
  });
  const [found, ...lists] = await db.batch([
    db.prepare("SELECT r.title, r.unit_id, u.name AS unit_name FROM reports r LEFT JOIN units u ON u.id = r.unit_id WHERE r.id = ?").bind(reportId),
    ...queries.map((q) => db.prepare(q.sql).bind(...q.params)),
    ...delegated,
  ]);
  const report = (found?.results as { title: string; unit_id: string; unit_name: string | null }[] | undefined)?.[0];
  if (!report) throw new Error(`report ${reportId} not in D1`);
  const members = lists.slice(0, audiences.length).map((list) => (list?.results ?? []) as Recipient[]);
  const running = new Map<string, Running>();
  for (const list of lists.slice(audiences.length)) {
    for (const d of (list?.results ?? []) as Running[]) if (!running.has(`${d.fromId}:${d.role}`)) running.set(`${d.fromId}:${d.role}`, d);
  }

  const to = new Map<string, Addressed>();
  const add = (r: Recipient, i: number, standsInFor: StandIn | null) => {
    if (!to.has(r.id)) to.set(r.id, { id: r.id, email: r.email, name: r.name, audience: audiences[i]!, oversight: i > 0, standsInFor });
  };
  members.forEach((list, i) => {
    const role = roleOf(audiences[i]!);
    for (const r of list) {
      const d = role ? running.get(`${r.id}:${role}`) : undefined;
      if (d?.kind !== "absence") add(r, i, null);
      if (d) add(d, i, { userId: r.id, name: r.name, kind: d.kind, until: d.endsAt });
    }
  });
  return { title: report.title, unitId: report.unit_id, unitName: report.unit_name ?? "", to: [...to.values()] };
}

/**
 * Puts one message per recipient on the queue, each recorded in D1 as "queued" first: a message
 * lost with the queue (the process died before the consumer ran) still shows in the log as not
 * sent. The consumer moves the record on from there; a repeated call changes no record.
 */
export async function sendNotifications(env: Env, reportId: string, p: NotifyPayload): Promise<number> {
  const { alsoTo, ...payload } = p;
  const { title, unitId, unitName, to } = await recipients(env.DB, reportId, p.audience, alsoTo ?? null);
  if (to.length === 0) return 0;
  const bodies: NotificationMessage[] = to.map((r) => ({
    ...payload,
    audience: r.audience,
    oversight: r.oversight,
    id: `${p.eventId}:${p.template}:${r.id}`,
    reportId,
    reportTitle: title,
    unitId,
    unitName,
    userId: r.id,
    email: r.email,
    name: r.name,
    standsInFor: r.standsInFor,
  }));
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

/**
 * Ends the PUBLISH instance of a revision whose scheduled publication was called off (asleep until
 * its time). Idempotent: an instance already ended, or never created, is left as it is. Should it
 * wake first anyway, it finds the report no longer scheduled and publishes nothing (workflow.ts).
 */
export async function endPublication(env: Env, reportId: string, revision: number): Promise<void> {
  const instance = await env.PUBLISH.get(publishInstanceId(reportId, revision)).catch(() => null);
  if (!instance) return;
  const { status } = await instance.status();
  if (status === "complete" || status === "errored" || status === "terminated") return;
  await instance.terminate();
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
