// Assignment within a stage (DESIGN.md section 13): a holder of the stage's role gives the stage to
// a named holder (or to themselves: claiming), or hands it back. The Worker checks who the
// assignee is (D1 knows the grants and delegations); the report's ReportFlow object checks that
// the caller may move the stage and that the assignee may decide it (separation of duties), and
// records the assignment as an event.
import { WORKFLOWS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import { ROLE_LABELS } from "../domain/roles";
import { nowIso } from "../domain/ids";
import { mayAssignStage } from "../domain/review";
import { reviewActorOf } from "../domain/review-actor";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { flowOf, unwrap } from "../flow/client";
import type { TransitionView } from "../flow/view";
import { assigneeCandidate, assignmentsLost } from "../queries/assignees";
import type { ReportRow } from "../queries/reports";
import { reportFor } from "./report-access";

const invalid = (message: string) => new ApiError("validation_failed", { errors: [{ path: "userId", in: "json", message }] });

/**
 * Gives the report's current stage to `userId` (the caller: claiming), or back to all its holders
 * (null). `stage`: the stage the caller means, if they say (a page that showed it): if the report has
 * moved on, 409. Who the caller is comes before who the assignee is: a caller who may not assign
 * this stage is refused (403) whoever they name.
 */
export async function assignReport(env: Env, actor: Actor, id: string, userId: string | null, meant?: string): Promise<TransitionView> {
  const db = database(env.DB);
  const flow = flowOf(env, id);
  const live = await flow.view();
  const report = await reportFor(db, actor, id, "report.read", { liveStageRole: async () => live?.stage?.role ?? null });
  // A stage held by someone who can no longer decide it goes back to its holders first.
  await releaseIfAssigneeCannot(env, report, actor.id);
  const stageId = live?.stage?.id;
  const stage = stageId ? WORKFLOWS[report.kind as ReportKind]?.stages.find((s) => s.id === stageId) : undefined;
  if (!live || !stage) {
    throw new ApiError("conflict", { detail: "Báo cáo không ở bước thẩm định nào: không có gì để giao", extra: { currentStatus: live?.status ?? report.status } });
  }
  if (meant !== undefined && meant !== stage.id) {
    throw new ApiError("conflict", {
      detail: `Báo cáo đã sang bước “${stage.label}”: bước bạn định giao không còn là bước hiện tại`,
      extra: { currentStatus: live.status, currentStage: { id: stage.id, label: stage.label, role: stage.role }, currentVersion: live.version },
    });
  }
  const reviewer = reviewActorOf(actor, report);
  if (!mayAssignStage(reviewer, stage, { unitId: report.unitId, authorId: report.authorId }, new Date())) {
    throw new ApiError("forbidden", { detail: `Chỉ người giữ vai trò “${ROLE_LABELS[stage.role]}” phụ trách đơn vị (hoặc người ký thay) mới giao được bước này` });
  }
  let assignee: { userId: string; name: string } | null = null;
  if (userId !== null) {
    const unit = { id: report.unitId, path: report.unitPath };
    const candidate = await assigneeCandidate(db, userId, stage.role, stage.scope, unit, nowIso());
    if (!candidate) throw invalid("Không có người dùng này");
    if (!candidate.active) throw invalid(`${candidate.name} đã bị khoá tài khoản`);
    if (!candidate.holds && !candidate.signsFor) {
      throw invalid(`${candidate.name} không giữ vai trò “${ROLE_LABELS[stage.role]}” phụ trách đơn vị “${report.unitName}” (và không ký thay ai giữ vai trò đó)`);
    }
    assignee = { userId: candidate.id, name: candidate.name };
  }
  return unwrap(await flow.assign({ reportId: id, actor: reviewer, stage: stage.id, assignee }));
}

/**
 * After an admin change to a user (deactivated, grants replaced, moved to another unit): the
 * stages assigned to them that they can no longer decide go back to all their holders, who are
 * told. Returns how many were handed back.
 */
export async function releaseLostAssignments(env: Env, userId: string): Promise<number> {
  const ids = await assignmentsLost(env.DB, userId, nowIso());
  const results = await Promise.all(ids.map(async (id) => (await flowOf(env, id).release({ reportId: id, userId })).ok));
  return results.filter(Boolean).length;
}

/**
 * A stage assigned to someone who can no longer decide it (their delegation ran out or was ended,
 * their role or coverage went) goes back to its holders as soon as someone else comes to act on it,
 * so that nobody is refused in the name of a person who cannot act. One D1 batch, and only when the
 * stage is someone else's; the hand-back is ReportFlow's (a no-op if it has moved on meanwhile).
 */
export async function releaseIfAssigneeCannot(env: Env, report: ReportRow, actorId: string): Promise<void> {
  const assigneeId = report.assigneeId;
  if (!assigneeId || assigneeId === actorId || report.status !== "in_review" || !report.stage) return;
  const stage = WORKFLOWS[report.kind as ReportKind]?.stages.find((s) => s.id === report.stage);
  if (!stage) return;
  const candidate = await assigneeCandidate(database(env.DB), assigneeId, stage.role, stage.scope, { id: report.unitId, path: report.unitPath }, nowIso());
  if (candidate?.active && (candidate.holds || candidate.signsFor)) return;
  await flowOf(env, report.id).release({ reportId: report.id, userId: assigneeId });
}
