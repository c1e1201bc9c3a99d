// ReportFlow's own SQLite storage: one row of flow state, the event log, frozen revisions and a
// table of due work served by the single alarm. The tables' versioned schema is in ./schema.
import type { WorkflowDefinition } from "../../workflows";
import type { ReportStatus } from "../db/schema";
import { INITIAL_STATE, type Assignee, type EventDraft, type FlowState, type OnBehalfOf } from "../domain/review";
import { withWorkingDays } from "./sla";

export type FlowRecord = FlowState & { reportId: string; kind: string; unitId: string; authorId: string };

type FlowRow = {
  report_id: string;
  kind: string;
  unit_id: string;
  author_id: string;
  status: string;
  stage_index: number | null;
  returned_at_index: number | null;
  revision: number;
  version: number;
  stage_due_at: string | null;
  definition: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
};

export function loadFlow(sql: SqlStorage): FlowRecord | null {
  const r = sql.exec<FlowRow>("SELECT * FROM flow WHERE id = 1").toArray()[0];
  if (!r) return null;
  return {
    reportId: r.report_id,
    kind: r.kind,
    unitId: r.unit_id,
    authorId: r.author_id,
    status: r.status as ReportStatus,
    stageIndex: r.stage_index,
    returnedAtIndex: r.returned_at_index,
    revision: r.revision,
    version: r.version,
    stageDueAt: r.stage_due_at,
    definition: r.definition ? withWorkingDays(JSON.parse(r.definition) as WorkflowDefinition) : null,
    assignee: r.assignee_id ? { userId: r.assignee_id, name: r.assignee_name ?? "" } : null,
  };
}

export function initialFlow(facts: { reportId: string; kind: string; unitId: string; authorId: string; status: ReportStatus; version: number; revision: number }): FlowRecord {
  return { ...INITIAL_STATE, ...facts };
}

export function saveFlow(sql: SqlStorage, f: FlowRecord): void {
  sql.exec(
    `INSERT INTO flow (id, report_id, kind, unit_id, author_id, status, stage_index, returned_at_index, revision, version, stage_due_at, definition, assignee_id, assignee_name)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, stage_index = excluded.stage_index,
       returned_at_index = excluded.returned_at_index, revision = excluded.revision, version = excluded.version,
       stage_due_at = excluded.stage_due_at, definition = excluded.definition,
       assignee_id = excluded.assignee_id, assignee_name = excluded.assignee_name`,
    f.reportId,
    f.kind,
    f.unitId,
    f.authorId,
    f.status,
    f.stageIndex,
    f.returnedAtIndex,
    f.revision,
    f.version,
    f.stageDueAt,
    f.definition ? JSON.stringify(f.definition) : null,
    f.assignee?.userId ?? null,
    f.assignee?.name ?? null,
  );
}

export type FlowEvent = Omit<EventDraft, "onBehalfOf"> & {
  onBehalfOf: OnBehalfOf | null;
  /** Who the stage is assigned to once this event has happened. */
  postAssignee: Assignee | null;
  seq: number;
  id: string;
  actorId: string | null;
  actorName: string | null;
  revision: number;
  createdAt: string;
  postStage: string | null;
  postStageRole: string | null;
  postDueAt: string | null;
  postVersion: number;
  projected: boolean;
};

type EventRow = {
  seq: number;
  id: string;
  action: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  stage: string | null;
  from_status: string;
  to_status: string;
  revision: number;
  comment: string | null;
  created_at: string;
  post_stage: string | null;
  post_stage_role: string | null;
  post_due_at: string | null;
  post_version: number;
  projected: number;
  on_behalf_of_id: string | null;
  on_behalf_of_name: string | null;
  on_behalf_of_role: string | null;
  post_assignee_id: string | null;
  post_assignee_name: string | null;
};

