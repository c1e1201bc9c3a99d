import { and, asc, eq, gt, like, or, type SQL } from "drizzle-orm";
import { inJsonArray } from "./json-list";
import type { Db } from "../db/client";
import { units, type UnitType } from "../db/schema";
import { newId, nowIso } from "../domain/ids";

export type UnitRow = typeof units.$inferSelect;

export const unitView = (u: UnitRow) => ({
  id: u.id,
  parentId: u.parentId,
  type: u.type,
  code: u.code,
  name: u.name,
  active: u.active,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

export async function getUnit(db: Db, id: string): Promise<UnitRow | undefined> {
  return db.select().from(units).where(eq(units.id, id)).get();
}

/** The ids among `ids` that name no unit. The list travels as one JSON parameter, whatever its length. */
export async function unitsExist(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await db.select({ id: units.id }).from(units).where(inJsonArray(units.id, ids)).all();
  const have = new Set(found.map((r) => r.id));
  return ids.filter((id) => !have.has(id));
}

export async function listUnits(
  db: Db,
  f: { type?: UnitType; parentId?: string; active?: boolean; q?: string; after?: [string, string]; limit: number },
) {
  const where: (SQL | undefined)[] = [
    f.type ? eq(units.type, f.type) : undefined,
    f.parentId ? eq(units.parentId, f.parentId) : undefined,
    f.active === undefined ? undefined : eq(units.active, f.active),
    f.q ? or(like(units.name, `%${f.q}%`), like(units.code, `%${f.q}%`)) : undefined,
    f.after ? or(gt(units.name, f.after[0]), and(eq(units.name, f.after[0]), gt(units.id, f.after[1]))) : undefined,
  ];
  return db
    .select()
    .from(units)
    .where(and(...where))
    .orderBy(asc(units.name), asc(units.id))
    .limit(f.limit + 1)
    .all();
}

export async function insertUnit(db: Db, input: { code: string; name: string; type: UnitType; parent?: UnitRow }, id = newId()) {
  const now = nowIso();
  const row = {
    id,
    parentId: input.parent?.id ?? null,
    type: input.type,
    code: input.code,
    name: input.name,
    path: `${input.parent?.path ?? "/"}${id}/`,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(units).values(row).run();
  return row;
}
