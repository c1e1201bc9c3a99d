// Review transitions shared by the JSON API and the web pages: policy first (what the caller may
// see and do), then the report's ReportFlow Durable Object, which owns the state.
import { database } from "../db/client";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import type { FlowView } from "../flow/report-flow";
import { reportFor } from "../routes/reports/access";
import { flowOf, reviewActorOf, unwrap } from "../routes/review/flow";

export async function submitReport(env: Env, actor: Actor, id: string, expectedVersion?: number): Promise<FlowView> {
  await reportFor(database(env.DB), actor, id, "report.submit", { stateCheckedBy: "flow" });
  return unwrap(await flowOf(env, id).submit({ reportId: id, actor: reviewActorOf(actor), expectedVersion }));
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
  // Existence is checked against what the caller may see; everything else is the DO's to decide.
  await reportFor(database(env.DB), actor, id, "report.read");
  return unwrap(await flowOf(env, id).decide({ reportId: id, actor: reviewActorOf(actor), ...decision, expectedVersion }));
}

export async function withdrawReport(env: Env, actor: Actor, id: string, comment?: string, expectedVersion?: number): Promise<FlowView> {
  await reportFor(database(env.DB), actor, id, "report.withdraw", { stateCheckedBy: "flow" });
  return unwrap(await flowOf(env, id).withdraw({ reportId: id, actor: reviewActorOf(actor), comment, expectedVersion }));
}

export async function unpublishReport(env: Env, actor: Actor, id: string, reason: string): Promise<FlowView> {
  await reportFor(database(env.DB), actor, id, "report.unpublish", { stateCheckedBy: "flow" });
  return unwrap(await flowOf(env, id).unpublish({ reportId: id, actor: reviewActorOf(actor), reason }));
}
