// Rules that depend on the report's kind, read from its workflow definition.
import { WORKFLOWS, type ReportKind } from "../../workflows";
import type { FieldError } from "../errors";

type KindFields = { figures?: unknown; publishAt?: string | null };

/** Field errors for content that the kind's workflow does not allow or requires. */
export function kindRuleErrors(kind: ReportKind, merged: KindFields): FieldError[] {
  const def = WORKFLOWS[kind];
  const errors: FieldError[] = [];
  if (def.requiresFigures && !merged.figures) {
    errors.push({ path: "figures", in: "json", message: `Loại "${def.label}" cần số liệu (figures)` });
  }
  if (!def.requiresFigures && merged.figures) {
    errors.push({ path: "figures", in: "json", message: `Loại "${def.label}" không có số liệu` });
  }
  if (merged.publishAt && def.afterApproval !== "publish_at") {
    errors.push({ path: "publishAt", in: "json", message: `Loại "${def.label}" không hẹn giờ đăng` });
  }
  return errors;
}
