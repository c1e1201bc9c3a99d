// Small reads for the web pages' menu counts and list filters. Visibility is never decided here:
// the counts go through the inbox query and the caller's own unit, the filters through the same
// list queries as the API (reports.ts, report-walks.ts, report-search.ts, review.ts).
import { asc, gte } from "drizzle-orm";
import type { Db } from "../db/client";
import { reports, units } from "../db/schema";
import { reachFor } from "../domain/policy";
import type { Actor } from "../env";
import { inbox } from "./review";
import { inJsonArray } from "./json-list";

/** Counts above this read as "99+": nobody needs the exact figure, and the read stays bounded. */
export const MENU_COUNT_CAP = 99;

export type MenuCounts = { waiting?: number; returned?: number };

const REVIEWING = new Set(["centre_head", "specialist", "deputy_head", "director"]);

/**
 * What the menu shows beside "Chờ thẩm định" (the inbox's default scope, `mine`) and "Bị trả lại"
 * (the author's unit's returned reports). Each is one read stopping at the cap, whatever the size
 * of the department: the page pays at most two bounded reads, never one per report.
 */
export async function menuCounts(db: Db, actor: Actor, known: MenuCounts = {}): Promise<MenuCounts> {
  const roles = new Set(actor.grants.map((g) => g.role));
  const reviewer = [...roles].some((r) => REVIEWING.has(r));
  const [waiting, returned] = await Promise.all([
    // inbox() returns one row past its limit, so "99+" can be told from 99. A page that has just
    // counted the same thing (the inbox's own tab) passes it in and the menu reads nothing more.
    !reviewer ? undefined : known.waiting !== undefined ? known.waiting : inbox(db.$client, actor, { limit: MENU_COUNT_CAP, scope: "mine" }).then((rows) => rows.length),
    roles.has("author")
      ? db.$client
          // reports_unit_created_idx: the unit's reports, the status tested on each, at most 100 read.
          .prepare("SELECT count(*) AS n FROM (SELECT 1 FROM reports WHERE unit_id = ? AND status = 'returned' LIMIT ?)")
          .bind(actor.unitId, MENU_COUNT_CAP + 1)
          .first<{ n: number }>()
          .then((r) => r?.n ?? 0)
      : undefined,
  ]);
  return { waiting, returned };
}

/** Above this many units, the unit filter lists only some of them (a select stays usable). */
export const UNIT_CHOICES_CAP = 400;

/**
 * The units whose reports the caller may read, by name, for the unit filter: their coverage as
 * unit path ranges (visibility.ts), so a reviewer is never offered a unit outside it. Empty when
 * the caller sees one unit only (nothing to choose). Read as ranges of units_path_idx (the whole
 * department is the range of every path) and sorted here: ordering by name in SQL would read every
 * covered unit and sort them before the first row.
 */
export async function unitChoices(db: Db, actor: Actor): Promise<{ id: string; name: string }[]> {
  const reaches = reachFor(actor, "report.read");
  if (reaches.length === 0 || reaches.every((r) => r.coverage.kind === "unit")) return [];
  // Every covered subtree as a path ("/" is the whole department), walked from the list: one
  // range of units_path_idx per subtree, however many subtrees a grant lists.
  const paths = reaches.some((r) => r.coverage.kind === "all") ? ["/"] : [...new Set(reaches.flatMap((r) => (r.coverage.kind === "paths" ? r.coverage.paths : [])))];
  const ownUnits = [...new Set(reaches.flatMap((r) => (r.coverage.kind === "unit" ? [r.coverage.unitId] : [])))];
  const [inPaths, own] = await Promise.all([
    db.$client
      .prepare(
        `SELECT u.id, u.name FROM json_each(?1) j CROSS JOIN units u INDEXED BY units_path_idx
          WHERE u.path >= j.value AND u.path < substr(j.value, 1, length(j.value) - 1) || '0' LIMIT ?2`,
      )
      .bind(JSON.stringify(paths), UNIT_CHOICES_CAP)
      .all<{ id: string; name: string }>()
      .then((r) => r.results),
    ownUnits.length ? db.select({ id: units.id, name: units.name }).from(units).where(inJsonArray(units.id, ownUnits)).all() : [],
  ]);
  const byId = new Map([...inPaths, ...own].map((u) => [u.id, u]));
  return [...byId.values()].sort((x, y) => x.name.localeCompare(y.name, "vi") || (x.id < y.id ? -1 : 1)).slice(0, UNIT_CHOICES_CAP);
}

/**
 * The oldest report created at or after `instant` (one seek in reports_created_idx), so that a
 * text search, which pages by rowid (creation order), can start just below it.
 */
export async function firstCreatedFrom(db: Db, instant: string): Promise<[string, string] | null> {
  const row = await db
    .select({ createdAt: reports.createdAt, id: reports.id })
    .from(reports)
    .where(gte(reports.createdAt, instant))
    .orderBy(asc(reports.createdAt), asc(reports.id))
    .limit(1)
    .get();
  return row ? [row.createdAt, row.id] : null;
}
