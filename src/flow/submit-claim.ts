// What a submit records, decided before anything is recorded: the report's row in D1 is claimed
// for review first (it freezes the content and moves the version on), and only a claim that landed
// becomes a transition in the report's object (ReportFlow.commitSubmit). A claim whose answer was
// lost is found again in D1 and adopted (landedClaim), so the author can simply try again.
import { WORKFLOWS, type ReportKind, type WorkflowDefinition } from "../../workflows";
import type { WorkingCalendar } from "../domain/calendar";
import { sameFigures } from "../domain/indicators";
import { EDITABLE_STATUSES, transition, type Command, type EventDraft, type FlowState, type ReviewActor } from "../domain/review";
import { ApiError } from "../errors";
import { holdersKey } from "../queries/stage-holders";
import { claimForReview, readClaimed, reportSnapshot, type Claim } from "./projection";
import { LAW_CALENDAR, stageStartReads, type StageStartFacts } from "./sla";
import { HOLDERS_PAST_DECIDERS, preReadOf, stageOf, type PreRead } from "./stage-start";
import { getRevision, pendingEvents, type FlowRecord } from "./storage";

/** A submit ready to be recorded: its transition, the claim that landed, and the first stage's holders if read. */
export type SubmitPlan = {
  next: FlowState;
  event: EventDraft;
  actor: ReviewActor;
  claim: Claim;
  now: Date;
  calendar: WorkingCalendar | null;
  holders: PreRead;
};

/** The object's storage and D1, and its projection (D1 must have caught up before a claim). */
export type ClaimHost = { sql: SqlStorage; db: D1Database; project: () => Promise<unknown> };

/**
 * Claims the report in D1 for the submit `actor` asked for. `known`: the calendar and the stages'
 * holders the Worker read in its batch, so that the object reads neither again.
 */
export async function claimSubmit(host: ClaimHost, flow: FlowRecord, actor: ReviewActor, expectedVersion: number | undefined, known?: StageStartFacts): Promise<SubmitPlan> {
  // D1 must have caught up before it is asked to move the row.
  await host.project();
  if (pendingEvents(host.sql).length) throw new ApiError("unavailable");
  const definition = WORKFLOWS[flow.kind as ReportKind];
  if (!definition) throw new ApiError("internal");
  const now = new Date();
  const cmd: Command = { type: "submit", definition, claimedVersion: flow.version };
  // The stage it starts (the first, or the one a "resume" resubmission returns to) does not
  // depend on the calendar: known before the calendar and its holders are read, together.
  const stage = stageOf(transition(flow, cmd, actor, flow, new Map(), now, LAW_CALENDAR).next);
  const reads = (await stageStartReads(host.db, { reportId: flow.reportId, state: flow, cmd, stage, limit: HOLDERS_PAST_DECIDERS, known }))!;
  const calendar = reads.calendar;
  const { next, event } = transition(flow, cmd, actor, flow, new Map(), now, calendar);
  const started = definition.stages[next.stageIndex!]!;
  let claim: Claim | null;
  try {
    claim = await claimForReview(
      host.db,
      flow.reportId,
      { stage: started.id, stageRole: started.role, stageDueAt: next.stageDueAt!, workflowId: definition.id, workflowVersion: definition.version, now: now.toISOString() },
      expectedVersion,
      flow.revision,
    );
  } catch {
    // Whether or not D1 committed, nothing is recorded here; a claim that did land is adopted
    // on the next attempt (landedClaim), so the author can simply try again.
    throw new ApiError("unavailable");
  }
  if (claim && figuresChangedSinceReturn(host.sql, flow, definition, claim)) {
    // The claim froze new figures: the chain starts again at its first stage (the centre's head).
    const restarted = transition(flow, { ...cmd, restart: true }, actor, flow, new Map(), now, calendar);
    const first = stageOf(restarted.next);
    const holders = preReadOf(first, first && known?.holders[holdersKey(first)]);
    return { next: restarted.next, event: restarted.event, actor, claim, now, calendar, holders };
  }
  if (!claim) {
    const adopted = await landedClaim(host, flow, actor);
    if (adopted) return adopted;
    const snap = await reportSnapshot(host.db, flow.reportId);
    if (snap && expectedVersion !== undefined && snap.version !== expectedVersion) {
      throw new ApiError("precondition_failed", { extra: { currentVersion: snap.version } });
    }
    throw new ApiError("conflict", { detail: "Báo cáo không còn ở trạng thái gửi được", extra: { currentStatus: snap?.status ?? null } });
  }
  return { next, event, actor, claim, now, calendar, holders: preReadOf(stage, reads.holders) };
}

/** D1 shows our claim of the next revision (its answer was lost, or we were evicted): the submit to record now. */
export async function landedClaim(host: ClaimHost, flow: FlowRecord, actor: ReviewActor | null): Promise<SubmitPlan | null> {
  if (!EDITABLE_STATUSES.includes(flow.status)) return null;
  const claim = await readClaimed(host.db, flow.reportId, flow.revision + 1);
  if (!claim) return null;
  const definition = WORKFLOWS[flow.kind as ReportKind];
  const now = new Date();
  const cmd: Command = { type: "submit", definition, claimedVersion: claim.version, restart: figuresChangedSinceReturn(host.sql, flow, definition, claim) };
  const calendar = (await stageStartReads(host.db, { reportId: flow.reportId, state: flow, cmd, stage: undefined, limit: 0 }))!.calendar;
  const { next, event } = transition(flow, cmd, actor, flow, new Map(), now, calendar);
  // The submit is the author's, whoever's request found it: the history names them.
  const author: ReviewActor = actor ?? { id: flow.authorId, name: claim.authorName ?? "", unitId: flow.unitId, roles: ["author"], coverage: {} };
  return { next, event, actor: author, claim, now, calendar, holders: null };
}

/** A "resume" resubmission whose frozen figures differ from the revision that was returned. */
function figuresChangedSinceReturn(sql: SqlStorage, flow: FlowRecord, definition: WorkflowDefinition, claim: Claim): boolean {
  if (flow.status !== "returned" || definition.resubmission !== "resume" || !definition.requiresFigures) return false;
  const returned = getRevision(sql, flow.revision);
  return !returned || !sameFigures(returned.content.figures, claim.content.figures);
}