const toEvent = (r: EventRow): FlowEvent => ({
  seq: r.seq,
  id: r.id,
  action: r.action as FlowEvent["action"],
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorRole: r.actor_role,
  stage: r.stage,
  fromStatus: r.from_status as ReportStatus,
  toStatus: r.to_status as ReportStatus,
  revision: r.revision,
  comment: r.comment,
  createdAt: r.created_at,
  postStage: r.post_stage,
  postStageRole: r.post_stage_role,
  postDueAt: r.post_due_at,
  postVersion: r.post_version,
  projected: r.projected === 1,
  onBehalfOf: r.on_behalf_of_id ? { userId: r.on_behalf_of_id, name: r.on_behalf_of_name ?? "", role: r.on_behalf_of_role ?? "" } : null,
  postAssignee: r.post_assignee_id ? { userId: r.post_assignee_id, name: r.post_assignee_name ?? "" } : null,
});

export function appendEvent(sql: SqlStorage, e: Omit<FlowEvent, "seq" | "projected">): FlowEvent {
  const row = sql
    .exec<EventRow>(
      `INSERT INTO events (id, action, actor_id, actor_name, actor_role, stage, from_status, to_status, revision, comment, created_at,
         post_stage, post_stage_role, post_due_at, post_version, on_behalf_of_id, on_behalf_of_name, on_behalf_of_role, post_assignee_id, post_assignee_name)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      e.id,
      e.action,
      e.actorId,
      e.actorName,
      e.actorRole,
      e.stage,
      e.fromStatus,
      e.toStatus,
      e.revision,
      e.comment,
      e.createdAt,
      e.postStage,
      e.postStageRole,
      e.postDueAt,
      e.postVersion,
      e.onBehalfOf?.userId ?? null,
      e.onBehalfOf?.name ?? null,
      e.onBehalfOf?.role ?? null,
      e.postAssignee?.userId ?? null,
      e.postAssignee?.name ?? null,
    )
    .one();
  return toEvent(row);
}

export const allEvents = (sql: SqlStorage): FlowEvent[] => sql.exec<EventRow>("SELECT * FROM events ORDER BY seq").toArray().map(toEvent);

export const pendingEvents = (sql: SqlStorage): FlowEvent[] =>
  sql.exec<EventRow>("SELECT * FROM events WHERE projected = 0 ORDER BY seq").toArray().map(toEvent);

export function markProjected(sql: SqlStorage, seqs: number[]): void {
  for (const seq of seqs) sql.exec("UPDATE events SET projected = 1 WHERE seq = ?", seq);
}

/**
 * Who decided which stage of this revision (for separation of duties): the actor of each decision
 * and, for one made under a delegation, the person it was made for.
 */
export function decidersOf(sql: SqlStorage, revision: number): Map<string, string> {
  const rows = sql
    .exec<{ actor_id: string; stage: string }>(
      `SELECT actor_id, stage, seq FROM events WHERE revision = ?1 AND action IN ('approve', 'return') AND actor_id IS NOT NULL
       UNION ALL
       SELECT on_behalf_of_id, stage, seq FROM events WHERE revision = ?1 AND action IN ('approve', 'return') AND on_behalf_of_id IS NOT NULL
       ORDER BY seq`,
      revision,
    )
    .toArray();
  return new Map(rows.map((r) => [r.actor_id, r.stage]));
}

export type Revision = { number: number; content: Record<string, unknown>; contentHash: string; createdBy: string; createdAt: string };

export function saveRevision(sql: SqlStorage, r: Revision): void {
  sql.exec(
    "INSERT OR IGNORE INTO revisions (number, content, content_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
    r.number,
    JSON.stringify(r.content),
    r.contentHash,
    r.createdBy,
    r.createdAt,
  );
}

export function getRevision(sql: SqlStorage, number: number): Revision | null {
  const r = sql
    .exec<{ number: number; content: string; content_hash: string; created_by: string; created_at: string }>("SELECT * FROM revisions WHERE number = ?", number)
    .toArray()[0];
  return r ? { number: r.number, content: JSON.parse(r.content), contentHash: r.content_hash, createdBy: r.created_by, createdAt: r.created_at } : null;
}

// ---- due work, served by the one alarm ----

export type WorkKind = "project" | "notify" | "remind" | "escalate" | "publish" | "retract" | "unschedule";
export type Work = { id: string; kind: WorkKind; dueAt: string; payload: Record<string, unknown>; attempts: number };

/** Adds a piece of work; adding one that exists brings it forward to `dueAt` if that is sooner. */
export function addWork(sql: SqlStorage, w: { id: string; kind: WorkKind; dueAt: string; payload: Record<string, unknown> }): void {
  sql.exec(
    `INSERT INTO work (id, kind, due_at, payload) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET due_at = min(due_at, excluded.due_at)`,
    w.id,
    w.kind,
    w.dueAt,
    JSON.stringify(w.payload),
  );
}

export function dueWork(sql: SqlStorage, now: string): Work[] {
  return sql
    .exec<{ id: string; kind: string; due_at: string; payload: string; attempts: number }>("SELECT * FROM work WHERE due_at <= ? ORDER BY kind = 'project' DESC, due_at, id", now)
    .toArray()
    .map((r) => ({ id: r.id, kind: r.kind as WorkKind, dueAt: r.due_at, payload: JSON.parse(r.payload), attempts: r.attempts }));
}

export const removeWork = (sql: SqlStorage, id: string) => sql.exec("DELETE FROM work WHERE id = ?", id);

export function retryWork(sql: SqlStorage, id: string, dueAt: string, error: string): void {
  sql.exec("UPDATE work SET attempts = attempts + 1, due_at = ?, last_error = ? WHERE id = ?", dueAt, error.slice(0, 500), id);
}

export function setWorkPayload(sql: SqlStorage, id: string, payload: Record<string, unknown>): void {
  sql.exec("UPDATE work SET payload = ? WHERE id = ?", JSON.stringify(payload), id);
}

/** Every other piece of work due before `id` is put back to `id`'s due time. */
export function deferWorkUntil(sql: SqlStorage, id: string): void {
  sql.exec("UPDATE work SET due_at = (SELECT due_at FROM work WHERE id = ?1) WHERE id <> ?1 AND due_at < (SELECT due_at FROM work WHERE id = ?1)", id);
}

/** The publication time of the latest schedule event (its comment), if any. */
export function scheduledAt(sql: SqlStorage): string | null {
  return sql.exec<{ comment: string | null }>("SELECT comment FROM events WHERE action = 'schedule' ORDER BY seq DESC LIMIT 1").toArray()[0]?.comment ?? null;
}

export function nextDue(sql: SqlStorage): string | null {
  return sql.exec<{ d: string | null }>("SELECT min(due_at) AS d FROM work").one().d;
}

export function allWork(sql: SqlStorage): Work[] {
  return dueWork(sql, "9999-12-31T23:59:59.999Z");
}

export type Issue = { at: string; kind: string; detail: string };

export function addIssue(sql: SqlStorage, kind: string, detail: string, at = new Date().toISOString()): void {
  sql.exec("INSERT INTO issues (at, kind, detail) VALUES (?, ?, ?)", at, kind, detail.slice(0, 500));
}

export function recentIssues(sql: SqlStorage, limit = 50): Issue[] {
  return sql.exec<Issue>("SELECT at, kind, detail FROM issues ORDER BY id DESC LIMIT ?", limit).toArray();
}

// A scheduled publication the PUBLISH workflow has begun writing (meta row `publishing`): while
// its instance is still going, it may no longer be called off (its page would go live for a report
// back with its unit, or a correction would half-replace the live text). Every run of the instance
// (a restart included) takes the hold again before it writes. Should the instance be stuck in a
// running state, the hold still ends after PUBLICATION_HOLD_MS, longer than a publication with
// every step retried takes (5 steps of at most about 15 minutes each).
export const PUBLICATION_HOLD_MS = 2 * 3600_000;

export function markPublicationBegun(sql: SqlStorage, revision: number, at: string): void {
  sql.exec(
    "INSERT INTO meta (key, value) VALUES ('publishing', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    JSON.stringify({ revision, at }),
  );
}

/** The hold taken for `revision` within PUBLICATION_HOLD_MS of `now`, if any. */
export function publicationBegun(sql: SqlStorage, revision: number, now: number): boolean {
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'publishing'").toArray()[0];
  if (!row) return false;
  const begun = JSON.parse(row.value) as { revision: number; at: string };
  return begun.revision === revision && now - Date.parse(begun.at) < PUBLICATION_HOLD_MS;
}
