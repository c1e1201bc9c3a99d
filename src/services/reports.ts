// Report operations shared by the JSON API and the web pages: one copy of each rule.
import { WORKFLOWS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import { mayDo } from "../domain/policy";
import { kindRuleErrors } from "../domain/report-rules";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { getReport, insertReport, updateReportContent, type ReportContent, type ReportRow } from "../queries/reports";
import { getUnit } from "../queries/units";
import { reportFor } from "./report-access";

export async function createDraft(db: D1Database, actor: Actor, input: ReportContent & { kind: ReportKind }): Promise<ReportRow> {
  if (!mayDo(actor, "report.create")) throw new ApiError("forbidden");
  const errors = kindRuleErrors(input.kind, input);
  if (errors.length) throw new ApiError("validation_failed", { errors });
  const d = database(db);
  const unit = await getUnit(d, actor.unitId);
  if (!unit?.active) throw new ApiError("conflict", { detail: "Đơn vị đã ngừng hoạt động" });
  const def = WORKFLOWS[input.kind];
  return insertReport(d, actor, input, { id: def.id, version: def.version });
}

/** An edit of the version the editor saw: none given -> 428, stale -> 412, not editable now -> 409. */
export async function editReport(db: D1Database, actor: Actor, id: string, version: number | undefined, patch: Partial<ReportContent>): Promise<ReportRow> {
  const d = database(db);
  const report = await reportFor(d, actor, id, "report.update");
  if (version === undefined) throw new ApiError("precondition_required");
  const errors = kindRuleErrors(report.kind as ReportKind, {
    figures: patch.figures === undefined ? report.figures : patch.figures,
    publishAt: patch.publishAt === undefined ? report.publishAt : patch.publishAt,
  });
  if (errors.length) throw new ApiError("validation_failed", { errors });
  if (!(await updateReportContent(d, id, version, patch))) {
    const now = await getReport(d, id);
    if (now && now.version !== version) {
      throw new ApiError("precondition_failed", { extra: { currentVersion: now.version }, headers: { etag: `"${now.version}"` } });
    }
    throw new ApiError("conflict", { detail: `Báo cáo đang ở trạng thái "${now?.status}"`, extra: { currentStatus: now?.status } });
  }
  const updated = await getReport(d, id);
  if (!updated) throw new ApiError("not_found");
  return updated;
}
