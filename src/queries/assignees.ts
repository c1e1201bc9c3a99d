// Who may be given a stage of a report (DESIGN.md section 13): a holder of the stage's role over
// the report's unit (stageHoldersQuery's rule), or someone a holder has delegated that role to
// while the delegation runs. One D1 batch.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { users, type Role } from "../db/schema";
import { eq } from "drizzle-orm";
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
    db.all<{ id: string; name: string }>(sql`
      SELECT f.id, f.name FROM delegations d JOIN users f ON f.id = d.from_user_id
      WHERE d.to_user_id = ${userId} AND d.role = ${role} AND d.ended_at IS NULL AND d.starts_at <= ${now} AND d.ends_at > ${now} AND f.active = 1
      ORDER BY d.starts_at`),
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
