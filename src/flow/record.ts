// What one transition writes to the DO's storage: the event, the new flow state, and the work it
// sets off (projection, notifications, SLA reminders, publication). Run inside a storage transaction.
import type { WorkingCalendar } from "../domain/calendar";
import { newId } from "../domain/ids";
import type { EventDraft, FlowState, ReviewActor } from "../domain/review";
import type { Audience, NotifyPayload } from "./effects";
import { slaMoments } from "./sla";
import { addWork, appendEvent, saveFlow, type FlowRecord, type Work } from "./storage";

/**
 * Appends the event and the work it sets off, in one storage transaction (the caller's). `calendar`
 * is the one the transition's due time came from (null when it started no stage): the stage's
 * reminder and escalation are set by it too. `then`: events that happen with it, in order, such as
 * the automatic assignment of the stage it starts to its only holder (they leave the same state).
 */
export function recordTransition(
  sql: SqlStorage,
  flow: FlowRecord,
  next: FlowState,
  draft: EventDraft,
  actor: ReviewActor | null,
  now: Date,
  calendar: WorkingCalendar | null,
  then: EventDraft[] = [],
): void {
  const stage = next.status === "in_review" && next.definition ? next.definition.stages[next.stageIndex!]! : null;
  // Each event carries who has the stage once it has happened: the transition that starts a stage
  // leaves it open, the automatic assignment that follows gives it to its holder.
  const autoAssigned = then.some((d) => d.action === "assign");
  const append = (d: EventDraft, by: ReviewActor | null, postAssignee = next.assignee) =>
    appendEvent(sql, {
      ...d,
      id: newId(now.getTime()),
      actorId: by?.id ?? (d.action === "submit" ? flow.authorId : null),
      actorName: by?.name || null,
      actorRole: d.actorRole ?? (by ? (by.roles.find((r) => r === "director" || r === "admin") ?? by.roles[0] ?? null) : null),
      onBehalfOf: d.onBehalfOf ?? null,
      revision: next.revision,
      createdAt: now.toISOString(),
      postStage: stage?.id ?? null,
      postStageRole: stage?.role ?? null,
      postDueAt: next.stageDueAt,
      postVersion: next.version,
      postAssignee,
    });
  const event = append(draft, actor, autoAssigned ? null : next.assignee);
  // An automatic assignment is the system's: no actor.
  const followers = then.map((d) => append(d, d.action === "assign" && d.comment === "auto" ? null : actor));
  const released = event.action === "assign" && draft.comment === "released";
  saveFlow(sql, { ...flow, ...next });

  const iso = now.toISOString();
  const notify = (p: Omit<NotifyPayload, "eventId" | "revision">) =>
    addWork(sql, { id: `notify:${event.id}:${p.template}`, kind: "notify", dueAt: iso, payload: { ...p, eventId: event.id, revision: next.revision } });
  addWork(sql, { id: "project", kind: "project", dueAt: iso, payload: {} });
  // Who decided, as the emails name them ("KT. Giám đốc" for a decision under a delegation).
  const by = actor && draft.actorRole !== "author" ? { name: actor.name, role: draft.actorRole, onBehalfOf: draft.onBehalfOf ?? null } : null;

  if (event.action === "assign") {
    // Same stage, same due time: its reminders stand (they go to whoever holds it when they fall due).
    if (stage && next.assignee) {
      notify({ template: "assigned", audience: { type: "user", userId: next.assignee.userId, role: stage.role }, stage: { id: stage.id, label: stage.label }, dueAt: next.stageDueAt, by });
    }
    // Handed back by the system (its assignee left): the stage's holders are asked again.
    if (stage && released) {
      notify({ template: "awaiting_review", audience: { type: "reviewers", role: stage.role, scope: stage.scope }, stage: { id: stage.id, label: stage.label }, dueAt: next.stageDueAt });
    }
    return;
  }

  // Leaving a stage ends its reminders.
  sql.exec("DELETE FROM work WHERE kind IN ('remind', 'escalate')");

  if (stage && next.definition) {
    const label = { id: stage.id, label: stage.label };
    const assigned = followers.some((f) => f.action === "assign") ? next.assignee : null;
    // Given at once to the only holder: the one "awaiting your review" letter goes to them alone
    // (addressed as the assignee), not to every holder of the role.
    const audience: Audience = assigned
      ? { type: "user", userId: assigned.userId, role: stage.role }
      : { type: "reviewers", role: stage.role, scope: stage.scope };
    notify({ template: "awaiting_review", audience, stage: label, dueAt: next.stageDueAt });
    // The transition that started the stage read the calendar for its due time (startsStage).
    if (!calendar) throw new Error(`stage ${stage.id} started without a working calendar`);
    const { remindAt, escalateAt } = slaMoments(calendar, next.stageDueAt!, now);
    const sla = { revision: next.revision, stageIndex: next.stageIndex };
    if (remindAt) addWork(sql, { id: `remind:${next.revision}:${stage.id}`, kind: "remind", dueAt: remindAt, payload: sla });
    addWork(sql, { id: `escalate:${next.revision}:${stage.id}`, kind: "escalate", dueAt: escalateAt, payload: sla });
  }
  if (event.action === "return") {
    notify({ template: "returned", audience: { type: "author" }, stage: { id: draft.stage!, label: stageLabel(flow, draft.stage) }, comment: draft.comment, by });
  }
  if (event.action === "approve" && event.toStatus === "approved") {
    notify({ template: "approved", audience: { type: "author" }, by });
    if (next.definition && next.definition.afterApproval !== "not_public") {
      addWork(sql, { id: `publish:${next.revision}`, kind: "publish", dueAt: iso, payload: { revision: next.revision, since: iso } });
    }
  }
  // A scheduled publication called off: the PUBLISH instance asleep until its time is ended, and
  // nothing is watched any more; the unit is told.
  if ((event.action === "withdraw" || event.action === "cancel") && draft.fromStatus === "scheduled") {
    sql.exec("DELETE FROM work WHERE kind = 'publish'");
    addWork(sql, { id: `unschedule:${next.revision}`, kind: "unschedule", dueAt: iso, payload: { revision: next.revision } });
    if (event.action === "cancel") notify({ template: "cancelled", audience: { type: "author" }, comment: draft.comment, by });
  }
  // On the portal: nothing left to watch (see ReportFlow's "publish" work).
  if (event.action === "publish") sql.exec("DELETE FROM work WHERE kind = 'publish'");
  if (event.action === "publish") notify({ template: "published", audience: { type: "author" }, comment: draft.comment });
  if (event.action === "unpublish") {
    notify({ template: "unpublished", audience: { type: "author" }, comment: draft.comment });
    addWork(sql, { id: `retract:${event.id}`, kind: "retract", dueAt: iso, payload: { reason: draft.comment ?? "", at: iso } });
  }
}

