// Delegations and absences in D1 (DESIGN.md section 13). A delegation runs while
// starts_at <= now < ends_at and ended_at IS NULL; rows are never deleted, only ended. Every check
// that must hold against a concurrent request (no two overlapping delegations of one role by one
// person) is a condition of the writing statement itself, not a read before it.
import type { Role } from "../db/schema";

export type DelegationKind = "delegation" | "absence";
export type DelegationState = "scheduled" | "active" | "ended";

/** A delegation with the names of the people it names. */
export type DelegationRow = {
  id: string;
  fromUserId: string;
  fromName: string;
  toUserId: string;
  toName: string;
  role: Role;
  kind: DelegationKind;
  startsAt: string;
  endsAt: string;
  note: string | null;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  endedAt: string | null;
  endedBy: string | null;
};

/** What a new row carries (names are looked up when it is read back). */
export type NewDelegation = {
  id: string;
  fromUserId: string;
  toUserId: string;
  role: Role;
  kind: DelegationKind;
  startsAt: string;
  endsAt: string;
  note: string | null;
  createdBy: string;
  createdAt: string;
};

const SELECT = `SELECT d.id, d.from_user_id AS fromUserId, f.name AS fromName, d.to_user_id AS toUserId, t.name AS toName,
    d.role, d.kind, d.starts_at AS startsAt, d.ends_at AS endsAt, d.note, d.created_by AS createdBy, c.name AS createdByName,
    d.created_at AS createdAt, d.ended_at AS endedAt, d.ended_by AS endedBy
  FROM delegations d JOIN users f ON f.id = d.from_user_id JOIN users t ON t.id = d.to_user_id JOIN users c ON c.id = d.created_by`;

/** Still to run or running: not ended by anyone and not past its end. */
const LIVE = (alias: string) => `${alias}.ended_at IS NULL AND ${alias}.ends_at > ?`;

/**
 * A live delegation of one of the roles `?` (a JSON array) by `?` whose [starts_at, ends_at)
 * meets [?, ?). Bound as: fromUserId, roles JSON, now, new startsAt, new endsAt. Walks
 * delegations_from_idx (from_user_id, role, ends_at).
 */
const OVERLAP = `SELECT o.id FROM delegations o
  WHERE o.from_user_id = ? AND o.role IN (SELECT value FROM json_each(?)) AND ${LIVE("o")}
    AND o.ends_at > ? AND o.starts_at < ?`;

function overlapBinds(fromUserId: string, roles: readonly string[], now: string, startsAt: string, endsAt: string) {
  return [fromUserId, JSON.stringify(roles), now, startsAt, endsAt];
}

/** People named by a delegation request, with their own roles (delegated ones are not roles held). */
export type DelegationParty = { id: string; name: string; active: boolean; unitId: string; roles: Role[] };

export async function partiesByIds(db: D1Database, ids: readonly string[]): Promise<Map<string, DelegationParty>> {
  const { results } = await db
    .prepare(
      `SELECT u.id, u.name, u.active, u.unit_id AS unitId,
         (SELECT json_group_array(g.role) FROM role_grants g WHERE g.user_id = u.id) AS roles
       FROM users u WHERE u.id IN (SELECT value FROM json_each(?))`,
    )
    .bind(JSON.stringify([...new Set(ids)]))
    .all<{ id: string; name: string; active: number; unitId: string; roles: string }>();
  return new Map(results.map((r) => [r.id, { id: r.id, name: r.name, active: Boolean(r.active), unitId: r.unitId, roles: JSON.parse(r.roles) as Role[] }]));
}

export async function getDelegation(db: D1Database, id: string): Promise<DelegationRow | undefined> {
  return (await db.prepare(`${SELECT} WHERE d.id = ?`).bind(id).first<DelegationRow>()) ?? undefined;
}

/** These delegations, whatever their state, in role order. */
export async function delegationsByIds(db: D1Database, ids: readonly string[]): Promise<DelegationRow[]> {
  const { results } = await db.prepare(`${SELECT} WHERE d.id IN (SELECT value FROM json_each(?)) ORDER BY d.role`).bind(JSON.stringify(ids)).all<DelegationRow>();
  return results;
}

/**
 * Inserts the delegation unless a live one of the same role by the same person overlaps it: ONE
 * statement, so two concurrent requests cannot both pass the check. False when nothing was written.
 */
