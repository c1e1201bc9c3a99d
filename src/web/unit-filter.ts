// The unit filter of the reports list and the inbox: the unit typed by name (a department has
// hundreds: a select listing them all would be read and sent with every page), resolved here
// against the units the caller may read. The page itself reads one unit at most; the names are
// read only when someone searches by one (or the page's script asks for them to suggest).
import type { Db } from "../db/client";
import type { Actor } from "../env";
import { coveredUnit, coveredUnits, sameUnitName, unitFilterOffered, unitsNamed, type UnitChoice } from "../queries/web-lists";

export type UnitFilter = {
  /** The caller reads more than one unit: the field is shown. */
  offered: boolean;
  /** What the field shows: the chosen unit's name, or the words typed. */
  typed: string;
  unit?: UnitChoice;
  error?: string;
  /** Several units hold the words typed: offered as links, none chosen. */
  matches?: UnitChoice[];
};

/** Most units a search by name offers to choose from. */
const MATCHES_SHOWN = 12;

/**
 * `unit` is a unit id (from a link, or the form's memory of the unit chosen), `donvi` the name in
 * the field. The name wins: it is what the user sees and may have changed. A name that is still
 * the chosen unit's costs one row, not a search.
 */
export async function unitFilterOf(db: Db, actor: Actor, query: (name: string) => string | undefined): Promise<UnitFilter> {
  if (!unitFilterOffered(actor)) return { offered: false, typed: "" };
  const id = (query("unit") ?? "").trim().slice(0, 64);
  const field = query("donvi");
  const typed = (field ?? "").replace(/\s+/g, " ").trim().slice(0, 200);
  // The field sent empty: the user cleared it, whatever unit the form remembered.
  if (field !== undefined && !typed) return { offered: true, typed: "" };
  const byId = id ? await coveredUnit(db, actor, id) : null;
  if (!typed) return byId ? { offered: true, typed: byId.name, unit: byId } : { offered: true, typed: "" };
  if (byId && sameUnitName(byId.name, typed)) return { offered: true, typed: byId.name, unit: byId };
  const found = unitsNamed(await coveredUnits(db, actor), typed);
  if (found.length === 1) return { offered: true, typed: found[0]!.name, unit: found[0] };
  if (found.length === 0) return { offered: true, typed, error: `Không có đơn vị nào có tên “${typed}” trong các đơn vị bạn được xem.` };
  return {
    offered: true,
    typed,
    error: `Có ${found.length} đơn vị có tên chứa “${typed}”: chọn một đơn vị bên dưới hoặc gõ đủ tên.`,
    matches: found.slice(0, MATCHES_SHOWN),
  };
}
