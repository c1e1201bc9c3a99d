// The review state machine (DESIGN.md section 4) as a pure function: state + command -> new state
// and the event that records it, or an ApiError. ReportFlow (the DO) persists and projects it.
import type { Stage, WorkflowDefinition } from "../../workflows";
import type { ReportStatus, Role } from "../db/schema";
import type { WorkingCalendar } from "./calendar";
import { ApiError } from "../errors";

export type FlowState = {
  status: ReportStatus;
  /** Index into definition.stages while in_review, else null. */
  stageIndex: number | null;
  /** The stage that last returned the report (for "resume" resubmission). */
  returnedAtIndex: number | null;
  revision: number;
  version: number;
  stageDueAt: string | null;
  definition: WorkflowDefinition | null;
};

export type ReviewActor = {
  id: string;
  name: string;
  unitId: string;
  roles: Role[];
  /** Units each reviewer role covers (descendants expanded). */
  coverage: Partial<Record<Role, string[]>>;
};

export type ReportFacts = { unitId: string; authorId: string };

export type Command =
  /** restart: go back to the first stage even where the definition resumes at the stage that returned it (changed figures). */
  | { type: "submit"; definition: WorkflowDefinition; claimedVersion: number; restart?: boolean }
  | { type: "approve" | "return"; stage: string; comment?: string; expectedVersion?: number }
  | { type: "withdraw"; comment?: string; expectedVersion?: number }
  | { type: "publish"; publishedUrl: string }
  | { type: "schedule"; publishAt: string }
  | { type: "unpublish"; reason: string };

export type EventDraft = {
  action: "submit" | "approve" | "return" | "withdraw" | "publish" | "schedule" | "unpublish";
  actorRole: string | null;
  stage: string | null;
  fromStatus: ReportStatus;
  toStatus: ReportStatus;
  comment: string | null;
};

export const INITIAL_STATE: FlowState = {
  status: "draft",
  stageIndex: null,
  returnedAtIndex: null,
  revision: 0,
  version: 1,
  stageDueAt: null,
  definition: null,
};

/**
 * The states in which a report is in its unit's hands: editable, and submittable. A withdrawn
 * report is back with the unit like a draft; a published or unpublished one can be corrected and
 * go through review again (its page stays as it is until the correction is published).
 */
export const EDITABLE_STATUSES: readonly ReportStatus[] = ["draft", "returned", "withdrawn", "published", "unpublished"];

/**
 * What the machine needs of the working calendar (domain/calendar): a stage's due time, 17:00 on
 * the n-th working day after the day it starts (DESIGN.md section 12). The caller reads the
 * calendar (its overrides live in D1) and hands it in, so this module stays pure.
 */
export type DueCalendar = Pick<WorkingCalendar, "due">;

function stageDueAt(calendar: DueCalendar | null, now: Date, stage: Stage): string {
  // Only a command for which startsStage() holds needs one: a caller that skipped it is a bug.
  if (!calendar) throw new Error(`stage ${stage.id} starts without a working calendar`);
  return calendar.due(now, stage.slaWorkingDays).dueAt;
}

/**
 * Whether a command would start a stage (and so set a due time from the calendar): a submit, or
 * an approval with a stage after it. Lets the caller read the calendar only when it is needed.
 */
export function startsStage(state: FlowState, cmd: Command): boolean {
  if (cmd.type === "submit") return true;
  if (cmd.type !== "approve" || state.stageIndex === null || !state.definition) return false;
  return state.stageIndex + 1 < state.definition.stages.length;
}

function stageOf(state: FlowState) {
  if (state.status !== "in_review" || state.stageIndex === null || !state.definition) return null;
  return state.definition.stages[state.stageIndex] ?? null;
}

function checkVersion(state: FlowState, expected: number | undefined) {
  if (expected !== undefined && expected !== state.version) {
    throw new ApiError("precondition_failed", { extra: { currentVersion: state.version } });
  }
}

/**
 * Applies one command. `deciders` maps each actor who has already decided a stage of the current
 * revision to that stage's id (separation of duties). `calendar` sets the due time of a stage the
 * command starts; it may be null when startsStage() says the command starts none.
 */
