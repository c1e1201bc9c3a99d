// Review transitions shared by the JSON API and the web pages: policy first (what the caller may
// see and do), then the report's ReportFlow Durable Object, which owns the state. The Worker's
// own D1 work before the object is called is one round trip each (after the sign-in look-up):
// submit reads the report together with its stages' holders; the others read the report.
import { eq, sql } from "drizzle-orm";
import { WORKFLOWS, type ReportKind } from "../../workflows";
import { database } from "../db/client";
import { reports, units } from "../db/schema";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { flowOf, unwrap } from "../flow/client";
import type { TransitionView } from "../flow/view";
import { firstStageWithoutHolder, holdersKey, stageHoldersQuery, type Holder } from "../queries/stage-holders";
import { reviewActorOf } from "../domain/review-actor";
import { previousFiguresFrom, previousFiguresQuery } from "../queries/period-reports";
import { overridesFrom, OVERRIDES_SQL } from "../queries/calendar-overrides";
import { assertExplained } from "./period-reports";
import { releaseIfAssigneeCannot } from "./assignment";
import { accessTo, reportFor } from "./report-access";

// Every (role, scope) some workflow's stage has, and the most stages any workflow has: submit
// asks about all of them in its one batch, before it knows the report's kind.
const STAGE_KINDS = [...new Map(Object.values(WORKFLOWS).flatMap((w) => w.stages.map((s) => [holdersKey(s), s] as const))).values()];
const MOST_STAGES = Math.max(...Object.values(WORKFLOWS).map((w) => w.stages.length));

export async function submitReport(env: Env, actor: Actor, id: string, expectedVersion?: number): Promise<TransitionView> {
  const db = database(env.DB);
  const [found, unitRows, previous, overrideRows, ...holderLists] = await db.batch([
    db.select().from(reports).where(eq(reports.id, id)),
    db
      .select({ id: units.id, name: units.name })
      .from(units)
      .where(eq(units.id, sql`(SELECT unit_id FROM ${reports} WHERE ${reports.id} = ${id})`)),
    // The unit's figures of the previous period, for the checks (no row outside a period).
    previousFiguresQuery(db, id),
    // The calendar, for the stage's due time: read here so that the report's object need not.
    db.all(sql.raw(OVERRIDES_SQL)),
    ...STAGE_KINDS.map((s) => stageHoldersQuery(db, s.role, s.scope, { ofReport: id }, MOST_STAGES)),
  ]);
  const report = await accessTo(actor, found[0], "report.submit", { stateCheckedBy: "flow" });
  if (report.periodId) assertExplained(previousFiguresFrom(previous), report.figures, report.figureNotes);
  // A correction of a published article tells readers what it changes (DESIGN.md section 14).
  if (report.publishedUrl && !report.correctionNote?.trim()) {
    throw new ApiError("validation_failed", {
      errors: [{ path: "correctionNote", in: "json", message: "Bài đã đăng: cần ghi nội dung đính chính (sẽ hiện cho bạn đọc) trước khi trình lại" }],
    });
  }
  // Each (role, scope)'s first holders, as read above: for the check here and for the object.
  const holders = Object.fromEntries(STAGE_KINDS.map((s, i) => [holdersKey(s), holderLists[i] as Holder[]]));
  assertReviewable(report.kind, unitRows[0], new Map(Object.entries(holders)));
  const facts = { kind: report.kind, unitId: report.unitId, authorId: report.authorId, version: report.version };
  // A periodic report's figures and notes were checked as read here: the claim freezes that version
  // or none (an edit landing in between is a 412, and the author submits what they now see).
  // So is a correction's note: an edit clearing it in between is a 412, not a correction without one.
  const claimVersion = report.periodId || report.publishedUrl ? (expectedVersion ?? report.version) : expectedVersion;
  // The calendar and the stages' first holders, as read above: the object reads neither again.
  const known = { overrides: overridesFrom(overrideRows), holders };
  return unwrap(await flowOf(env, id).submit({ reportId: id, actor: reviewActorOf(actor, report), expectedVersion: claimVersion, facts, known }));
}

/**
 * A report that some stage of its chain has nobody to decide would wait silently for ever (its
 * reminders going to nobody): refuse it at submit, naming the stage and the unit, so the unit
 * can ask the department to assign a reviewer.
 */
function assertReviewable(kind: string, unit: { id: string; name: string } | undefined, holders: Map<string, Holder[]>): void {
  const definition = WORKFLOWS[kind as ReportKind];
  if (!definition || !unit) throw new ApiError("internal");
  const stage = firstStageWithoutHolder(definition.stages, holders);
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
): Promise<TransitionView> {
  if (decision.action === "return" && !decision.comment?.trim()) {
    throw new ApiError("validation_failed", { errors: [{ path: "comment", in: "json", message: "Trả lại cần có ý kiến" }] });
  }
  // Existence is checked against what the caller may see (from the stage the report has reached,
  // in D1 or, if D1 lags, in its DO); everything else is the DO's to decide.
  const flow = flowOf(env, id);
  const report = await reportFor(database(env.DB), actor, id, "report.read", { liveStageRole: async () => (await flow.view())?.stage?.role ?? null });
  // A stage held by someone who can no longer decide it goes back to its holders first.
  await releaseIfAssigneeCannot(env, report, actor.id);
  return unwrap(await flow.decide({ reportId: id, actor: reviewActorOf(actor, report), ...decision, expectedVersion }));
}

export async function withdrawReport(env: Env, actor: Actor, id: string, comment?: string, expectedVersion?: number): Promise<TransitionView> {
  const report = await reportFor(database(env.DB), actor, id, "report.withdraw", { stateCheckedBy: "flow" });
  return unwrap(await flowOf(env, id).withdraw({ reportId: id, actor: reviewActorOf(actor, report), comment, expectedVersion }));
}

export async function unpublishReport(env: Env, actor: Actor, id: string, reason: string): Promise<TransitionView> {
  const report = await reportFor(database(env.DB), actor, id, "report.unpublish", { stateCheckedBy: "flow" });
  return unwrap(await flowOf(env, id).unpublish({ reportId: id, actor: reviewActorOf(actor, report), reason }));
}

/** Calls off a scheduled publication before it goes live (director covering the unit, or admin; the unit withdraws instead). */
export async function cancelPublication(env: Env, actor: Actor, id: string, reason: string): Promise<TransitionView> {
  const report = await reportFor(database(env.DB), actor, id, "report.unpublish", { stateCheckedBy: "flow" });
  return unwrap(await flowOf(env, id).cancelPublication({ reportId: id, actor: reviewActorOf(actor, report), reason }));
}
