// Report operations shared by the JSON API and the web pages: one copy of each rule.
import { WORKFLOWS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import { mayDo } from "../domain/policy";
import { kindRuleErrors } from "../domain/report-rules";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { periodPlace } from "../queries/period-reports";
import { getPeriod } from "../queries/periods";
import { getReport, insertReport, updateReportContent, type ReportContent, type ReportRow } from "../queries/reports";
import { getUnit } from "../queries/units";
import { checkedFigures, duplicateReport, periodForNewReport, setOf } from "./period-reports";
import { reportFor } from "./report-access";

export type NewReport = Omit<ReportContent, "figures" | "figureNotes"> & { kind: ReportKind; periodId?: string | null; figures?: unknown; figureNotes?: unknown };
export type ReportPatch = Omit<Partial<ReportContent>, "figures" | "figureNotes"> & { figures?: unknown; figureNotes?: unknown };

export async function createDraft(db: D1Database, actor: Actor, input: NewReport): Promise<ReportRow> {
  if (!mayDo(actor, "report.create")) throw new ApiError("forbidden");
  const errors = kindRuleErrors(input.kind, input);
  if (errors.length) throw new ApiError("validation_failed", { errors });
  const d = database(db);
  const unit = await getUnit(d, actor.unitId);
  if (!unit?.active) throw new ApiError("conflict", { detail: "Đơn vị đã ngừng hoạt động" });
  const def = WORKFLOWS[input.kind];
  const { figures: _f, figureNotes: _n, ...content } = input;
  if (!input.periodId) return insertReport(d, actor, content, { id: def.id, version: def.version });

  const period = await periodForNewReport(db, input.periodId, actor.unitId);
  const checked = checkedFigures(setOf(period), input.figures, input.figureNotes);
  try {
    return await insertReport(d, actor, { ...content, ...checked, periodId: period.id }, { id: def.id, version: def.version });
  } catch (err) {
    // Two first saves of one unit's report raced: the unique index let one in; name it to the other.
    const existing = (await periodPlace(db, period.id, actor.unitId)).existing;
    if (existing) throw duplicateReport(period, existing);
    throw err;
  }
}

/** An edit of the version the editor saw: none given -> 428, stale -> 412, not editable now -> 409. */
export async function editReport(db: D1Database, actor: Actor, id: string, version: number | undefined, patch: ReportPatch): Promise<ReportRow> {
  const d = database(db);
  const report = await reportFor(d, actor, id, "report.update");
  if (version === undefined) throw new ApiError("precondition_required");
  const errors = kindRuleErrors(report.kind as ReportKind, {
    periodId: report.periodId,
    figures: patch.figures === undefined ? report.figures : patch.figures,
    figureNotes: patch.figureNotes === undefined ? report.figureNotes : patch.figureNotes,
    publishAt: patch.publishAt === undefined ? report.publishAt : patch.publishAt,
  });
  if (errors.length) throw new ApiError("validation_failed", { errors });
  const { figures: _f, figureNotes: _n, ...content } = patch;
  const change: Partial<ReportContent> = content;
  if (report.periodId && (patch.figures !== undefined || patch.figureNotes !== undefined)) {
    // Figures and notes are checked together against the period's set, whichever of them changed.
    const period = await getPeriod(db, report.periodId);
    if (!period) throw new ApiError("internal");
    const checked = checkedFigures(
      setOf(period),
      patch.figures === undefined ? report.figures : patch.figures,
      patch.figureNotes === undefined ? report.figureNotes : patch.figureNotes,
    );
    Object.assign(change, checked);
  }
  if (!(await updateReportContent(d, id, version, change))) {
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
