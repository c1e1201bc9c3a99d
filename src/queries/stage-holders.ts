// Who can decide a stage of a unit's reports: one definition, used to refuse a report that nobody
// could review (at submit), to address a stage's emails, to refuse an admin change that would leave
// waiting reports with nobody (strandedUnitsStatement) and to mark such units on the units page.
import { and, eq, lte, ne, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { alias, SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { database, type Db } from "../db/client";
import { grantUnits, roleGrants, units, users, type Role } from "../db/schema";
import { WORKFLOWS } from "../../workflows";
import { inJsonArray } from "./json-list";
import { pathEndSql } from "./visibility";

export type StageScope = "own_unit" | "covered_units";
export type Holder = { id: string; email: string; name: string };

/**
 * The report's unit: known, or read by the same statement from the report row, so that a caller
 * can ask about holders in the batch that reads the report itself.
 */
export type UnitRef = { id: string; path: string } | { ofReport: string } | { columns: { id: SQLWrapper; path: SQLWrapper } };

const unitIdOf = (u: UnitRef): SQL =>
  "ofReport" in u ? sql`(SELECT unit_id FROM reports WHERE id = ${u.ofReport})` : "columns" in u ? sql`${u.columns.id}` : sql`${u.id}`;
const unitPathOf = (u: UnitRef): SQL =>
  "ofReport" in u
    ? sql`(SELECT path FROM units WHERE id = (SELECT unit_id FROM reports WHERE id = ${u.ofReport}))`
    : "columns" in u
      ? sql`${u.columns.path}`
      : sql`${u.path}`;

/** Which holders to count: everyone, one user only, or everyone but one user (an admin change's "before" and "others"). */
export type HolderFilter = { only?: string; except?: string };

const coveredUnit = alias(units, "cu");

/**
 * Active holders of `role` for a report of this unit: members of the unit itself for an
 * own_unit stage, otherwise those whose covered units include the unit or one of its ancestors
 * (unit paths nest). An author of the unit never decides its reports (domain/review.ts), so is
 * not counted even if they also hold the role. A drizzle query, so that it can go in a drizzle
 * batch with the report's own read.
 */
export function stageHoldersQuery(db: Db, role: Role, scope: StageScope, unit: UnitRef, limit = 1000, who: HolderFilter = {}) {
  const holders = db.selectDistinct({ id: users.id, email: users.email, name: users.name }).from(users).innerJoin(roleGrants, eq(roleGrants.userId, users.id));
  const where = holderConditions(role, scope, unit, who);
  if (scope === "own_unit") return holders.where(where).orderBy(users.id).limit(limit);
  return holders
    .innerJoin(grantUnits, eq(grantUnits.grantId, roleGrants.id))
    .innerJoin(coveredUnit, eq(coveredUnit.id, grantUnits.unitId))
    .where(where)
    .orderBy(users.id)
    .limit(limit);
}

/** The WHERE of stageHoldersQuery (over users, role_grants and, for covered_units, grant_units and cu). */
function holderConditions(role: Role, scope: StageScope, unit: UnitRef, who: HolderFilter): SQL {
  const unitId = unitIdOf(unit);
  const notUnitAuthor = sql`NOT EXISTS (SELECT 1 FROM role_grants a WHERE a.user_id = ${users.id} AND a.role = 'author' AND ${users.unitId} = ${unitId})`;
  const whom = [who.only === undefined ? undefined : eq(users.id, who.only), who.except === undefined ? undefined : ne(users.id, who.except)];
  if (scope === "own_unit") return and(eq(roleGrants.role, role), sql`${users.unitId} = ${unitId}`, eq(users.active, true), notUnitAuthor, ...whom)!;
  const path = unitPathOf(unit);
  return and(eq(roleGrants.role, role), eq(users.active, true), sql`${path} >= ${coveredUnit.path} AND ${path} < ${pathEndSql(coveredUnit.path)}`, notUnitAuthor, ...whom)!;
}

/**
 * Up to `perUnit` active holders of `role` for each of these units (ids as one JSON parameter),
 * as (unitId, holder) rows: the same rule as stageHoldersQuery, one statement for all the units.
 */
export function stageHoldersByUnitQuery(db: Db, role: Role, scope: StageScope, unitIds: readonly string[], perUnit: number) {
  const unit = alias(units, "su");
  const where = and(inJsonArray(unit.id, unitIds), holderConditions(role, scope, { columns: { id: unit.id, path: unit.path } }, {}));
  const columns = {
    unitId: sql<string>`${unit.id}`.as("unit_id"),
    id: users.id,
    email: users.email,
    name: users.name,
    n: sql<number>`ROW_NUMBER() OVER (PARTITION BY ${unit.id} ORDER BY ${users.id})`.as("n"),
  };
  const base = db.select(columns).from(unit).innerJoin(users, sql`1 = 1`).innerJoin(roleGrants, eq(roleGrants.userId, users.id));
  const grouped = (scope === "own_unit" ? base : base.innerJoin(grantUnits, eq(grantUnits.grantId, roleGrants.id)).innerJoin(coveredUnit, eq(coveredUnit.id, grantUnits.unitId)))
    .where(where)
    .groupBy(unit.id, users.id)
    .as("h");
  return db.select({ unitId: grouped.unitId, id: grouped.id, email: grouped.email, name: grouped.name }).from(grouped).where(lte(grouped.n, perUnit));
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

/** What a user will hold once an admin's change is written: null when they are deactivated. */
export type HoldingAfter = { unitId: string; roles: readonly Role[]; covers: ReadonlyMap<Role, readonly string[]> } | null;

/** A unit whose reports wait at a stage that an admin's change would leave with nobody to decide it. */
export type StrandedRow = { unitId: string; unitName: string; waiting: number };

const rendered = new SQLiteAsyncDialect();

/**
 * The units with reports in review at this stage (by its role, and its stage ids) that `userId`
 * decides today, that no other active user decides, and that the user would no longer decide
 * after the change (`after`): the change would leave those reports waiting for nobody. Reads the
 * reports waiting at the role's stage, from reports_inbox_idx (status, stage_role, ...), grouped
 * by unit before any holder is looked up; for an own-unit stage, only the user's own unit.
 */
export function strandedUnitsStatement(
  d1: D1Database,
  stage: { role: Role; scope: StageScope; stageIds: readonly string[]; reachedFrom: readonly { kind: string; stageIds: readonly string[] }[] },
  user: { id: string; unitId: string },
  after: HoldingAfter,
  limit = 50,
): D1PreparedStatement {
  const db = database(d1);
  const unit: UnitRef = { columns: { id: sql.raw("wu.id"), path: sql.raw("wu.path") } };
  const holders = (who: HolderFilter) => stageHoldersQuery(db, stage.role, stage.scope, unit, 1, who);
  const q = sql`SELECT w.unit_id AS unitId, wu.name AS unitName, w.waiting AS waiting
    FROM (SELECT unit_id, COUNT(*) AS waiting FROM reports INDEXED BY reports_inbox_idx
          WHERE status = 'in_review' AND (${waitingBefore(stage.reachedFrom)})
            ${stage.scope === "own_unit" ? sql`AND unit_id = ${user.unitId}` : sql``}
          GROUP BY unit_id) w
    CROSS JOIN units wu ON wu.id = w.unit_id
    WHERE EXISTS ${holders({ only: user.id })} AND NOT EXISTS ${holders({ except: user.id })} AND NOT ${holdsAfter(stage.role, stage.scope, after)}
    ORDER BY wu.name, wu.id LIMIT ${limit}`;
  const { sql: text, params } = rendered.sqlToQuery(q);
  return d1.prepare(text).bind(...params);
}

/**
 * Reports that will still come to the stage: of a workflow that has it, waiting at it or at a stage
 * before it. Kinds and stage ids are the workflows' own (code, not input), bound as parameters all
 * the same; stage_role's list lets reports_inbox_idx seek each role.
 */
function waitingBefore(reachedFrom: readonly { kind: string; stageIds: readonly string[] }[]): SQL {
  const stageIds = [...new Set(reachedFrom.flatMap((r) => r.stageIds))];
  const byKind = reachedFrom.map((r) => sql`(kind = ${r.kind} AND ${inJsonArray(sql.raw("stage"), r.stageIds)})`);
  return sql`${inJsonArray(sql.raw("stage_role"), stageRolesOf(stageIds))} AND (${sql.join(byKind, sql` OR `)})`;
}

/** The roles deciding these stage ids (a stage's id is its role in every workflow we have; looked up, not assumed). */
function stageRolesOf(stageIds: readonly string[]): string[] {
  return [...new Set(Object.values(WORKFLOWS).flatMap((w) => w.stages.filter((s) => stageIds.includes(s.id)).map((s) => s.role)))];
}

/** Whether the user decides the stage for unit `wu` once the change is written (same rule as holderConditions). */
function holdsAfter(role: Role, scope: StageScope, after: HoldingAfter): SQL {
  if (!after || !after.roles.includes(role)) return sql`(0)`;
  const notAuthor = after.roles.includes("author") ? sql`wu.id <> ${after.unitId}` : sql`1`;
  if (scope === "own_unit") return sql`(wu.id = ${after.unitId} AND ${notAuthor})`;
  const covers = JSON.stringify(after.covers.get(role) ?? []);
  return sql`(${notAuthor} AND EXISTS (SELECT 1 FROM json_each(${covers}) j JOIN units c ON c.id = j.value WHERE wu.path >= c.path AND wu.path < ${pathEndSql(sql.raw("c.path"))}))`;
}
