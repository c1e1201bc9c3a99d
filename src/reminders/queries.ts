// What a period's timer reads from D1: the period, who to remind, who is late. Each notice is one
// D1 round trip of index seeks per unit of the period (period_units' key, users by unit, the
// (user, role) grant, reports_period_unit_idx), never a scan of reports or users.

export type ReminderPeriod = {
  id: string;
  title: string;
  opensAt: string;
  dueAt: string;
  createdAt: string;
  status: "open" | "closed";
  closedAt: string | null;
  openedBy: string;
  /** How many units the period expects a report from. */
  expected: number;
};

/** A person written to, with the unit they are written to about. */
export type Addressee = { userId: string; email: string; name: string; unitId: string; unitName: string };

type PeriodRaw = { id: string; title: string; opens_at: string; due_at: string; created_at: string; status: "open" | "closed"; closed_at: string | null; opened_by: string; expected: number };

const PERIOD_SQL = `SELECT id, title, opens_at, due_at, created_at, status, closed_at, opened_by,
  (SELECT count(*) FROM period_units pu WHERE pu.period_id = periods.id) AS expected
  FROM periods WHERE id = ?`;

const periodOf = (r: PeriodRaw | undefined): ReminderPeriod | null =>
  r
    ? { id: r.id, title: r.title, opensAt: r.opens_at, dueAt: r.due_at, createdAt: r.created_at, status: r.status, closedAt: r.closed_at, openedBy: r.opened_by, expected: Number(r.expected) }
    : null;

export async function reminderPeriod(db: D1Database, periodId: string): Promise<ReminderPeriod | null> {
  return periodOf((await db.prepare(PERIOD_SQL).bind(periodId).first<PeriodRaw>()) ?? undefined);
}

/**
 * The active holders of `role` in each of the period's units that `unitFilter` keeps (a condition
 * on pu.unit_id), by unit name then person. A holder's own unit is where the role applies: authors
 * and centre heads act for their unit only (src/domain/policy.ts, own_unit). CROSS JOIN keeps
 * SQLite's join order as written: from the period's units, never from every grant of the role.
 */
function holdersSql(role: "author" | "centre_head", unitFilter: string): string {
  return `SELECT u.id AS userId, u.email, u.name, un.id AS unitId, un.name AS unitName
    FROM period_units pu
    CROSS JOIN users u
    CROSS JOIN role_grants g
    JOIN units un ON un.id = pu.unit_id
    WHERE pu.period_id = ?1 AND u.unit_id = pu.unit_id AND u.active = 1 AND g.user_id = u.id AND g.role = '${role}' AND ${unitFilter}
    ORDER BY un.name, un.id, u.id`;
}

/** Not submitted yet: no report of the unit in the period, or one never submitted. */
const NOT_SUBMITTED = `NOT EXISTS (SELECT 1 FROM reports r WHERE r.period_id = ?1 AND r.unit_id = pu.unit_id AND r.submitted_at IS NOT NULL)`;

/**
 * Late: not submitted by the period's due time (the board's `late`), whether or not it has been
 * since. Times are ISO strings in UTC with milliseconds on both sides, so they compare as text.
 */
const NOT_SUBMITTED_BY_DUE = `NOT EXISTS (SELECT 1 FROM reports r WHERE r.period_id = ?1 AND r.unit_id = pu.unit_id AND r.submitted_at IS NOT NULL
  AND r.submitted_at <= (SELECT due_at FROM periods WHERE id = ?1))`;

/** The period and the active authors of its units that have not submitted, in one round trip. */
export async function remindFacts(db: D1Database, periodId: string): Promise<{ period: ReminderPeriod | null; authors: Addressee[] }> {
  const [period, authors] = await db.batch([db.prepare(PERIOD_SQL).bind(periodId), db.prepare(holdersSql("author", NOT_SUBMITTED)).bind(periodId)]);
  return { period: periodOf((period?.results as PeriodRaw[] | undefined)?.[0]), authors: (authors?.results ?? []) as Addressee[] };
}

export type LateFacts = {
  period: ReminderPeriod | null;
  /** The units that had not submitted by the due time, by name. */
  lateUnits: { unitId: string; unitName: string }[];
  /** The active centre heads of those units. */
  heads: Addressee[];
  /** The period's opener, if still active. */
  opener: { userId: string; email: string; name: string } | null;
};

/** The period, its late units, their centre heads and the opener, in one round trip. */
export async function lateFacts(db: D1Database, periodId: string): Promise<LateFacts> {
  const [period, units, heads, opener] = await db.batch([
    db.prepare(PERIOD_SQL).bind(periodId),
    db
      .prepare(`SELECT un.id AS unitId, un.name AS unitName FROM period_units pu JOIN units un ON un.id = pu.unit_id WHERE pu.period_id = ?1 AND ${NOT_SUBMITTED_BY_DUE} ORDER BY un.name, un.id`)
      .bind(periodId),
    db.prepare(holdersSql("centre_head", NOT_SUBMITTED_BY_DUE)).bind(periodId),
    db.prepare("SELECT id AS userId, email, name FROM users WHERE id = (SELECT opened_by FROM periods WHERE id = ?) AND active = 1").bind(periodId),
  ]);
  return {
    period: periodOf((period?.results as PeriodRaw[] | undefined)?.[0]),
    lateUnits: (units?.results ?? []) as LateFacts["lateUnits"],
    heads: (heads?.results ?? []) as Addressee[],
    opener: ((opener?.results ?? []) as NonNullable<LateFacts["opener"]>[])[0] ?? null,
  };
}

/**
 * The open periods whose timer may still have something to do: the due time not more than
 * `graceMs` ago (a late notice later than that says nothing the board does not), and opened before
 * it. Walks periods_status_due_idx.
 */
export async function periodsWithPendingNotices(db: D1Database, now: Date, graceMs: number): Promise<string[]> {
  const res = await db
    .prepare("SELECT id FROM periods WHERE status = 'open' AND due_at > ? AND created_at < due_at ORDER BY due_at, id")
    .bind(new Date(now.getTime() - graceMs).toISOString())
    .all<{ id: string }>();
  return res.results.map((r) => r.id);
}
