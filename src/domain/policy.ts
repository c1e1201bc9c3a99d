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
  "calendar.manage",
  "period.open",
  "period.read",
  "period.close",
  "period.monitor",
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
const TOP_RANK = Math.max(...Object.values(REVIEW_RANK));

/** The review ranks from `min` (at least 1) up to the chain's top: the reaches a reviewer reads. */
export const ranksFrom = (min: number): number[] => Array.from({ length: TOP_RANK - Math.max(min, 1) + 1 }, (_, i) => Math.max(min, 1) + i);

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
  // Changing the working calendar and reading who changed it (DESIGN.md section 12); everyone
  // signed in reads the calendar itself, which needs no action.
  { role: "admin", action: "calendar.manage", scope: "all" },
  // Reporting periods (DESIGN.md section 11). A specialist or director opens and closes a period
  // for the units they cover (every unit of the period), an admin for any. A period is read by
  // those who may open it, by the reviewers covering one of its units, and by the units asked to
  // report in it (author and centre head of a unit of the period); its opener always reads it.
  { role: "specialist", action: "period.open", scope: "covered_units" },
  { role: "director", action: "period.open", scope: "covered_units" },
  { role: "admin", action: "period.open", scope: "all" },
  { role: "specialist", action: "period.close", scope: "covered_units" },
  { role: "director", action: "period.close", scope: "covered_units" },
  { role: "admin", action: "period.close", scope: "all" },
  { role: "author", action: "period.read", scope: "own_unit" },
  { role: "centre_head", action: "period.read", scope: "own_unit" },
  { role: "specialist", action: "period.read", scope: "covered_units" },
  { role: "deputy_head", action: "period.read", scope: "covered_units" },
  { role: "director", action: "period.read", scope: "covered_units" },
  { role: "admin", action: "period.read", scope: "all" },
  // The board and the roll-up of a period (every unit's state, the units' figures summed): the
  // department's reviewers for the units they cover, an admin for all. A unit sees its own report,
  // not the others'.
  { role: "specialist", action: "period.monitor", scope: "covered_units" },
  { role: "deputy_head", action: "period.monitor", scope: "covered_units" },
  { role: "director", action: "period.monitor", scope: "covered_units" },
  { role: "admin", action: "period.monitor", scope: "all" },
];

/**
 * Whose reports: every unit, the caller's own unit, or the subtrees under these units.path values.
 * Paths, not lists of unit ids: a grant of the department root covers hundreds of units, and the
 * test stays one comparison on the report's own unit_path.
 */
export type Coverage = { kind: "all" } | { kind: "unit"; unitId: string } | { kind: "paths"; paths: readonly string[] };

/** Where a report sits in the unit tree (reports.unit_id and reports.unit_path). */
export type UnitPlace = { unitId: string; unitPath: string };

/** "/root/div/school/" -> "school": the unit a path names. */
export const unitOfPath = (path: string) => path.split("/").at(-2) ?? "";

export function covers(coverage: Coverage, place: UnitPlace): boolean {
  if (coverage.kind === "all") return true;
  if (coverage.kind === "unit") return coverage.unitId === place.unitId;
  return coverage.paths.some((p) => place.unitPath.startsWith(p));
}

/**
 * One way the caller may reach reports for an action: these units in these states (or any), once
 * the report has reached `minReach` up the review chain (0: from the start).
 */
export type Reach = { coverage: Coverage; states: readonly ReportStatus[] | "any"; minReach: number };

/**
 * What a role held under a delegation (ký thay, DESIGN.md section 13) lets the delegate do beyond
 * deciding its stages (which ReportFlow checks): read what those stages need. Opening or closing a
 * period, or taking an article down, stays with the role's own holder.
 */
const DELEGATED_ACTIONS: ReadonlySet<Action> = new Set(["report.read", "unit.read", "period.read", "period.monitor"]);

export function reachFor(actor: Actor, action: Action): Reach[] {
  const out: Reach[] = [];
  for (const grant of actor.grants) {
    if (grant.delegatedBy && !DELEGATED_ACTIONS.has(action)) continue;
    for (const rule of POLICY) {
      if (rule.role !== grant.role || rule.action !== action) continue;
      const coverage: Coverage =
        rule.scope === "all"
          ? { kind: "all" }
          : rule.scope === "own_unit"
            ? // A delegated own-unit role (a centre head's) is the delegator's unit's.
              { kind: "unit", unitId: grant.delegatedBy?.unitId ?? actor.unitId }
            : { kind: "paths", paths: grant.paths };
      if (coverage.kind === "paths" && coverage.paths.length === 0) continue;
      out.push({ coverage, states: rule.states ?? "any", minReach: rule.fromOwnStage ? rankOf(rule.role) : 0 });
    }
  }
  return out;
}

/** May the caller do `action` at all (for actions that are not about one report)? */
export function mayDo(actor: Actor, action: Action): boolean {
  return reachFor(actor, action).length > 0;
}

/** May the caller do `action` on this report? */
export function allows(actor: Actor, action: Action, report: UnitPlace & { status: ReportStatus; reviewReach: number }): boolean {
  return reachFor(actor, action).some(
    (r) => covers(r.coverage, report) && (r.states === "any" || r.states.includes(report.status)) && report.reviewReach >= r.minReach,
  );
}

/** Does some rule for `action` cover this report's unit, whatever its state? */
export function reachesUnit(actor: Actor, action: Action, place: UnitPlace): boolean {
  return reachFor(actor, action).some((r) => covers(r.coverage, place));
}

/** Does a grant of `role` cover this unit (its own units and their descendants)? */
export function grantCovers(actor: Actor, role: Role, place: UnitPlace): boolean {
  return actor.grants.some((g) => g.role === role && covers({ kind: "paths", paths: g.paths }, place));
}