export function transition(
  state: FlowState,
  cmd: Command,
  actor: ReviewActor | null,
  report: ReportFacts,
  deciders: ReadonlyMap<string, string>,
  now: Date,
  calendar: DueCalendar | null,
): { next: FlowState; event: EventDraft } {
  const from = state.status;
  const base = { version: state.version + 1 };

  switch (cmd.type) {
    case "submit": {
      if (!EDITABLE_STATUSES.includes(from)) throw conflict(state, "Báo cáo đang được thẩm định hoặc đã duyệt, chưa gửi lại được");
      const def = cmd.definition;
      // Resubmission goes back to the first stage, or to the one that returned it unless the
      // command restarts the chain (a periodic report whose figures changed since the return is
      // seen again by its centre's head, who signed the old ones).
      const index = from === "returned" && def.resubmission === "resume" && !cmd.restart && state.returnedAtIndex !== null ? state.returnedAtIndex : 0;
      const stage = def.stages[index]!;
      return {
        next: {
          status: "in_review",
          stageIndex: index,
          returnedAtIndex: null,
          revision: state.revision + 1,
          version: cmd.claimedVersion,
          stageDueAt: stageDueAt(calendar, now, stage),
          definition: def,
        },
        event: { action: "submit", actorRole: "author", stage: stage.id, fromStatus: from, toStatus: "in_review", comment: null },
      };
    }

    case "approve":
    case "return": {
      const stage = stageOf(state);
      if (!stage) throw conflict(state, "Báo cáo không ở bước thẩm định nào");
      if (cmd.stage !== stage.id) throw conflict(state, `Bước "${cmd.stage}" không phải bước hiện tại`);
      checkVersion(state, cmd.expectedVersion);
      if (!actor) throw new ApiError("forbidden");
      if (!actor.roles.includes(stage.role)) throw new ApiError("forbidden", { detail: `Bước này do "${stage.label}" quyết định` });
      const inScope =
        stage.scope === "own_unit" ? actor.unitId === report.unitId : (actor.coverage[stage.role] ?? []).includes(report.unitId);
      if (!inScope) throw new ApiError("forbidden", { detail: "Đơn vị của báo cáo không thuộc phạm vi bạn phụ trách" });
      if (actor.id === report.authorId || (actor.roles.includes("author") && actor.unitId === report.unitId)) {
        throw new ApiError("forbidden", { detail: "Không được thẩm định báo cáo của chính đơn vị mình soạn" });
      }
      const decided = deciders.get(actor.id);
      if (decided !== undefined && decided !== stage.id) {
        throw new ApiError("forbidden", { detail: "Một người không được quyết định hai bước của cùng một phiên bản" });
      }
      if (!stage.actions.includes(cmd.type)) throw new ApiError("forbidden", { detail: `Bước này không cho phép "${cmd.type}"` });
      const def = state.definition!;
      const index = state.stageIndex!;
      if (cmd.type === "return") {
        if (!cmd.comment?.trim()) {
          throw new ApiError("validation_failed", { errors: [{ path: "comment", in: "json", message: "Trả lại cần có ý kiến" }] });
        }
        return {
          next: { ...state, ...base, status: "returned", stageIndex: null, returnedAtIndex: index, stageDueAt: null },
          event: { action: "return", actorRole: stage.role, stage: stage.id, fromStatus: from, toStatus: "returned", comment: cmd.comment.trim() },
        };
      }
      const nextStage = def.stages[index + 1];
      const comment = cmd.comment?.trim() || null;
      if (nextStage) {
        return {
          next: { ...state, ...base, stageIndex: index + 1, stageDueAt: stageDueAt(calendar, now, nextStage) },
          event: { action: "approve", actorRole: stage.role, stage: stage.id, fromStatus: from, toStatus: "in_review", comment },
        };
      }
      return {
        next: { ...state, ...base, status: "approved", stageIndex: null, stageDueAt: null },
        event: { action: "approve", actorRole: stage.role, stage: stage.id, fromStatus: from, toStatus: "approved", comment },
      };
    }

    case "withdraw": {
      if (from !== "in_review") throw conflict(state, "Chỉ rút được báo cáo đang thẩm định");
      checkVersion(state, cmd.expectedVersion);
      const stage = stageOf(state);
      return {
        next: { ...state, ...base, status: "withdrawn", stageIndex: null, returnedAtIndex: null, stageDueAt: null },
        event: { action: "withdraw", actorRole: "author", stage: stage?.id ?? null, fromStatus: from, toStatus: "withdrawn", comment: cmd.comment?.trim() || null },
      };
    }

    case "schedule": {
      if (from !== "approved") throw conflict(state, "Chỉ hẹn giờ đăng được báo cáo đã duyệt");
      return {
        next: { ...state, ...base, status: "scheduled" },
        event: { action: "schedule", actorRole: null, stage: null, fromStatus: from, toStatus: "scheduled", comment: cmd.publishAt },
      };
    }

    case "publish": {
      if (from !== "approved" && from !== "scheduled") throw conflict(state, "Chỉ đăng được báo cáo đã duyệt");
      return {
        next: { ...state, ...base, status: "published" },
        event: { action: "publish", actorRole: null, stage: null, fromStatus: from, toStatus: "published", comment: cmd.publishedUrl },
      };
    }

    case "unpublish": {
      if (from !== "published") throw conflict(state, "Chỉ gỡ được bài đã đăng");
      if (!cmd.reason.trim()) throw new ApiError("validation_failed", { errors: [{ path: "reason", in: "json", message: "Cần nêu lý do gỡ bài" }] });
      return {
        next: { ...state, ...base, status: "unpublished" },
        event: { action: "unpublish", actorRole: null, stage: null, fromStatus: from, toStatus: "unpublished", comment: cmd.reason.trim() },
      };
    }
  }
}

function conflict(state: FlowState, detail: string): ApiError {
  const stage = stageOf(state);
  return new ApiError("conflict", {
    detail,
    extra: { currentStatus: state.status, currentStage: stage ? { id: stage.id, label: stage.label, role: stage.role } : null, currentVersion: state.version },
  });
}
