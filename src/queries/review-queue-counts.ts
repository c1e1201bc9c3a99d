// The inbox's counts from the cells kept by triggers on reports (review_queue_counts, migrations
// 0033 and 0034): "Việc của tôi", "Chưa phân công", "Tất cả" and the menu's "Chờ thẩm định" for a
// reviewer covering whole subtrees, read as one small statement (a cell per subtree and assignee
// asked for) instead of a walk of the inbox.
import type { Actor } from "../env";
import { isReviewerRole } from "../domain/roles";
import { unitOfPath } from "../domain/policy";
import { outermostPaths } from "./sessions";
import type { InboxScope } from "./review";
import { RANGES_INLINE } from "./visibility";

export type ScopeCounts = Record<InboxScope, number>;

/**
 * The role and the subtrees (their top units) whose cells are exactly this caller's inbox, or null
 * when the cells cannot tell it and the caller's inbox must be walked (queries/review.ts inbox()):
 * - one reviewing role only: someone holding two may have decided an earlier stage of a report
 *   now waiting at the other (separation of duties takes it out of their inbox);
 * - nothing signed for: a delegate's inbox also holds the delegator's items and units;
 * - not an author: an author never decides their own unit's reports;
 * - not a centre head: their stage is their own unit's alone, not its subtree's.
 * Counted here but left out of the list (both rare): a report whose author is the caller, written
 * while they held an author's grant they no longer hold; one whose current revision the caller
 * decided at another stage, under a role they no longer hold or a delegation that has ended.
 */
export function countableInbox(actor: Actor): { role: string; units: string[] } | null {
  const reviewing = actor.grants.filter((g) => isReviewerRole(g.role));
  if (reviewing.length === 0) return null;
  const role = reviewing[0]!.role;
  if (role === "centre_head" || reviewing.some((g) => g.role !== role)) return null;
  if (actor.grants.some((g) => g.delegatedBy || g.role === "author")) return null;
  const paths = outermostPaths(reviewing.flatMap((g) => g.paths));
  return paths.length ? { role, units: paths.map(unitOfPath) } : null;
}

// The total of a (unit, stage role), beside the per-assignee cells (migration 0034).
const TOTAL = "*";

/**
 * The cells of the caller's covered subtrees for the given assignees ('' for stages open to all
 * holders, a person's id, TOTAL), summed over the subtrees: one row read per subtree and assignee
 * asked for, however many people hold reports there. Null when the cells cannot tell this
 * caller's inbox (countableInbox).
 */
async function cellsFor(db: D1Database, actor: Actor, assignees: string[]): Promise<Map<string, number> | null> {
  const countable = countableInbox(actor);
  if (!countable) return null;
  // D1 counts the rows of json_each and of an IN list's temporary table as rows read: each
  // assignee is its own subquery seeking its cells, and a few subtrees go as parameters of their
  // own (at most RANGES_INLINE), a longer list as one JSON parameter.
  const inline = countable.units.length <= RANGES_INLINE;
  const unitParams = inline ? countable.units : [JSON.stringify(countable.units)];
  const units = inline ? unitParams.map((_, i) => `?${i + 2}`).join(", ") : "SELECT value FROM json_each(?2)";
  const first = 2 + unitParams.length;
  const { results } = await db
    .prepare(
      `SELECT ${assignees
        .map((_, i) => `(SELECT sum(n) FROM review_queue_counts WHERE ancestor_id IN (${units}) AND stage_role = ?1 AND assignee_id = ?${first + i}) AS a${i}`)
        .join(", ")}`,
    )
    .bind(countable.role, ...unitParams, ...assignees)
    .all<Record<string, number | null>>();
  return new Map(assignees.map((a, i) => [a, results[0]?.[`a${i}`] ?? 0]));
}

/** The inbox's three tabs from the cells (three per covered subtree), or null (countableInbox). */
export async function inboxCounts(db: D1Database, actor: Actor): Promise<ScopeCounts | null> {
  const cells = await cellsFor(db, actor, ["", actor.id, TOTAL]);
  if (!cells) return null;
  const of = (id: string) => cells.get(id) ?? 0;
  return { mine: of("") + of(actor.id), unassigned: of(""), all: of(TOTAL) };
}

/** The menu's "Chờ thẩm định": the "Việc của tôi" tab's figure from two cells per subtree, or null. */
export async function waitingFromCells(db: D1Database, actor: Actor): Promise<number | null> {
  const cells = await cellsFor(db, actor, ["", actor.id]);
  if (!cells) return null;
  return (cells.get("") ?? 0) + (cells.get(actor.id) ?? 0);
}
