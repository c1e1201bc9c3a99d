// Small reads for the web pages' menu counts and list filters. Visibility is never decided here:
// the counts go through the review queue's cells or the inbox query and the caller's own unit, the
// unit filter through the policy's reach, the lists through the same queries as the API
// (reports.ts, report-walks.ts, report-search.ts, review.ts).
import { asc, eq, gte } from "drizzle-orm";
import type { Db } from "../db/client";
import { reports, units } from "../db/schema";
import { reachesUnit, reachFor } from "../domain/policy";
import { stripDiacritics } from "../domain/text";
import type { Actor } from "../env";
import { inbox } from "./review";
import { waitingFromCells } from "./review-queue-counts";
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
    // From the review queue's cells where they tell this caller's inbox (one small read), else a
    // walk of it: inbox() returns one row past its limit, so "99+" can be told from 99. A page that
    // has just counted the same thing (the inbox's own tab) passes it in and the menu reads nothing.
    !reviewer ? undefined : known.waiting !== undefined ? known.waiting : waitingCount(db, actor),
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

async function waitingCount(db: Db, actor: Actor): Promise<number> {
  const counted = await waitingFromCells(db.$client, actor);
  if (counted !== null) return counted;
  return (await inbox(db.$client, actor, { limit: MENU_COUNT_CAP, scope: "mine" })).length;
}

/**
 * Most units a search by name looks through (a department has 60 to several hundred): read only
 * when someone types a unit's name or the field asks for its suggestions, never to draw a page.
 */
export const UNIT_CHOICES_CAP = 2000;

/** A unit as the unit filter offers it. */
export type UnitChoice = { id: string; name: string };

/** Whether the caller reads more than their own unit, so that filtering by unit means anything. */
export function unitFilterOffered(actor: Actor): boolean {
  const reaches = reachFor(actor, "report.read");
  return reaches.length > 0 && !reaches.every((r) => r.coverage.kind === "unit");
}

/**
 * A unit the caller may filter by (one row): the unit of `id` if it lies within what they read,
 * else null. A unit id typed into the address is not a way around coverage (the queries check
 * visibility anyway; this keeps the form honest about what it filtered by).
 */
export async function coveredUnit(db: Db, actor: Actor, id: string): Promise<UnitChoice | null> {
  const unit = await db.select({ id: units.id, name: units.name, path: units.path }).from(units).where(eq(units.id, id)).get();
  if (!unit || !reachesUnit(actor, "report.read", { unitId: unit.id, unitPath: unit.path })) return null;
  return { id: unit.id, name: unit.name };
}

/**
 * The units whose reports the caller may read, by name (at most UNIT_CHOICES_CAP): read only when
 * someone searches a unit by name or the page's script asks for the names to suggest, never to
 * draw a page. Their coverage as unit path ranges (visibility.ts): one range of units_path_idx per
 * subtree (the whole department is the range of every path), sorted here.
 */
export async function coveredUnits(db: Db, actor: Actor): Promise<UnitChoice[]> {
  if (!unitFilterOffered(actor)) return [];
  const reaches = reachFor(actor, "report.read");
  const paths = reaches.some((r) => r.coverage.kind === "all") ? ["/"] : [...new Set(reaches.flatMap((r) => (r.coverage.kind === "paths" ? r.coverage.paths : [])))];
  const ownUnits = [...new Set(reaches.flatMap((r) => (r.coverage.kind === "unit" ? [r.coverage.unitId] : [])))];
  const [inPaths, own] = await Promise.all([
    db.$client
      .prepare(
        `SELECT u.id, u.name FROM json_each(?1) j CROSS JOIN units u INDEXED BY units_path_idx
          WHERE u.path >= j.value AND u.path < substr(j.value, 1, length(j.value) - 1) || '0' LIMIT ?2`,
      )
      .bind(JSON.stringify(paths), UNIT_CHOICES_CAP)
      .all<UnitChoice>()
      .then((r) => r.results),
    ownUnits.length ? db.select({ id: units.id, name: units.name }).from(units).where(inJsonArray(units.id, ownUnits)).all() : [],
  ]);
  const byId = new Map([...inPaths, ...own].map((u) => [u.id, u]));
  return [...byId.values()].sort((x, y) => x.name.localeCompare(y.name, "vi") || (x.id < y.id ? -1 : 1)).slice(0, UNIT_CHOICES_CAP);
}

const folded = (s: string) => stripDiacritics(s).toLowerCase().replace(/\s+/g, " ").trim();

/** The same name, accents, case and spacing aside. */
export const sameUnitName = (a: string, b: string) => folded(a) === folded(b);

/**
 * The units a typed name means: the one whose name it is (accents, case and spacing aside), else
 * every unit whose name holds it ("quan 6" finds "Trung tâm GDNN-GDTX Quận 6").
 */
export function unitsNamed(choices: readonly UnitChoice[], typed: string): UnitChoice[] {
  const want = folded(typed);
  if (!want) return [];
  const exact = choices.filter((u) => folded(u.name) === want);
  return exact.length ? exact : choices.filter((u) => folded(u.name).includes(want));
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
