// The access rule for one report: `accessTo` on a row the caller has already read (services that
// read it in one batch with other statements), `reportFor` reading the row itself.
import { allows, rankOf, reachesUnit, type Action } from "../domain/policy";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import type { Db } from "../db/client";
import { getReport, reportWithAttachmentsQueries, type AttachmentRow, type ReportRow } from "../queries/reports";

/**
 * The report, if the caller may do `action` on it. One they may not even read answers 404 (its
 * existence is not theirs to know); one they may read but not act on answers 403, or 409 when
 * they could act on it in another state.
 */
export async function accessTo(
  actor: Actor,
  report: ReportRow | undefined,
  action: Action,
  opts: { stateCheckedBy?: "flow"; liveStageRole?: () => Promise<string | null> } = {},
): Promise<ReportRow> {
  if (!report) throw new ApiError("not_found");
  if (!allows(actor, "report.read", report)) {
    // D1's record of how far the report has got may lag the ReportFlow DO's (a projection
    // retried by its alarm): where the caller passes the object's live stage, that counts too.
    const live = opts.liveStageRole ? rankOf(await opts.liveStageRole()) : 0;
    if (live <= report.reviewReach || !allows(actor, "report.read", { ...report, reviewReach: live })) throw new ApiError("not_found");
  }
  if (action === "report.read" || allows(actor, action, report)) return report;
  const inAnotherState = reachesUnit(actor, action, report);
  // Review transitions: D1 may lag the ReportFlow DO, whose state is the one that counts.
  if (inAnotherState && opts.stateCheckedBy === "flow") return report;
  if (inAnotherState) {
    throw new ApiError("conflict", { detail: `Báo cáo đang ở trạng thái "${report.status}"`, extra: { currentStatus: report.status } });
  }
  throw new ApiError("forbidden");
}

/** The report by id, if the caller may do `action` on it (the rule of `accessTo`). */
export async function reportFor(
  db: Db,
  actor: Actor,
  id: string,
  action: Action,
  opts: { stateCheckedBy?: "flow"; liveStageRole?: () => Promise<string | null> } = {},
): Promise<ReportRow> {
  return accessTo(actor, await getReport(db, id), action, opts);
}

/**
 * The report and its live attachments in one round trip, if the caller may read it (the rule of
 * `accessTo`; attachments read beside a report the caller may not see are dropped unseen).
 */
export async function readableReport(db: Db, actor: Actor, id: string): Promise<{ report: ReportRow; attachments: AttachmentRow[] }> {
  const [found, attachments] = await db.batch(reportWithAttachmentsQueries(db, id));
  return { report: await accessTo(actor, found[0], "report.read"), attachments };
}
