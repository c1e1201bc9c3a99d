// Who can decide a stage of a unit's reports: one definition, used both to refuse a report that
// nobody could review (at submit) and to address a stage's emails.
import { and, eq, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { database, type Db } from "../db/client";
import { grantUnits, roleGrants, units, users, type Role } from "../db/schema";
import { pathEndSql } from "./visibility";

export type StageScope = "own_unit" | "covered_units";
export type Holder = { id: string; email: string; name: string };

/**
 * The report's unit: known, or read by the same statement from the report row, so that a caller
 * can ask about holders in the batch that reads the report itself.
 */
export type UnitRef = { id: string; path: string } | { ofReport: string };

const unitIdOf = (u: UnitRef): SQL => ("ofReport" in u ? sql`(SELECT unit_id FROM reports WHERE id = ${u.ofReport})` : sql`${u.id}`);
const unitPathOf = (u: UnitRef): SQL =>
  "ofReport" in u ? sql`(SELECT path FROM units WHERE id = (SELECT unit_id FROM reports WHERE id = ${u.ofReport}))` : sql`${u.path}`;

const coveredUnit = alias(units, "cu");

/**
 * Active holders of `role` for a report of this unit: members of the unit itself for an
 * own_unit stage, otherwise those whose covered units include the unit or one of its ancestors
 * (unit paths nest). An author of the unit never decides its reports (domain/review.ts), so is
 * not counted even if they also hold the role. A drizzle query, so that it can go in a drizzle
 * batch with the report's own read.
 */
export function stageHoldersQuery(db: Db, role: Role, scope: StageScope, unit: UnitRef, limit = 1000) {
  const unitId = unitIdOf(unit);
  const notUnitAuthor = sql`NOT EXISTS (SELECT 1 FROM role_grants a WHERE a.user_id = ${users.id} AND a.role = 'author' AND ${users.unitId} = ${unitId})`;
  const holders = db.selectDistinct({ id: users.id, email: users.email, name: users.name }).from(users).innerJoin(roleGrants, eq(roleGrants.userId, users.id));
  if (scope === "own_unit") {
    return holders.where(and(eq(roleGrants.role, role), sql`${users.unitId} = ${unitId}`, eq(users.active, true), notUnitAuthor)).orderBy(users.id).limit(limit);
  }
  const path = unitPathOf(unit);
  return holders
    .innerJoin(grantUnits, eq(grantUnits.grantId, roleGrants.id))
    .innerJoin(coveredUnit, eq(coveredUnit.id, grantUnits.unitId))
    .where(and(eq(roleGrants.role, role), eq(users.active, true), sql`${path} >= ${coveredUnit.path} AND ${path} < ${pathEndSql(coveredUnit.path)}`, notUnitAuthor))
    .orderBy(users.id)
    .limit(limit);
}

/** The same query as a plain D1 statement (for code that does not go through drizzle). */
export function stageHoldersStatement(db: D1Database, role: Role, scope: StageScope, unit: UnitRef, limit = 1000): D1PreparedStatement {
  const q = stageHoldersQuery(database(db), role, scope, unit, limit).toSQL();
  return db.prepare(q.sql).bind(...q.params);
}

/** The stage's key in a map of holders fetched per (role, scope). */
export const holdersKey = (s: { role: Role; scope: StageScope }) => `${s.role}:${s.scope}`;

/**
 * The first of these stages that nobody can decide for the unit, or null when each has someone,
 * given each stage's holders (by holdersKey, at least as many as there are stages, if there are
 * that many). Nobody decides two stages of one revision (separation of duties), so the stages
 * need distinct people: the only holder of two stages can decide just one of them, and the later
 * one is named.
 */
export function firstStageWithoutHolder<S extends { role: Role; scope: StageScope }>(stages: readonly S[], holders: ReadonlyMap<string, readonly Holder[]>): S | null {
  const ids = stages.map((s) => (holders.get(holdersKey(s)) ?? []).map((h) => h.id));
  for (let n = 1; n <= stages.length; n++) {
    if (!distinctPeople(ids.slice(0, n))) return stages[n - 1]!;
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
