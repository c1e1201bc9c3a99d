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
  /** Who the current stage is assigned to (DESIGN.md section 13); null: open to its holders. */
  assignee: Assignee | null;
};

export type Assignee = { userId: string; name: string };

/**
 * A delegation the actor holds for now (ký thay), as the Worker found it for this report: the
 * delegator, the role they handed over, where their own unit is (an own-unit stage is the
 * delegator's unit's) and whether their grant of the role covers the report's unit. The machine
 * re-checks its time bounds against its own clock: a delegation ends at `endsAt` exactly.
 */
export type ActingFor = { userId: string; name: string; role: Role; unitId: string; covers: boolean; startsAt: string; endsAt: string };

/** The person whose role a decision exercised, when it was made under a delegation. */
export type OnBehalfOf = { userId: string; name: string; role: string };

export type ReviewActor = {
  id: string;
  name: string;
  unitId: string;
  roles: Role[];
  /** Units each reviewer role covers (descendants expanded). */
  coverage: Partial<Record<Role, string[]>>;
  /** Delegations received that may bear on this report (absent: none). */
  delegations?: ActingFor[];
};

export type ReportFacts = { unitId: string; authorId: string };

export type Command =
  /** restart: go back to the first stage even where the definition resumes at the stage that returned it (changed figures). */
  | { type: "submit"; definition: WorkflowDefinition; claimedVersion: number; restart?: boolean }
  | { type: "approve" | "return"; stage: string; comment?: string; expectedVersion?: number }
  | { type: "withdraw"; comment?: string; expectedVersion?: number }
  | { type: "publish"; publishedUrl: string }
  | { type: "schedule"; publishAt: string }
  | { type: "unpublish"; reason: string }
  /** A scheduled publication called off before it goes live (director or admin): back to the unit. */
  | { type: "cancel"; reason: string }
  /**
   * Gives the current stage to one of its holders (or back to all of them: null). `auto`: the
   * system's own assignment to the only holder, as the stage starts (no actor). The Worker has
   * checked that the assignee holds the stage's role over the unit (or is a holder's delegate).
   */
  | { type: "assign"; stage: string; assignee: Assignee | null; auto?: boolean };

export type EventDraft = {
  action: "submit" | "approve" | "return" | "withdraw" | "publish" | "schedule" | "unpublish" | "assign" | "cancel";
  actorRole: string | null;
  stage: string | null;
  fromStatus: ReportStatus;
  toStatus: ReportStatus;
  comment: string | null;
  /** Set when the decision exercised someone else's role under a delegation. */
  onBehalfOf?: OnBehalfOf | null;
};

