// The caller as ReportFlow's state machine (domain/review.ts) sees them, for one report.
import type { Role } from "../db/schema";
import type { Actor } from "../env";
import { covers, type UnitPlace } from "./policy";
import type { ActingFor, ReviewActor } from "./review";

/**
 * The actor as the state machine sees them, for one report: per role of their own, whether a grant
 * covers the report's unit (by path, in the Worker, which has the report row), stated as that
 * unit's id; and the delegations they hold now (ký thay), each with whether the delegator's grant
 * covers the unit. Own roles and delegated ones stay apart: a decision made with a delegated role
 * is recorded on the delegator's behalf.
 */
export function reviewActorOf(actor: Actor, report: UnitPlace): ReviewActor {
  const coverage: Partial<Record<Role, string[]>> = {};
  const roles: Role[] = [];
  const delegations: ActingFor[] = [];
  for (const g of actor.grants) {
    const covered = covers({ kind: "paths", paths: g.paths }, report);
    if (g.delegatedBy) {
      const d = g.delegatedBy;
      delegations.push({ userId: d.userId, name: d.name, role: g.role, unitId: d.unitId, covers: covered, startsAt: d.startsAt, endsAt: d.endsAt });
      continue;
    }
    roles.push(g.role);
    if (covered) coverage[g.role] = [report.unitId];
  }
  return { id: actor.id, name: actor.name, unitId: actor.unitId, roles, coverage, ...(delegations.length ? { delegations } : {}) };
}
