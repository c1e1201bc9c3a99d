// The inbox's counts from the cells kept by triggers on reports (review_queue_counts, migration
// 0033): "Việc của tôi", "Chưa phân công", "Tất cả" and the menu's "Chờ thẩm định" for a reviewer
// covering a whole subtree, read as one small statement instead of a walk of the inbox.
import type { Actor } from "../env";
import { isReviewerRole } from "../domain/roles";
import { unitOfPath } from "../domain/policy";
import { outermostPaths } from "./sessions";
import type { InboxScope } from "./review";

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

/**
 * The three tabs' counts from the cells, or null when they cannot tell them (countableInbox).
 * One statement reading one cell per (covered subtree, person holding items in it).
 */
export async function inboxCounts(db: D1Database, actor: Actor): Promise<ScopeCounts | null> {
  const countable = countableInbox(actor);
  if (!countable) return null;
  const { results } = await db
    .prepare(
      `SELECT c.assignee_id, sum(c.n) AS n FROM json_each(?1) j CROSS JOIN review_queue_counts c
       WHERE c.ancestor_id = j.value AND c.stage_role = ?2 GROUP BY c.assignee_id`,
    )
    .bind(JSON.stringify(countable.units), countable.role)
    .all<{ assignee_id: string; n: number }>();
  const of = (id: string) => results.find((r) => r.assignee_id === id)?.n ?? 0;
  return { mine: of("") + of(actor.id), unassigned: of(""), all: results.reduce((s, r) => s + r.n, 0) };
}
