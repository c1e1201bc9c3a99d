// The Worker's side of ReportFlow: who the actor is to the state machine, and RPC results back
// into problems.
import { z } from "@hono/zod-openapi";
import type { Role } from "../../db/schema";
import { grantCovers, type UnitPlace } from "../../domain/policy";
import type { ReviewActor } from "../../domain/review";
import type { Actor } from "../../env";
import type { FlowView, TransitionView } from "../../flow/view";

/**
 * The actor as the state machine sees them, for one report: per role, whether a grant covers the
 * report's unit (by path, in the Worker, which has the report row), stated as that unit's id.
 */
export function reviewActorOf(actor: Actor, report: UnitPlace): ReviewActor {
  const coverage: Partial<Record<Role, string[]>> = {};
  for (const g of actor.grants) if (grantCovers(actor, g.role, report)) coverage[g.role] = [report.unitId];
  return { id: actor.id, name: actor.name, unitId: actor.unitId, roles: actor.grants.map((g) => g.role), coverage };
}

// The stub and the answer's unwrapping live with the object (src/flow/client.ts), for services too.
export { flowOf, unwrap } from "../../flow/client";

/** The review state as the API answers it: the object's view without its D1 bookmark (sent in a header by the d1-session middleware). */
export function reviewState(view: TransitionView): FlowView {
  const { bookmark: _bookmark, ...state } = view;
  return state;
}

export const ReviewStateSchema = z
  .object({
    reportId: z.string(),
    status: z.string(),
    stage: z.object({ id: z.string(), label: z.string(), role: z.string() }).nullable(),
    stageDueAt: z.string().nullable(),
    version: z.number().int(),
    revision: z.number().int(),
    pendingProjection: z.boolean().openapi({ description: "True while D1 has not yet caught up (it will, by retry)" }),
  })
  .openapi("ReviewState");

export const IfMatchHeader = z.object({
  "if-match": z.string().max(40).optional().openapi({ description: "Optional: the version the caller saw, e.g. \"3\"" }),
});