export async function insertDelegationUnlessOverlap(db: D1Database, row: NewDelegation, now: string): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO delegations (id, from_user_id, to_user_id, role, kind, starts_at, ends_at, note, created_by, created_at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (${OVERLAP})`,
    )
    .bind(
      row.id,
      row.fromUserId,
      row.toUserId,
      row.role,
      row.kind,
      row.startsAt,
      row.endsAt,
      row.note,
      row.createdBy,
      row.createdAt,
      ...overlapBinds(row.fromUserId, [row.role], now, row.startsAt, row.endsAt),
    )
    .run();
  return res.meta.changes > 0;
}

/** The first live delegation (of these kinds, or any) of one of `roles` by `fromUserId` meeting [startsAt, endsAt). */
export async function firstOverlap(
  db: D1Database,
  f: { fromUserId: string; roles: readonly string[]; now: string; startsAt: string; endsAt: string; kind?: DelegationKind },
): Promise<DelegationRow | undefined> {
  const row = await db
    .prepare(`${SELECT} WHERE d.id IN (${OVERLAP}${f.kind ? " AND o.kind = ?" : ""}) ORDER BY d.starts_at, d.id LIMIT 1`)
    .bind(...overlapBinds(f.fromUserId, f.roles, f.now, f.startsAt, f.endsAt), ...(f.kind ? [f.kind] : []))
    .first<DelegationRow>();
  return row ?? undefined;
}

export type ListScope = "mine" | "given" | "received" | "all";

/**
 * A page of delegations, newest first by (created_at, id). `userId`: the caller, for the scopes
 * other than `all`. `state` is computed against `now` as the API shows it.
 */
export async function listDelegations(
  db: D1Database,
  f: { scope: ListScope; userId: string; state?: DelegationState; now: string; after?: [string, string]; limit: number },
): Promise<DelegationRow[]> {
  const where: string[] = [];
  const binds: unknown[] = [];
  if (f.scope === "given" || f.scope === "mine") {
    where.push(f.scope === "mine" ? "(d.from_user_id = ? OR d.to_user_id = ?)" : "d.from_user_id = ?");
    binds.push(f.userId, ...(f.scope === "mine" ? [f.userId] : []));
  } else if (f.scope === "received") {
    where.push("d.to_user_id = ?");
    binds.push(f.userId);
  }
  if (f.state === "active") {
    where.push("d.ended_at IS NULL AND d.starts_at <= ? AND d.ends_at > ?");
    binds.push(f.now, f.now);
  } else if (f.state === "scheduled") {
    where.push("d.ended_at IS NULL AND d.starts_at > ?");
    binds.push(f.now);
  } else if (f.state === "ended") {
    where.push("(d.ended_at IS NOT NULL OR d.ends_at <= ?)");
    binds.push(f.now);
  }
  if (f.after) {
    where.push("(d.created_at < ? OR (d.created_at = ? AND d.id < ?))");
    binds.push(f.after[0], f.after[0], f.after[1]);
  }
  const { results } = await db
    .prepare(`${SELECT}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY d.created_at DESC, d.id DESC LIMIT ?`)
    .bind(...binds, f.limit + 1)
    .all<DelegationRow>();
  return results;
}

/** Ends a live delegation now; false when it was not live (ended, expired, or gone). One ender wins. */
export async function endDelegation(db: D1Database, id: string, by: string, now: string): Promise<boolean> {
  const res = await db.prepare(`UPDATE delegations SET ended_at = ?, ended_by = ? WHERE id = ? AND ${LIVE("delegations")}`).bind(now, by, id, now).run();
  return res.meta.changes > 0;
}

/** The caller's live absence rows (running or to come), earliest first. */
export async function liveAbsenceRows(db: D1Database, userId: string, now: string): Promise<DelegationRow[]> {
  const { results } = await db
    .prepare(`${SELECT} WHERE d.from_user_id = ? AND d.kind = 'absence' AND ${LIVE("d")} ORDER BY d.starts_at, d.created_at, d.role`)
    .bind(userId, now)
    .all<DelegationRow>();
  return results;
}

/**
 * Replaces the caller's absence in ONE batch: their live absence rows are ended, and one row per
 * role is inserted. Every statement carries the same condition, that no live manual delegation of
 * one of these roles by the caller meets the new time, and no statement changes what that
 * condition reads: so the batch writes all of it or none of it, even against a concurrent create.
 * False when nothing was written.
 */
export async function replaceAbsence(db: D1Database, userId: string, rows: readonly NewDelegation[], now: string): Promise<boolean> {
  const first = rows[0];
  if (!first) return false;
  const roles = rows.map((r) => r.role);
  const guard = `NOT EXISTS (${OVERLAP} AND o.kind = 'delegation')`;
  const guardBinds = overlapBinds(userId, roles, now, first.startsAt, first.endsAt);
  const statements = [
    db
      .prepare(`UPDATE delegations SET ended_at = ?, ended_by = ? WHERE from_user_id = ? AND kind = 'absence' AND ${LIVE("delegations")} AND ${guard}`)
      .bind(now, userId, userId, now, ...guardBinds),
    ...rows.map((row) =>
      db
        .prepare(
          `INSERT INTO delegations (id, from_user_id, to_user_id, role, kind, starts_at, ends_at, note, created_by, created_at)
           SELECT ?, ?, ?, ?, 'absence', ?, ?, ?, ?, ? WHERE ${guard}`,
        )
        .bind(row.id, row.fromUserId, row.toUserId, row.role, row.startsAt, row.endsAt, row.note, row.createdBy, row.createdAt, ...guardBinds),
    ),
  ];
  const results = await db.batch(statements);
  return results.slice(1).some((r) => r.meta.changes > 0);
}

/** Ends the caller's live absence rows now; how many were ended. */
export async function endAbsence(db: D1Database, userId: string, now: string): Promise<number> {
  const res = await db
    .prepare(`UPDATE delegations SET ended_at = ?, ended_by = ? WHERE from_user_id = ? AND kind = 'absence' AND ${LIVE("delegations")}`)
    .bind(now, userId, userId, now)
    .run();
  return res.meta.changes;
}

/**
 * Delegates whose delegation or absence ran out (its end passed, not ended by anyone) in (after,
 * upTo]: the cron's hand-back of what they were given. A range of delegations_ends_idx.
 */
export async function delegatesRunOut(db: D1Database, after: string, upTo: string): Promise<string[]> {
  const res = await db
    .prepare("SELECT DISTINCT to_user_id FROM delegations INDEXED BY delegations_ends_idx WHERE ends_at > ? AND ends_at <= ? AND ended_at IS NULL")
    .bind(after, upTo)
    .all<{ to_user_id: string }>();
  return res.results.map((r) => r.to_user_id);
}
