// Rules that depend on the report's kind, read from its workflow definition.
import { WORKFLOWS, type ReportKind } from "../../workflows";
import type { FieldError } from "../errors";

type KindFields = { periodId?: string | null; figures?: unknown; figureNotes?: unknown; publishAt?: string | null };

/**
 * Field errors for content that the kind's workflow does not allow or requires. A kind that
 * requires figures collects them in a reporting period: it needs the period and its figures
 * (checked against the period's indicator set elsewhere); other kinds have neither.
 */
export function kindRuleErrors(kind: ReportKind, merged: KindFields): FieldError[] {
  const def = WORKFLOWS[kind];
  const errors: FieldError[] = [];
  if (def.requiresFigures) {
    if (!merged.periodId) errors.push({ path: "periodId", in: "json", message: `Loại "${def.label}" phải thuộc một kỳ báo cáo (periodId)` });
    if (merged.figures === undefined || merged.figures === null) errors.push({ path: "figures", in: "json", message: `Loại "${def.label}" cần số liệu (figures)` });
  } else {
    if (merged.periodId) errors.push({ path: "periodId", in: "json", message: `Loại "${def.label}" không thuộc kỳ báo cáo` });
    if (merged.figures !== undefined && merged.figures !== null) errors.push({ path: "figures", in: "json", message: `Loại "${def.label}" không có số liệu` });
    if (merged.figureNotes !== undefined && merged.figureNotes !== null) errors.push({ path: "figureNotes", in: "json", message: `Loại "${def.label}" không có giải trình số liệu` });
  }
  if (merged.publishAt && def.afterApproval !== "publish_at") {
    errors.push({ path: "publishAt", in: "json", message: `Loại "${def.label}" không hẹn giờ đăng` });
  }
  return errors;
}