function stageLabel(flow: FlowRecord, id: string | null): string {
  return flow.definition?.stages.find((s) => s.id === id)?.label ?? id ?? "";
}

/**
 * The message a due reminder or escalation sends, or null when the report has left that stage.
 * Both go to the stage's holders; an escalation of a specialist's stage goes to the deputy heads
 * covering the report's unit as well, who see that it is done (DESIGN.md section 12).
 */
export function slaNotification(flow: FlowRecord, work: Work): NotifyPayload | null {
  const { revision, stageIndex } = work.payload as { revision: number; stageIndex: number };
  if (flow.status !== "in_review" || flow.revision !== revision || flow.stageIndex !== stageIndex || !flow.definition) return null;
  const stage = flow.definition.stages[stageIndex]!;
  // An assigned stage is its assignee's to be reminded of; an open one, every holder's.
  const holders = flow.assignee
    ? { type: "user" as const, userId: flow.assignee.userId, role: stage.role }
    : { type: "reviewers" as const, role: stage.role, scope: stage.scope };
  // The id names the report: notification records are keyed by it across all reports, and two
  // reports at the same revision and stage must not share (and so drop) each other's reminders.
  const base = { eventId: `${work.kind}:${flow.reportId}:${revision}:${stage.id}`, revision, stage: { id: stage.id, label: stage.label }, dueAt: flow.stageDueAt, audience: holders };
  if (work.kind === "remind") return { ...base, template: "reminder" };
  const overseers = stage.role === "specialist" ? { type: "reviewers" as const, role: "deputy_head" as const, scope: "covered_units" as const } : null;
  return { ...base, template: "escalation", alsoTo: overseers };
}
