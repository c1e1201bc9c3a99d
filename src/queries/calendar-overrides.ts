// The admin's calendar overrides as stored (DESIGN.md section 12): reading them with who set them,
// changing them, and their append-only audit trail. Each change is ONE D1 batch (a transaction):
// the override and its audit row are written together or not at all.
import { WorkingCalendar } from "../domain/calendar";
import { newId, nowIso } from "../domain/ids";

export type StoredOverride = {
  date: string;
  working: boolean;
  name: string;
  updatedBy: { id: string; name: string } | null;
  updatedAt: string;
};

export type OverrideEvent = {
  id: string;
  date: string;
  action: "put" | "delete";
  working: boolean;
  name: string;
  actor: { id: string; name: string };
  createdAt: string;
};

type OverrideRow = { date: string; working: number; name: string; updated_by: string; updater_name: string | null; updated_at: string };
type EventRow = { id: string; date: string; action: "put" | "delete"; working: number; name: string; actor_id: string; actor_name: string; created_at: string };

const OVERRIDE_COLUMNS = "o.date, o.working, o.name, o.updated_by, u.name AS updater_name, o.updated_at";
const OVERRIDE_FROM = "calendar_overrides o LEFT JOIN users u ON u.id = o.updated_by";

const overrideOf = (r: OverrideRow): StoredOverride => ({
  date: r.date,
  working: r.working === 1,
  name: r.name,
  // The user row always exists (users are deactivated, never deleted); the join only fails if
  // someone removed it by hand, and then the id alone is still not worth showing without a name.
  updatedBy: r.updater_name === null ? null : { id: r.updated_by, name: r.updater_name },
  updatedAt: r.updated_at,
});

const eventOf = (r: EventRow): OverrideEvent => ({
  id: r.id,
  date: r.date,
  action: r.action,
  working: r.working === 1,
  name: r.name,
  actor: { id: r.actor_id, name: r.actor_name },
  createdAt: r.created_at,
});

const yearBounds = (year: number) => [`${year}-01-01`, `${year}-12-31`] as const;

/**
 * Every override (a handful a year, so all of them is one small read) with who set it, and the
 * calendar built from them: the API and the admin page need both, and this is one query. The
 * flow and the metrics read the calendar through this too (workingCalendarOf in ./calendar.ts).
 */
export async function overridesAndCalendar(db: D1Database): Promise<{ overrides: StoredOverride[]; calendar: WorkingCalendar }> {
  const overrides = overridesFrom((await overridesStatement(db).all()).results);
  return { overrides, calendar: new WorkingCalendar(overrides) };
}

/** Every override, as one statement: for a caller reading it in the same batch as other things. */
export const OVERRIDES_SQL = `SELECT ${OVERRIDE_COLUMNS} FROM ${OVERRIDE_FROM} ORDER BY o.date`;
export const overridesStatement = (db: Pick<D1Database, "prepare">) => db.prepare(OVERRIDES_SQL);

/** The overrides from that statement's rows. */
export const overridesFrom = (rows: readonly unknown[]): StoredOverride[] => (rows as OverrideRow[]).map(overrideOf);

export async function getOverride(db: D1Database, date: string): Promise<StoredOverride | null> {
  const row = await db.prepare(`SELECT ${OVERRIDE_COLUMNS} FROM ${OVERRIDE_FROM} WHERE o.date = ?`).bind(date).first<OverrideRow>();
  return row ? overrideOf(row) : null;
}

export type Actor = { id: string; name: string };

/**
 * Sets a date's override. A PUT that changes nothing (same working flag, same name) leaves the
 * row, its author and time alone and writes no audit row: repeating a request is harmless and the
 * trail only holds real changes. Returns the override as stored and whether anything changed.
 */
export async function putOverride(db: D1Database, actor: Actor, input: { date: string; working: boolean; name: string }): Promise<{ override: StoredOverride; changed: boolean }> {
  const now = nowIso();
  const working = input.working ? 1 : 0;
  const [audit, , read] = await db.batch([
    // The audit row first, while the old value is still there to compare with.
    db
      .prepare(
        `INSERT INTO calendar_override_events (id, date, action, working, name, actor_id, actor_name, created_at)
         SELECT ?1, ?2, 'put', ?3, ?4, ?5, ?6, ?7
         WHERE NOT EXISTS (SELECT 1 FROM calendar_overrides WHERE date = ?2 AND working = ?3 AND name = ?4)`,
      )
      .bind(newId(), input.date, working, input.name, actor.id, actor.name, now),
    db
      .prepare(
        `INSERT INTO calendar_overrides (date, working, name, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (date) DO UPDATE SET working = excluded.working, name = excluded.name, updated_by = excluded.updated_by, updated_at = excluded.updated_at
         WHERE calendar_overrides.working <> excluded.working OR calendar_overrides.name <> excluded.name`,
      )
      .bind(input.date, working, input.name, actor.id, now),
    db.prepare(`SELECT ${OVERRIDE_COLUMNS} FROM ${OVERRIDE_FROM} WHERE o.date = ?`).bind(input.date),
  ]);
  const row = (read!.results as OverrideRow[])[0];
  if (!row) throw new Error(`calendar override ${input.date} missing right after it was written`);
  return { override: overrideOf(row), changed: audit!.meta.changes > 0 };
}

/**
 * Drops a date's override and records what was dropped, in one batch. Returns the dropped
 * override, or null when there was none (nothing written then, the audit row included).
 */
export async function deleteOverride(db: D1Database, actor: Actor, date: string): Promise<StoredOverride | null> {
  const [before, , deleted] = await db.batch([
    db.prepare(`SELECT ${OVERRIDE_COLUMNS} FROM ${OVERRIDE_FROM} WHERE o.date = ?`).bind(date),
    // Copies the row being dropped into the trail: no override, no audit row.
    db
      .prepare(
        `INSERT INTO calendar_override_events (id, date, action, working, name, actor_id, actor_name, created_at)
         SELECT ?1, date, 'delete', working, name, ?2, ?3, ?4 FROM calendar_overrides WHERE date = ?5`,
      )
      .bind(newId(), actor.id, actor.name, nowIso(), date),
    db.prepare("DELETE FROM calendar_overrides WHERE date = ?").bind(date),
  ]);
  const row = (before!.results as OverrideRow[])[0];
  return deleted!.meta.changes > 0 && row ? overrideOf(row) : null;
}

/**
 * The audit trail of a year's dates (or of one date), by date and then oldest first: the order
 * of calendar_override_events_date_idx, so the walk needs no sort. Keyset pages after
 * (date, createdAt, id).
 */
export async function overrideEvents(
  db: D1Database,
  filter: { year: number; date?: string; after?: [string, string, string]; limit: number },
): Promise<OverrideEvent[]> {
  const [from, to] = filter.date ? [filter.date, filter.date] : yearBounds(filter.year);
  const after = filter.after ?? ["", "", ""];
  const { results } = await db
    .prepare(
      `SELECT id, date, action, working, name, actor_id, actor_name, created_at FROM calendar_override_events
       WHERE date BETWEEN ?1 AND ?2 AND (date, created_at, id) > (?3, ?4, ?5)
       ORDER BY date, created_at, id LIMIT ?6`,
    )
    .bind(from, to, after[0], after[1], after[2], filter.limit)
    .all<EventRow>();
  return results.map(eventOf);
}
