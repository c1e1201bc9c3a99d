// What a reviewer's page offers around assignment and delegation (DESIGN.md section 13): for the
// stage a report waits at, who has it, what the caller may do about it (decide, claim, give, hand
// back) and to whom it could be given; and, for the settings page, to whom the caller may delegate.
// The rules themselves live in domain/review.ts, services/assignment.ts and services/delegations.ts,
// which check every request again: these answers only decide which buttons a page shows.
import { WORKFLOWS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import type { Role } from "../db/schema";
import type { ReportRow } from "../queries/reports";
import type { HistoryRow } from "../queries/review";
import { stageHoldersQuery, type Holder } from "../queries/stage-holders";
import { mayAssignStage, type ActingFor } from "../domain/review";
import { reviewActorOf } from "../domain/review-actor";
import { isReviewerRole, REVIEWER_ROLES, ROLE_LABELS } from "../domain/roles";
import type { Actor } from "../env";

/** The most people a "Giao cho" list offers: a stage has a handful of holders, not hundreds. */
const MAX_CANDIDATES = 200;

export type Person = { userId: string; name: string };

export type StageAssignment = {
  stage: { id: string; label: string; role: Role };
  assignee: Person | null;
  /** The caller is the assignee. */
  mine: boolean;
  /** The caller may decide the stage now: in their own name (null) or on someone's behalf. */
  decide: { onBehalfOf: Person | null } | null;
  /** The caller may take it for themselves ("Nhận xử lý"). */
  mayClaim: boolean;
  /** The caller may hand it back to all its holders ("Trả lại nhóm"). */
  mayHandBack: boolean;
  /** The caller may give it to one of `candidates` ("Giao cho"). */
  mayGive: boolean;
  /** Holders of the stage's role covering the unit who could take it (the assignee left out). */
  candidates: Holder[];
};

/**
 * The caller's delegations reaching this stage of this report now: the same test as domain/review.ts
 * applies when a decision comes in (role, time, the delegator's coverage or own unit).
 */
function delegationsFor(delegations: readonly ActingFor[], stage: { role: Role; scope: string }, report: ReportRow, now: number): ActingFor[] {
  return delegations.filter(
    (d) => d.role === stage.role && Date.parse(d.startsAt) <= now && now < Date.parse(d.endsAt) && (stage.scope === "own_unit" ? d.unitId === report.unitId : d.covers),
  );
}

/**
 * Who has the report's current stage and what the caller may do about it; null when the report
 * waits at no stage. `events` (the report's history) tell who already decided another stage of
 * this revision: they cannot be given this one, so they are not offered.
 */
export async function stageAssignment(env: Env, actor: Actor, report: ReportRow, events: readonly HistoryRow[]): Promise<StageAssignment | null> {
  if (report.status !== "in_review" || !report.stage) return null;
  const stage = WORKFLOWS[report.kind as ReportKind]?.stages.find((s) => s.id === report.stage);
  if (!stage) return null;
  const now = Date.now();
  const reviewer = reviewActorOf(actor, report);
  const facts = { unitId: report.unitId, authorId: report.authorId };
  const admin = reviewer.roles.includes("admin");
  const own = mayAssignStage({ ...reviewer, roles: reviewer.roles.filter((r) => r !== "admin"), delegations: [] }, stage, facts, new Date(now));
  const delegated = delegationsFor(reviewer.delegations ?? [], stage, report, now);
  const assignee = report.assigneeId ? { userId: report.assigneeId, name: report.assigneeName ?? "" } : null;
  const mine = assignee?.userId === actor.id;
  const forAssignee = assignee ? delegated.find((d) => d.userId === assignee.userId) : undefined;
  // The unit's own people and the author never decide (domain/review.ts refuses them too).
  const separated = report.authorId !== actor.id && !(reviewer.roles.includes("author") && actor.unitId === report.unitId);

  const behalf = (d: ActingFor | undefined): Person | null => (d ? { userId: d.userId, name: d.name } : null);
  let decide: StageAssignment["decide"] = null;
  if (separated) {
    if (assignee && !mine) decide = forAssignee ? { onBehalfOf: behalf(forAssignee) } : null;
    else if (own) decide = { onBehalfOf: null };
    else if (delegated[0]) decide = { onBehalfOf: behalf(delegated[0]) };
  }

  const mayAssign = admin || own || delegated.length > 0;
  // Once given, the stage is the assignee's (or their delegate's) to move; an admin may move it too.
  const mayMove = mayAssign && (!assignee || mine || forAssignee !== undefined || admin);
  const deciders = new Set(
    events.filter((e) => e.action === "approve" && e.revision === report.revision && e.stage !== stage.id).flatMap((e) => [e.actor_id, e.on_behalf_of_id]),
  );
  const candidates = mayMove
    ? (await stageHoldersQuery(database(env.DB), stage.role, stage.scope, { id: report.unitId, path: report.unitPath }, MAX_CANDIDATES)).filter(
        (h) => h.id !== assignee?.userId && h.id !== report.authorId && !deciders.has(h.id),
      )
    : [];
  return {
    stage: { id: stage.id, label: stage.label, role: stage.role },
    assignee,
    mine,
    decide,
    mayClaim: mayMove && !mine && separated && (own || delegated.length > 0) && !deciders.has(actor.id),
    mayHandBack: mayMove && assignee !== null,
    mayGive: mayMove && candidates.length > 0,
    candidates: [...candidates].sort((a, b) => a.name.localeCompare(b.name, "vi")),
  };
}

export type DelegateChoice = { id: string; name: string; unitName: string; roles: string[] };

/**
 * Whom the caller may name as delegate or substitute (the rule of services/delegations.ts: an
 * active reviewer elsewhere, or anyone active of the caller's own unit), by name, the caller left out.
 */
export async function delegateChoices(env: Env, actor: Actor): Promise<DelegateChoice[]> {
  const { results } = await env.DB.prepare(
    `SELECT u.id, u.name, un.name AS unitName, (SELECT json_group_array(g.role) FROM role_grants g WHERE g.user_id = u.id) AS roles
       FROM users u JOIN units un ON un.id = u.unit_id
      WHERE u.active = 1 AND u.id <> ?1
        AND (u.unit_id = ?2 OR EXISTS (SELECT 1 FROM role_grants r WHERE r.user_id = u.id AND r.role IN (SELECT value FROM json_each(?3))))
      ORDER BY u.name, u.id LIMIT 500`,
  )
    .bind(actor.id, actor.unitId, JSON.stringify(REVIEWER_ROLES))
    .all<{ id: string; name: string; unitName: string; roles: string }>();
  return results.map((r) => ({ id: r.id, name: r.name, unitName: r.unitName, roles: (JSON.parse(r.roles) as string[]).filter(isReviewerRole) }));
}

/** The reviewer roles the caller holds in their own name: the ones they may delegate. */
export const ownReviewerRoles = (actor: Actor): { role: Role; label: string }[] =>
  [...new Set(actor.grants.filter((g) => !g.delegatedBy && isReviewerRole(g.role)).map((g) => g.role))].map((role) => ({ role, label: ROLE_LABELS[role] }));
