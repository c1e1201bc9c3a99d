import { and, asc, eq, gt, inArray, isNull, like, or, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { inJsonArray } from "./json-list";
import { grantUnits, roleGrants, sessions, users, type Role } from "../db/schema";
import { newId, nowIso } from "../domain/ids";

export type UserRow = typeof users.$inferSelect;
export type GrantInput = { role: Role; unitIds: string[] };

export async function grantsOf(db: Db, userIds: string[]): Promise<Map<string, GrantInput[]>> {
  const out = new Map<string, GrantInput[]>();
  if (userIds.length === 0) return out;
  const rows = await db
    .select({ grantId: roleGrants.id, userId: roleGrants.userId, role: roleGrants.role, unitId: grantUnits.unitId })
    .from(roleGrants)
    .leftJoin(grantUnits, eq(grantUnits.grantId, roleGrants.id))
    .where(inJsonArray(roleGrants.userId, userIds))
    .all();
  const byGrant = new Map<string, { userId: string; grant: GrantInput }>();
  for (const r of rows) {
    const entry = byGrant.get(r.grantId) ?? { userId: r.userId, grant: { role: r.role, unitIds: [] } };
    if (r.unitId) entry.grant.unitIds.push(r.unitId);
    byGrant.set(r.grantId, entry);
  }
  for (const { userId, grant } of byGrant.values()) out.set(userId, [...(out.get(userId) ?? []), grant]);
  return out;
}

export const userView = (u: UserRow, grants: GrantInput[]) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  title: u.title,
  unitId: u.unitId,
  active: u.active,
  emailOptOut: u.emailOptOut,
  roles: grants.map((g) => g.role),
  grants,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

export async function getUserView(db: Db, id: string) {
  const row = await db.select().from(users).where(eq(users.id, id)).get();
  if (!row) return undefined;
  return userView(row, (await grantsOf(db, [id])).get(id) ?? []);
}

export async function listUsers(
  db: Db,
  f: { unitId?: string; role?: Role; active?: boolean; q?: string; after?: [string, string]; limit: number },
) {
  const where: (SQL | undefined)[] = [
    f.unitId ? eq(users.unitId, f.unitId) : undefined,
    f.active === undefined ? undefined : eq(users.active, f.active),
    f.role ? inArray(users.id, db.select({ id: roleGrants.userId }).from(roleGrants).where(eq(roleGrants.role, f.role))) : undefined,
    f.q ? or(like(users.name, `%${f.q}%`), like(users.email, `%${f.q}%`)) : undefined,
    f.after ? or(gt(users.name, f.after[0]), and(eq(users.name, f.after[0]), gt(users.id, f.after[1]))) : undefined,
  ];
  const rows = await db
    .select()
    .from(users)
    .where(and(...where))
    .orderBy(asc(users.name), asc(users.id))
    .limit(f.limit + 1)
    .all();
  const grants = await grantsOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({ row: r, view: userView(r, grants.get(r.id) ?? []) }));
}

/** Statements that replace a user's grants; batch them with whatever else changes. */
export function replaceGrantsStatements(db: Db, userId: string, grants: GrantInput[]): [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] {
  const stmts: [BatchItem<"sqlite">, BatchItem<"sqlite">] = [
    db.delete(grantUnits).where(inArray(grantUnits.grantId, db.select({ id: roleGrants.id }).from(roleGrants).where(eq(roleGrants.userId, userId)))),
    db.delete(roleGrants).where(eq(roleGrants.userId, userId)),
  ];
  const inserts = grants.flatMap((g) => {
    const grantId = newId();
    return [
      db.insert(roleGrants).values({ id: grantId, userId, role: g.role, createdAt: nowIso() }),
      ...g.unitIds.map((unitId) => db.insert(grantUnits).values({ grantId, unitId })),
    ];
  });
  return [...stmts, ...inserts];
}

/** Ends every live session of a user; a query, so callers batch it with the change that requires it. */
export function revokeUserSessions(db: Db, userId: string) {
  return db.update(sessions).set({ revokedAt: nowIso() }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}