export const INITIAL_STATE: FlowState = {
  status: "draft",
  stageIndex: null,
  returnedAtIndex: null,
  revision: 0,
  version: 1,
  stageDueAt: null,
  definition: null,
  assignee: null,
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

/** The stage a state waits at, if it is in review. */
export function stageOf(state: FlowState) {
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
          assignee: null,
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
      const onBehalfOf = actingAs(state, stage, actor, report, now);
      assertSeparated(stage, actor, onBehalfOf, report, deciders);
      if (!stage.actions.includes(cmd.type)) throw new ApiError("forbidden", { detail: `Bước này không cho phép "${cmd.type}"` });
      const def = state.definition!;
      const index = state.stageIndex!;
      if (cmd.type === "return") {
        if (!cmd.comment?.trim()) {
          throw new ApiError("validation_failed", { errors: [{ path: "comment", in: "json", message: "Trả lại cần có ý kiến" }] });
        }
        return {
          next: { ...state, ...base, status: "returned", stageIndex: null, returnedAtIndex: index, stageDueAt: null, assignee: null },
          event: { action: "return", actorRole: stage.role, stage: stage.id, fromStatus: from, toStatus: "returned", comment: cmd.comment.trim(), onBehalfOf },
        };
      }
      const nextStage = def.stages[index + 1];
      const comment = cmd.comment?.trim() || null;
      if (nextStage) {
        return {
          next: { ...state, ...base, stageIndex: index + 1, stageDueAt: stageDueAt(calendar, now, nextStage), assignee: null },
          event: { action: "approve", actorRole: stage.role, stage: stage.id, fromStatus: from, toStatus: "in_review", comment, onBehalfOf },
        };
      }
      return {
        next: { ...state, ...base, status: "approved", stageIndex: null, stageDueAt: null, assignee: null },
        event: { action: "approve", actorRole: stage.role, stage: stage.id, fromStatus: from, toStatus: "approved", comment, onBehalfOf },
      };
    }

    case "assign": {
      const stage = stageOf(state);
      if (!stage) throw conflict(state, "Báo cáo không ở bước thẩm định nào");
      if (cmd.stage !== stage.id) throw conflict(state, `Bước "${cmd.stage}" không phải bước hiện tại`);
      const target = cmd.assignee;
      let actorRole: string | null = null;
      if (!cmd.auto) {
        if (!actor) throw new ApiError("forbidden");
        const admin = actor.roles.includes("admin");
        if (!admin) actingAs({ ...state, assignee: null }, stage, actor, report, now);
        actorRole = admin && !actor.roles.includes(stage.role) ? "admin" : stage.role;
        const current = state.assignee;
        // Once given, the stage is the assignee's to hand back or pass on (or their delegate's);
        // an admin may move it (an assignee who left). Anyone else is told who has it.
        const mayMove = admin || !current || current.userId === actor.id || delegatesFor(actor, stage, report, now).some((d) => d.userId === current.userId);
        if (!mayMove) {
          throw new ApiError("conflict", {
            detail: `Bước “${stage.label}” đã được giao cho ${current!.name}`,
            extra: { assignee: current, currentStatus: state.status, currentVersion: state.version },
          });
        }
        if (!target && !current) throw conflict(state, "Bước này chưa giao cho ai");
      }
      // `auto` with nobody: the system hands the stage back because its assignee can no longer
      // decide it (deactivated, or their role or coverage taken away).
      if (target && (state.assignee?.userId ?? null) === target.userId) throw conflict(state, `Bước này đã giao cho ${target.name}`);
      if (target) assertAssignable(stage, target, report, deciders);
      // The system's own assignment is part of the transition that started the stage: same version.
      return {
        next: { ...state, ...(cmd.auto && target ? {} : base), assignee: target },
        event: { action: "assign", actorRole, stage: stage.id, fromStatus: from, toStatus: from, comment: cmd.auto ? (target ? "auto" : "released") : null },
      };
    }

    case "withdraw": {
      // A scheduled publication is withdrawn too, before it goes live: the page is never written.
      if (from !== "in_review" && from !== "scheduled") throw conflict(state, "Chỉ rút được báo cáo đang thẩm định hoặc đang chờ đăng theo lịch");
      checkVersion(state, cmd.expectedVersion);
      const stage = stageOf(state);
      return {
        next: { ...state, ...base, status: "withdrawn", stageIndex: null, returnedAtIndex: null, stageDueAt: null, assignee: null },
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

    case "cancel": {
      if (from !== "scheduled") throw conflict(state, "Chỉ huỷ được lịch đăng của bài đang chờ đăng theo lịch");
      if (!cmd.reason.trim()) throw new ApiError("validation_failed", { errors: [{ path: "reason", in: "json", message: "Cần nêu lý do huỷ lịch đăng" }] });
      return {
        next: { ...state, ...base, status: "withdrawn", stageIndex: null, returnedAtIndex: null, stageDueAt: null, assignee: null },
        event: { action: "cancel", actorRole: null, stage: null, fromStatus: from, toStatus: "withdrawn", comment: cmd.reason.trim() },
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

/**
 * May the actor give this stage of this report to someone (claim it, pass it on, hand it back)?
 * An admin, or whoever could decide it were it open: a holder of its role over the unit, in their
 * own name or a delegator's. (Whether the stage is already someone else's is ReportFlow's to say.)
 */
export function mayAssignStage(actor: ReviewActor, stage: Stage, report: ReportFacts, now: Date): boolean {
  if (actor.roles.includes("admin")) return true;
  const own =
    actor.roles.includes(stage.role) &&
    (stage.scope === "own_unit" ? actor.unitId === report.unitId : (actor.coverage[stage.role] ?? []).includes(report.unitId));
  return own || delegatesFor(actor, stage, report, now).length > 0;
}

/** The actor's delegations that reach this stage of this report at `now` (ends exclusive). */
function delegatesFor(actor: ReviewActor, stage: Stage, report: ReportFacts, now: Date): ActingFor[] {
  const t = now.getTime();
  return (actor.delegations ?? []).filter(
    (d) =>
      d.role === stage.role &&
      Date.parse(d.startsAt) <= t &&
      t < Date.parse(d.endsAt) &&
      (stage.scope === "own_unit" ? d.unitId === report.unitId : d.covers),
  );
}

/**
 * In whose name the actor may decide this stage: their own (null), or a delegator's (ký thay).
 * An assigned stage is the assignee's, or their delegate's; anyone else is refused, told who has it.
 */
function actingAs(state: FlowState, stage: Stage, actor: ReviewActor, report: ReportFacts, now: Date): OnBehalfOf | null {
  const own =
    actor.roles.includes(stage.role) &&
    (stage.scope === "own_unit" ? actor.unitId === report.unitId : (actor.coverage[stage.role] ?? []).includes(report.unitId));
  const delegated = delegatesFor(actor, stage, report, now);
  const behalf = (d: ActingFor): OnBehalfOf => ({ userId: d.userId, name: d.name, role: d.role });
  const assignee = state.assignee;
  if (assignee) {
    if (assignee.userId === actor.id) {
      if (own) return null;
      if (delegated[0]) return behalf(delegated[0]);
    } else {
      const forAssignee = delegated.find((d) => d.userId === assignee.userId);
      if (forAssignee) return behalf(forAssignee);
    }
    throw new ApiError("forbidden", {
      detail: `Bước “${stage.label}” đã được giao cho ${assignee.name}: chỉ người được giao (hoặc người ký thay) quyết định`,
      extra: { assignee },
    });
  }
  if (own) return null;
  if (delegated[0]) return behalf(delegated[0]);
  if (!actor.roles.includes(stage.role)) throw new ApiError("forbidden", { detail: `Bước này do "${stage.label}" quyết định` });
  throw new ApiError("forbidden", { detail: "Đơn vị của báo cáo không thuộc phạm vi bạn phụ trách" });
}

/**
 * Separation of duties, across delegation: the unit's own people never decide its reports, and
 * nobody decides two stages of one revision, whether in their own name or in another's (a deputy
 * who signed the deputy's stage does not sign the director's for them; a director who somehow
 * decided an earlier stage is not signed for at the later one).
 */
function assertSeparated(stage: Stage, actor: ReviewActor, onBehalfOf: OnBehalfOf | null, report: ReportFacts, deciders: ReadonlyMap<string, string>): void {
  if (actor.id === report.authorId || onBehalfOf?.userId === report.authorId || (actor.roles.includes("author") && actor.unitId === report.unitId)) {
    throw new ApiError("forbidden", { detail: "Không được thẩm định báo cáo của chính đơn vị mình soạn" });
  }
  for (const id of [actor.id, onBehalfOf?.userId]) {
    const decided = id === undefined ? undefined : deciders.get(id);
    if (decided !== undefined && decided !== stage.id) {
      throw new ApiError("forbidden", { detail: "Một người không được quyết định hai bước của cùng một phiên bản (kể cả khi ký thay)" });
    }
  }
}

/** An assignee must be able to decide: not the report's author, not a decider of another stage of this revision. */
function assertAssignable(stage: Stage, target: Assignee, report: ReportFacts, deciders: ReadonlyMap<string, string>): void {
  const decided = deciders.get(target.userId);
  const reason =
    target.userId === report.authorId
      ? `${target.name} là người soạn báo cáo này`
      : decided !== undefined && decided !== stage.id
        ? `${target.name} đã quyết định một bước khác của phiên bản này`
        : null;
  if (reason) throw new ApiError("validation_failed", { errors: [{ path: "userId", in: "json", message: `Không giao được: ${reason}` }] });
}

function conflict(state: FlowState, detail: string): ApiError {
  const stage = stageOf(state);
  return new ApiError("conflict", {
    detail,
    extra: { currentStatus: state.status, currentStage: stage ? { id: stage.id, label: stage.label, role: stage.role } : null, currentVersion: state.version },
  });
}
