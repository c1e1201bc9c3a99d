// What ReportFlow's RPC methods answer: the report's review state as the object holds it, or a
// problem. Plain data only: RPC carries values, not error classes.
import type { ErrorCode, FieldError } from "../errors";
import { pendingEvents, type FlowRecord } from "./storage";

export type FlowView = {
  reportId: string;
  status: string;
  stage: { id: string; label: string; role: string } | null;
  stageDueAt: string | null;
  version: number;
  revision: number;
  pendingProjection: boolean;
  /** Who the current stage is assigned to; null when it is open to all its holders. */
  assignee: { userId: string; name: string } | null;
};

/** A transition's answer: the new state, and where its write stands in D1. */
export type TransitionView = FlowView & {
  /**
   * The D1 Sessions API bookmark of the transition's projection (null when it did not land): a
   * client that hands it back reads its own write, even from a replica.
   */
  bookmark: string | null;
};

export type Problem = { code: ErrorCode; detail?: string; errors?: FieldError[]; extra?: Record<string, unknown> };
/** RPC carries plain data, not error classes: problems come back as values. */
export type FlowResult = { ok: true; view: TransitionView } | { ok: false; problem: Problem };

export function viewOf(sql: SqlStorage, flow: FlowRecord): FlowView {
  const stage = flow.status === "in_review" && flow.definition && flow.stageIndex !== null ? flow.definition.stages[flow.stageIndex]! : null;
  return {
    reportId: flow.reportId,
    status: flow.status,
    stage: stage ? { id: stage.id, label: stage.label, role: stage.role } : null,
    stageDueAt: flow.stageDueAt,
    version: flow.version,
    revision: flow.revision,
    pendingProjection: pendingEvents(sql).length > 0,
    assignee: stage ? flow.assignee : null,
  };
}
