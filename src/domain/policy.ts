// Authorisation is this one table of (role, action, scope, states), checked here and nowhere else.
import { REPORT_STATUSES, type ReportStatus, type Role } from "../db/schema";
import type { Actor } from "../env";
import { EDITABLE_STATUSES } from "./review";

export const ACTIONS = [
  "report.create",
  "report.read",
  "report.update",
  "report.submit",
  "report.withdraw",
  "report.unpublish",
  "attachment.write",
  "unit.read",
  "unit.manage",
  "user.manage",
  "notification.read",
] as const;
export type Action = (typeof ACTIONS)[number];

/** own_unit: the caller's unit; covered_units: the units (and their descendants) a grant covers. */
export type Scope = "own_unit" | "covered_units" | "all";

/**
 * fromOwnStage: only once the report has reached the stage this role decides. A periodic report
 * waits first for its centre's head; the department reads the figures only when the head has
 * signed them off, and each reviewer only from their own stage on.
 */
export type Rule = { role: Role; action: Action; scope: Scope; states?: readonly ReportStatus[]; fromOwnStage?: true };

/**
 * The review chain's order, for "has the report reached this role's stage": every workflow
 * (workflows/) runs its stages in this order. Stored as reports.review_reach (the highest rank the
 * report has reached); 0 until it is first submitted. Migration 0006 repeats these numbers.
 */
export const REVIEW_RANK: Partial<Record<Role, number>> = { centre_head: 1, specialist: 2, deputy_head: 3, director: 4 };
export const rankOf = (role: string | null | undefined): number => (role ? (REVIEW_RANK[role as Role] ?? 0) : 0);

const EDITABLE = EDITABLE_STATUSES;
// Reviewers never see a unit's drafts: a draft is the unit's own until it is submitted.
const SUBMITTED: readonly ReportStatus[] = REPORT_STATUSES.filter((s) => s !== "draft");

export const POLICY: readonly Rule[] = [
  { role: "author", action: "report.create", scope: "own_unit" },
  { role: "author", action: "report.read", scope: "own_unit" },
  { role: "author", action: "report.update", scope: "own_unit", states: EDITABLE },
  { role: "author", action: "attachment.write", scope: "own_unit", states: EDITABLE },
  { role: "author", action: "report.submit", scope: "own_unit", states: EDITABLE },
  { role: "author", action: "report.withdraw", scope: "own_unit", states: ["in_review"] },
  { role: "centre_head", action: "report.read", scope: "own_unit", states: SUBMITTED },
  { role: "specialist", action: "report.read", scope: "covered_units", states: SUBMITTED, fromOwnStage: true },
  { role: "deputy_head", action: "report.read", scope: "covered_units", states: SUBMITTED, fromOwnStage: true },
  { role: "director", action: "report.read", scope: "covered_units", states: SUBMITTED, fromOwnStage: true },
  { role: "director", action: "report.unpublish", scope: "covered_units", states: ["published"] },
  { role: "admin", action: "report.read", scope: "all", states: SUBMITTED },
  { role: "admin", action: "report.unpublish", scope: "all", states: ["published"] },
  // Every signed-in role reads the list of units: forms and pages need their names.
  ...(["admin", "author", "centre_head", "specialist", "deputy_head", "director"] as const).map((role) => ({ role, action: "unit.read" as const, scope: "all" as const })),
  { role: "admin", action: "unit.manage", scope: "all" },
  { role: "admin", action: "user.manage", scope: "all" },
  { role: "admin", action: "notification.read", scope: "all" },
];

/**
 * One way the caller may reach reports for an action: these units (or all) in these states (or
 * any), once the report has reached `minReach` up the review chain (0: from the start).
 */
export type Reach = { unitIds: readonly string[] | "all"; states: readonly ReportStatus[] | "any"; minReach: number };

export function reachFor(actor: Actor, action: Action): Reach[] {
  const out: Reach[] = [];
  for (const grant of actor.grants) {
    for (const rule of POLICY) {
      if (rule.role !== grant.role || rule.action !== action) continue;
      const unitIds = rule.scope === "all" ? "all" : rule.scope === "own_unit" ? [actor.unitId] : grant.unitIds;
      out.push({ unitIds, states: rule.states ?? "any", minReach: rule.fromOwnStage ? rankOf(rule.role) : 0 });
    }
  }
  return out;
}

/** May the caller do `action` at all (for actions that are not about one report)? */
export function mayDo(actor: Actor, action: Action): boolean {
  return reachFor(actor, action).length > 0;
}

/** May the caller do `action` on this report? */
export function allows(actor: Actor, action: Action, report: { unitId: string; status: ReportStatus; reviewReach: number }): boolean {
  return reachFor(actor, action).some(
    (r) =>
      (r.unitIds === "all" || r.unitIds.includes(report.unitId)) &&
      (r.states === "any" || r.states.includes(report.status)) &&
      report.reviewReach >= r.minReach,
  );
}
