// Who may be given a stage of a report (DESIGN.md section 13): a holder of the stage's role over
// the report's unit (stageHoldersQuery's rule), or someone a holder has delegated that role to
// while the delegation runs. One D1 batch.
import { and, eq, gt, isNull, lte } from "drizzle-orm";
import type { Db } from "../db/client";
import { delegations, users, type Role } from "../db/schema";
import { stageHoldersQuery, type StageScope, type UnitRef } from "./stage-holders";

export type AssigneeCandidate = {
  id: string;
  name: string;
  active: boolean;
  /** Holds the stage's role over the unit in their own name. */
  holds: boolean;
  /** Signs for a holder now (a running delegation of the role from a holder over the unit). */
  signsFor: { userId: string; name: string } | null;
};

/** The user `userId` as a candidate for a stage of role/scope over `unit`, or null when unknown. */
export async function assigneeCandidate(db: Db, userId: string, role: Role, scope: StageScope, unit: UnitRef, now: string): Promise<AssigneeCandidate | null> {
  const [found, own, delegators] = await db.batch([
    db.select({ id: users.id, name: users.name, active: users.active }).from(users).where(eq(users.id, userId)),
    stageHoldersQuery(db, role, scope, unit, 1, { only: userId }),
    // The holders (over this unit) whose role the user holds for now under a delegation.
    db
      .select({ id: users.id, name: users.name })
      .from(delegations)
      .innerJoin(users, eq(users.id, delegations.fromUserId))
      .where(
        and(
          eq(delegations.toUserId, userId),
          eq(delegations.role, role),
          isNull(delegations.endedAt),
          lte(delegations.startsAt, now),
          gt(delegations.endsAt, now),
          eq(users.active, true),
        ),
      )
      .orderBy(delegations.startsAt),
  ]);
  const user = found[0];
  if (!user) return null;
  let signsFor: AssigneeCandidate["signsFor"] = null;
  if (delegators.length) {
    // Only a delegator who is a holder over this unit counts, by the holders' rule (almost always
    // one delegator: one running delegation per role and delegator).
    const checks = await Promise.all(delegators.map((d) => stageHoldersQuery(db, role, scope, unit, 1, { only: d.id })));
    const i = checks.findIndex((rows) => rows.length > 0);
    if (i >= 0) signsFor = { userId: delegators[i]!.id, name: delegators[i]!.name };
  }
  return { id: user.id, name: user.name, active: user.active, holds: own.length > 0, signsFor };
}

/**
 * Reports in review assigned to `userId` that they can no longer decide: all of them once they are
 * inactive; otherwise those whose stage role they no longer hold over the report's unit (their own
 * unit's for the centre head's stage; a covered subtree for the others). A delegate assigned while
 * signing for a holder keeps theirs while that delegation runs. Walks reports_assignee_idx.
 */
export async function assignmentsLost(db: D1Database, userId: string, now: string, limit = 500): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT r.id FROM reports r JOIN users u ON u.id = ?1
       WHERE r.assignee_id = ?1 AND r.status = 'in_review'
         AND (u.active = 0 OR NOT (
           EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = ?1 AND g.role = r.stage_role AND (
             (g.role = 'centre_head' AND u.unit_id = r.unit_id)
             OR (g.role <> 'centre_head' AND EXISTS (SELECT 1 FROM json_each(g.coverage) c
                   WHERE r.unit_path >= c.value AND r.unit_path < substr(c.value, 1, length(c.value) - 1) || '0'))))
           OR EXISTS (SELECT 1 FROM delegations d WHERE d.to_user_id = ?1 AND d.role = r.stage_role AND d.ended_at IS NULL
                        AND d.starts_at <= ?2 AND d.ends_at > ?2)))
       ORDER BY r.stage_due_at LIMIT ?3`,
    )
    .bind(userId, now, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}
