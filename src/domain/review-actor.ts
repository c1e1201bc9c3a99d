// The caller as ReportFlow's state machine (domain/review.ts) sees them, for one report.
import type { Role } from "../db/schema";
import type { Actor } from "../env";
import { grantCovers, type UnitPlace } from "./policy";
import type { ReviewActor } from "./review";

/**
 * The actor as the state machine sees them, for one report: per role, whether a grant covers the
 * report's unit (by path, in the Worker, which has the report row), stated as that unit's id.
 */
export function reviewActorOf(actor: Actor, report: UnitPlace): ReviewActor {
  const coverage: Partial<Record<Role, string[]>> = {};
  for (const g of actor.grants) if (grantCovers(actor, g.role, report)) coverage[g.role] = [report.unitId];
  return { id: actor.id, name: actor.name, unitId: actor.unitId, roles: actor.grants.map((g) => g.role), coverage };
}
