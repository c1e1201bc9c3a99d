// Who can decide a stage of a unit's reports: one definition, used both to refuse a report that
// nobody could review (at submit) and to address a stage's emails.
import type { Role } from "../db/schema";

export type StageScope = "own_unit" | "covered_units";
export type Holder = { id: string; email: string; name: string };

/**
 * Active holders of `role` for a report of this unit: members of the unit itself for an
 * own_unit stage, otherwise those whose covered units include the unit or one of its ancestors
 * (unit paths nest). An author of the unit never decides its reports (domain/review.ts), so is
 * not counted even if they also hold the role.
 */
export function stageHoldersStatement(db: D1Database, role: Role, scope: StageScope, unit: { id: string; path: string }, limit = 1000): D1PreparedStatement {
  const notUnitAuthor = "NOT EXISTS (SELECT 1 FROM role_grants a WHERE a.user_id = u.id AND a.role = 'author' AND u.unit_id = ?3)";
  if (scope === "own_unit") {
    return db
      .prepare(
        `SELECT DISTINCT u.id, u.email, u.name FROM users u JOIN role_grants g ON g.user_id = u.id
         WHERE g.role = ?1 AND u.unit_id = ?3 AND u.active = 1 AND ${notUnitAuthor} ORDER BY u.id LIMIT ?4`,
      )
      .bind(role, unit.path, unit.id, limit);
  }
  return db
    .prepare(
      `SELECT DISTINCT u.id, u.email, u.name FROM users u
       JOIN role_grants g ON g.user_id = u.id JOIN grant_units gu ON gu.grant_id = g.id JOIN units cu ON cu.id = gu.unit_id
       WHERE g.role = ?1 AND u.active = 1 AND ?2 >= cu.path AND ?2 < cu.path || '~' AND ${notUnitAuthor} ORDER BY u.id LIMIT ?4`,
    )
    .bind(role, unit.path, unit.id, limit);
}

/**
 * The first of these stages that nobody can decide for the unit, or null when each has someone.
 * Nobody decides two stages of one revision (separation of duties), so the stages need distinct
 * people: the only holder of two stages can decide just one of them, and the later one is named.
 */
export async function firstStageWithoutHolder<S extends { role: Role; scope: StageScope }>(
  db: D1Database,
  stages: readonly S[],
  unit: { id: string; path: string },
): Promise<S | null> {
  if (stages.length === 0) return null;
  // A stage with as many holders as there are stages can always be given one of its own.
  const answers = await db.batch<Holder>(stages.map((s) => stageHoldersStatement(db, s.role, s.scope, unit, stages.length)));
  const holders = answers.map((a) => (a.results ?? []).map((h) => h.id));
  for (let n = 1; n <= stages.length; n++) {
    if (!distinctPeople(holders.slice(0, n))) return stages[n - 1]!;
  }
  return null;
}

/** Can each stage be given a different person from its holders? (A small exact search.) */
function distinctPeople(holders: string[][], taken = new Set<string>(), i = 0): boolean {
  if (i === holders.length) return true;
  return holders[i]!.some((id) => {
    if (taken.has(id)) return false;
    taken.add(id);
    const found = distinctPeople(holders, taken, i + 1);
    taken.delete(id);
    return found;
  });
}
