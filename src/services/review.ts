// Review transitions shared by the JSON API and the web pages: policy first (what the caller may
// see and do), then the report's ReportFlow Durable Object, which owns the state.
import { WORKFLOWS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import type { FlowView } from "../flow/report-flow";
import type { ReportRow } from "../queries/reports";
import { firstStageWithoutHolder } from "../queries/stage-holders";
import { getUnit } from "../queries/units";
import { reportFor } from "../routes/reports/access";
import { flowOf, reviewActorOf, unwrap } from "../routes/review/flow";

export async function submitReport(env: Env, actor: Actor, id: string, expectedVersion?: number): Promise<FlowView> {
  const db = database(env.DB);
  const report = await reportFor(db, actor, id, "report.submit", { stateCheckedBy: "flow" });
  await assertReviewable(env.DB, report);
  return unwrap(await flowOf(env, id).submit({ reportId: id, actor: reviewActorOf(actor, report), expectedVersion }));
}

/**
 * A report that some stage of its chain has nobody to decide would wait silently for ever (its
 * reminders going to nobody): refuse it at submit, naming the stage and the unit, so the unit
 * can ask the department to assign a reviewer.
 */
async function assertReviewable(db: D1Database, report: ReportRow): Promise<void> {
  const definition = WORKFLOWS[report.kind as ReportKind];
  const unit = await getUnit(database(db), report.unitId);
  if (!definition || !unit) throw new ApiError("internal");
  const stage = await firstStageWithoutHolder(db, definition.stages, unit);
  if (!stage) return;
  throw new ApiError("no_reviewer", {
    detail: `Bước “${stage.label}” chưa có ai được phân công thẩm định báo cáo của đơn vị “${unit.name}”. Đề nghị quản trị viên phân công người thẩm định rồi gửi lại.`,
    extra: { stage: { id: stage.id, label: stage.label, role: stage.role }, unit: { id: unit.id, name: unit.name } },
  });
}

export async function decideReport(
  env: Env,
  actor: Actor,
  id: string,
  decision: { action: "approve" | "return"; stage: string; comment?: string },
  expectedVersion?: number,
): Promise<FlowView> {
  if (decision.action === "return" && !decision.comment?.trim()) {
    throw new ApiError("validation_failed", { errors: [{ path: "comment", in: "json", message: "Trả lại cần có ý kiến" }] });
  }
  // Existence is checked against what the caller may see (from the stage the report has reached,
  // in D1 or, if D1 lags, in its DO); everything else is the DO's to decide.
  const flow = flowOf(env, id);
  const report = await reportFor(database(env.DB), actor, id, "report.read", { liveStageRole: async () => (await flow.view())?.stage?.role ?? null });
  return unwrap(await flow.decide({ reportId: id, actor: reviewActorOf(actor, report), ...decision, expectedVersion }));
}

export async function withdrawReport(env: Env, actor: Actor, id: string, comment?: string, expectedVersion?: number): Promise<FlowView> {
  const report = await reportFor(database(env.DB), actor, id, "report.withdraw", { stateCheckedBy: "flow" });
  return unwrap(await flowOf(env, id).withdraw({ reportId: id, actor: reviewActorOf(actor, report), comment, expectedVersion }));
}

export async function unpublishReport(env: Env, actor: Actor, id: string, reason: string): Promise<FlowView> {
  const report = await reportFor(database(env.DB), actor, id, "report.unpublish", { stateCheckedBy: "flow" });
  return unwrap(await flowOf(env, id).unpublish({ reportId: id, actor: reviewActorOf(actor, report), reason }));
}
