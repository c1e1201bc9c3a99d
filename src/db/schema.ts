// D1 schema. drizzle-kit generates migrations/ from this file; hand-written SQL
// (FTS5, triggers) lives in custom migrations beside the generated ones.
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

export const UNIT_TYPES = ["department", "division", "centre", "school"] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const ROLES = [
  "admin",
  "author",
  "centre_head",
  "specialist",
  "deputy_head",
  "director",
] as const;
export type Role = (typeof ROLES)[number];

export const REPORT_STATUSES = [
  "draft",
  "in_review",
  "returned",
  "withdrawn",
  "approved",
  "scheduled",
  "published",
  "unpublished",
] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

const createdAt = () =>
  text("created_at")
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);

export const units = sqliteTable(
  "units",
  {
    id: text("id").primaryKey(),
    parentId: text("parent_id").references((): any => units.id),
    type: text("type", { enum: UNIT_TYPES }).notNull(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    // Materialised path "/root/.../self/" so coverage of a unit includes its descendants.
    path: text("path").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("units_code_uq").on(t.code),
    index("units_parent_idx").on(t.parentId),
    index("units_path_idx").on(t.path),
    index("units_name_idx").on(t.name, t.id),
  ],
);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    title: text("title"),
    unitId: text("unit_id")
      .notNull()
      .references(() => units.id),
    passwordHash: text("password_hash").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    emailOptOut: integer("email_opt_out", { mode: "boolean" }).notNull().default(false),
    // The user's grants as the signed-in look-up reads them, [[role, coverage], ...], kept by
    // triggers on role_grants (migration 0037) in the statement that changes a grant: the look-up
    // reads the user's row, not one row per grant plus the end of their range. Never written by code.
    grants: text("grants").notNull().default("[]"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_email_uq").on(t.email),
    index("users_unit_idx").on(t.unitId),
    index("users_name_idx").on(t.name, t.id),
  ],
);

export const roleGrants = sqliteTable(
  "role_grants",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ROLES }).notNull(),
    // The grant's covered subtrees, precomputed from grant_units by triggers (migration 0008): a
    // JSON array of units.path, so the signed-in look-up reads one row per grant, not per unit.
    coverage: text("coverage").notNull().default("[]"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("role_grants_user_role_uq").on(t.userId, t.role), index("role_grants_role_idx").on(t.role)],
);

// The units a reviewer's grant covers (a covered unit includes its descendants).
export const grantUnits = sqliteTable(
  "grant_units",
  {
    grantId: text("grant_id")
      .notNull()
      .references(() => roleGrants.id),
    unitId: text("unit_id")
      .notNull()
      .references(() => units.id),
  },
  (t) => [primaryKey({ columns: [t.grantId, t.unitId] }), index("grant_units_unit_idx").on(t.unitId)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    // SHA-256 of the opaque token, hex: the token itself is never stored.
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

// Failed sign-ins per account and per client, for temporary lock-outs.
export const loginThrottle = sqliteTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStart: text("window_start").notNull(),
  lockedUntil: text("locked_until"),
});

export const reports = sqliteTable(
  "reports",
  {
    id: text("id").primaryKey(),
    unitId: text("unit_id")
      .notNull()
      .references(() => units.id),
    // The unit's materialised path (units.path), copied so that coverage is a path range on the
    // report row itself: no join, no list of unit ids. A trigger (migration 0008) keeps it right.
    unitPath: text("unit_path").notNull().default(""),
    // The unit's name (units.name), copied so that lists and the inbox show it without a look-up
    // per row. A trigger (migration 0020) keeps it right, and follows a rename.
    unitName: text("unit_name").notNull().default(""),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    slug: text("slug").notNull(),
    summary: text("summary"),
    body: text("body").notNull(),
    eventDate: text("event_date"),
    location: text("location"),
    attendees: text("attendees", { mode: "json" }).$type<{ name: string; title: string }[]>().notNull(),
    sourceUrl: text("source_url"),
    figures: text("figures", { mode: "json" }).$type<Record<string, unknown> | null>(),
    // A periodic report's period (DESIGN.md section 11) and the unit's notes explaining a figure
    // that moved a lot since the previous period ({indicatorId: text}).
    periodId: text("period_id").references(() => periods.id),
    figureNotes: text("figure_notes", { mode: "json" }).$type<Record<string, string> | null>(),
    // When the report was first submitted (the period board's "late" is measured by it).
    submittedAt: text("submitted_at"),
    status: text("status", { enum: REPORT_STATUSES }).notNull().default("draft"),
    stage: text("stage"),
    // The role that decides the current stage: the inbox looks reports up by it.
    stageRole: text("stage_role"),
    stageDueAt: text("stage_due_at"),
    // Optimistic concurrency: bumped on every change, sent back as ETag / If-Match.
    version: integer("version").notNull().default(1),
    // The seq of the last ReportFlow event projected onto this row. Projections are ordered by it,
    // not by version: content edits also raise the version, so the two must never be compared.
    flowSeq: integer("flow_seq").notNull().default(0),
    // How far up the review chain the report has ever reached (domain/policy.ts REVIEW_RANK):
    // a reviewer reads a report only once it has reached their stage.
    reviewReach: integer("review_reach").notNull().default(0),
    // Number of the last frozen revision (0 until first submitted).
    revision: integer("revision").notNull().default(0),
    workflowId: text("workflow_id"),
    workflowVersion: integer("workflow_version"),
    publishAt: text("publish_at"),
    publishedUrl: text("published_url"),
    // Who the current stage is assigned to (DESIGN.md section 13), as ReportFlow last projected
    // it; null when the stage is open to every holder of its role. The name is the one recorded
    // with the assignment.
    assigneeId: text("assignee_id").references(() => users.id),
    assigneeName: text("assignee_name"),
    // What a correction of a published article changes, told to readers (DESIGN.md section 14):
    // required to resubmit a report that has been published; frozen with the revision.
    correctionNote: text("correction_note"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("reports_created_idx").on(t.createdAt, t.id),
    // "Assigned to me": the inbox's own items, and what an admin change would leave assigned to nobody.
    index("reports_assignee_idx").on(t.assigneeId, t.stageDueAt, t.id).where(sql`assignee_id IS NOT NULL`),
    index("reports_unit_created_idx").on(t.unitId, t.createdAt, t.id),
    // A unit's own list filtered by a status, newest first, reading only that status.
    index("reports_unit_status_idx").on(t.unitId, t.status, t.createdAt, t.id),
    index("reports_status_created_idx").on(t.status, t.createdAt, t.id),
    index("reports_kind_created_idx").on(t.kind, t.createdAt, t.id),
    index("reports_author_idx").on(t.authorId),
    index("reports_inbox_idx").on(t.status, t.stageRole, t.stageDueAt, t.id),
    index("reports_slug_idx").on(t.slug),
    // One report per unit and period: the board and the roll-up look each unit's report up by it.
    uniqueIndex("reports_period_unit_idx").on(t.periodId, t.unitId).where(sql`period_id IS NOT NULL`),
  ],
);

// One row per report and per unit on its path (its own unit and every ancestor), carrying what lists
// and the inbox filter and order by: "the newest reports under this unit" is then one index walk
// that stops at the page, however few of the department's reports the subtree holds. Kept by
// triggers on reports (migrations/0013_report_scopes_triggers.sql); never written by code.
export const reportScopes = sqliteTable(
  "report_scopes",
  {
    unitId: text("unit_id").notNull(),
    reportId: text("report_id")
      .notNull()
      .references(() => reports.id),
    createdAt: text("created_at").notNull(),
    status: text("status", { enum: REPORT_STATUSES }).notNull(),
    reviewReach: integer("review_reach").notNull(),
    stageRole: text("stage_role"),
    stageDueAt: text("stage_due_at"),
  },
  (t) => [
    primaryKey({ columns: [t.unitId, t.reportId] }),
    index("report_scopes_report_idx").on(t.reportId),
    index("report_scopes_list_idx").on(t.unitId, t.createdAt, t.reportId, t.status, t.reviewReach),
    // A reviewer reads from their stage on: one walk per review_reach at or above it, each exact, so
    // none skips reports they may not read; filtered by a status, one walk per (status, reach).
    // status_idx is the walk of a status when the reaches are too many to split (MAX_ARMS).
    index("report_scopes_reach_idx").on(t.unitId, t.reviewReach, t.createdAt, t.reportId, t.status),
    index("report_scopes_status_reach_idx").on(t.unitId, t.status, t.reviewReach, t.createdAt, t.reportId),
    index("report_scopes_status_idx").on(t.unitId, t.status, t.createdAt, t.reportId, t.reviewReach),
    // The dashboard's overdue list under a covered unit: reports in review at one reach, due soonest first.
    index("report_scopes_due_idx").on(t.unitId, t.status, t.reviewReach, t.stageDueAt, t.reportId),
    index("report_scopes_inbox_idx").on(t.unitId, t.status, t.stageRole, t.stageDueAt, t.reportId),
  ],
);

// Immutable snapshot frozen at each submit.
export const reportRevisions = sqliteTable(
  "report_revisions",
  {
    reportId: text("report_id")
      .notNull()
      .references(() => reports.id),
    number: integer("number").notNull(),
    content: text("content", { mode: "json" }).notNull(),
    contentHash: text("content_hash").notNull(),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.number] }), index("report_revisions_created_by_idx").on(t.createdBy)],
);

export const attachments = sqliteTable(
  "attachments",
  {
    id: text("id").primaryKey(),
    reportId: text("report_id")
      .notNull()
      .references(() => reports.id),
    r2Key: text("r2_key").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    caption: text("caption").notNull(),
    position: integer("position").notNull(),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    // Soft delete: a frozen revision may still refer to the object.
    deletedAt: text("deleted_at"),
  },
  (t) => [
    index("attachments_report_position_idx").on(t.reportId, t.position),
    index("attachments_created_by_idx").on(t.createdBy),
  ],
);

// Append-only audit trail; the ReportFlow DO writes review events, the API writes "created".
export const reportEvents = sqliteTable(
  "report_events",
  {
    id: text("id").primaryKey(),
    reportId: text("report_id")
      .notNull()
      .references(() => reports.id),
    seq: integer("seq").notNull(),
    action: text("action").notNull(),
    actorId: text("actor_id").references(() => users.id),
    // The actor's name as it was when the event happened: renaming a user does not rewrite history.
    actorName: text("actor_name"),
    actorRole: text("actor_role"),
    stage: text("stage"),
    fromStatus: text("from_status"),
    toStatus: text("to_status").notNull(),
    revision: integer("revision").notNull(),
    comment: text("comment"),
    // A decision made under a delegation (ký thay): the person whose role was exercised, with
    // their role and name at the time (DESIGN.md section 13).
    onBehalfOfId: text("on_behalf_of_id").references(() => users.id),
    onBehalfOfName: text("on_behalf_of_name"),
    onBehalfOfRole: text("on_behalf_of_role"),
    // Who the stage is assigned to after this event ("assign" events name the new assignee; null
    // when the stage was handed back).
    assigneeId: text("assignee_id").references(() => users.id),
    assigneeName: text("assignee_name"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("report_events_report_seq_uq").on(t.reportId, t.seq),
    // The inbox's separation-of-duties probe: "did this reviewer approve this revision?" in one seek.
    index("report_events_decider_idx").on(t.reportId, t.revision, t.action, t.actorId),
    index("report_events_actor_idx").on(t.actorId),
    index("report_events_created_idx").on(t.createdAt),
  ],
);

export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").references(() => users.id),
    reportId: text("report_id").references(() => reports.id),
    toEmail: text("to_email").notNull(),
    template: text("template").notNull(),
    subject: text("subject").notNull(),
    status: text("status", { enum: ["queued", "sent", "failed", "skipped"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
    sentAt: text("sent_at"),
  },
  (t) => [
    index("notifications_created_idx").on(t.createdAt, t.id),
    index("notifications_status_created_idx").on(t.status, t.createdAt, t.id),
    index("notifications_template_created_idx").on(t.template, t.createdAt, t.id),
    index("notifications_user_idx").on(t.userId),
    index("notifications_report_idx").on(t.reportId),
  ],
);

export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    // Null while the first request is still running.
    status: integer("status"),
    responseBody: text("response_body"),
    responseHeaders: text("response_headers", { mode: "json" }).$type<Record<string, string>>(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);

// What the public portal shows: one entry per published report, written by the PUBLISH workflow.
// `seq` numbers entries in order of first publication, so archive pages stay put as news arrives.
export const portalEntries = sqliteTable(
  "portal_entries",
  {
    reportId: text("report_id")
      .primaryKey()
      .references(() => reports.id),
    path: text("path").notNull(),
    unitId: text("unit_id")
      .notNull()
      .references(() => units.id),
    seq: integer("seq").notNull(),
    unitSeq: integer("unit_seq").notNull(),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    summary: text("summary"),
    eventDate: text("event_date"),
    revision: integer("revision").notNull(),
    firstPublishedAt: text("first_published_at").notNull(),
    // Set when a correction replaced the page.
    updatedAt: text("updated_at"),
    retractedAt: text("retracted_at"),
    retractionNote: text("retraction_note"),
    // The published revision's body as plain text (Markdown rendered and stripped): what the
    // portal's search reads (portal_fts, migration 0030) and the feeds carry in full.
    bodyText: text("body_text").notNull().default(""),
  },
  (t) => [
    uniqueIndex("portal_entries_path_uq").on(t.path),
    uniqueIndex("portal_entries_seq_uq").on(t.seq),
    uniqueIndex("portal_entries_unit_seq_uq").on(t.unitId, t.unitSeq),
    index("portal_entries_live_idx").on(t.retractedAt, t.seq),
  ],
);

// The dashboard's counters (issue 10): kept by triggers on reports and report_events (migration
// 0011), so they change in the same transaction as every writer's statement and the dashboard
// reads O(units shown) rows. Every cell carries what visibility needs: the unit (id and path, for
// coverage) and the report's review_reach (a reviewer reads from their own stage on). A cell whose
// counts reach zero is deleted, so the tables hold only what the page may show. Keys start with
// the unit (triggers seek by it); the dashboard reads through the (school year, unit_path) indexes.

// Submitted reports by the school year (năm học, from 1 September, UTC+7) they were created in,
// unit and review_reach; one column per non-draft status, the page's table layout.
export const dashboardUnitTallies = sqliteTable(
  "dashboard_unit_tallies",
  {
    schoolYear: integer("school_year").notNull(),
    unitId: text("unit_id").notNull(),
    unitPath: text("unit_path").notNull(),
    reach: integer("reach").notNull(),
    inReview: integer("in_review").notNull().default(0),
    returned: integer("returned").notNull().default(0),
    withdrawn: integer("withdrawn").notNull().default(0),
    approved: integer("approved").notNull().default(0),
    scheduled: integer("scheduled").notNull().default(0),
    published: integer("published").notNull().default(0),
    unpublished: integer("unpublished").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.reach, t.schoolYear] }), index("dashboard_unit_tallies_path_idx").on(t.schoolYear, t.unitPath),
    // A reviewer counts from their stage on: the cells of each reach at or above it, in one range.
    index("dashboard_unit_tallies_reach_idx").on(t.schoolYear, t.reach, t.unitPath),
  ],
);

// Reports in review now, by unit, review_reach, kind and stage.
export const dashboardStageTallies = sqliteTable(
  "dashboard_stage_tallies",
  {
    unitId: text("unit_id").notNull(),
    unitPath: text("unit_path").notNull(),
    reach: integer("reach").notNull(),
    kind: text("kind").notNull(),
    stage: text("stage").notNull(),
    n: integer("n").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.reach, t.kind, t.stage] }), index("dashboard_stage_tallies_path_idx").on(t.unitPath),
    index("dashboard_stage_tallies_reach_idx").on(t.reach, t.unitPath),
  ],
);

// Time spent in a stage, one entry per decision (approve or return): from the event before it to
// the decision, by the decision's school year, the report's unit and its CURRENT review_reach
// (moved when the reach grows), and the stage. Count, total seconds (integers: adding and taking
// away never drifts) and a fixed histogram from which the page reads the median's range.
export const dashboardStageTimes = sqliteTable(
  "dashboard_stage_times",
  {
    schoolYear: integer("school_year").notNull(),
    unitId: text("unit_id").notNull(),
    unitPath: text("unit_path").notNull(),
    reach: integer("reach").notNull(),
    stage: text("stage").notNull(),
    n: integer("n").notNull().default(0),
    seconds: integer("seconds").notNull().default(0),
    // Decisions taken within: 1 h, 4 h, 8 h, 24 h, 48 h, 72 h, 5 days, 7 days, 14 days, longer.
    h1: integer("h1").notNull().default(0),
    h4: integer("h4").notNull().default(0),
    h8: integer("h8").notNull().default(0),
    h24: integer("h24").notNull().default(0),
    h48: integer("h48").notNull().default(0),
    h72: integer("h72").notNull().default(0),
    h120: integer("h120").notNull().default(0),
    h168: integer("h168").notNull().default(0),
    h336: integer("h336").notNull().default(0),
    hMore: integer("h_more").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.reach, t.schoolYear, t.stage] }), index("dashboard_stage_times_path_idx").on(t.schoolYear, t.unitPath),
    index("dashboard_stage_times_reach_idx").on(t.schoolYear, t.reach, t.unitPath),
  ],
);

// The two tables above rolled up to every unit on a cell's path and to "*" (the whole department),
// kept by triggers on them (migration 0019): a reviewer covering a subtree reads the cells of its
// top unit only, so "in review by stage" and "time in stage" cost O(kinds x stages), not O(units).
export const dashboardStageRollups = sqliteTable(
  "dashboard_stage_rollups",
  {
    // A unit id, or "*" for every unit.
    ancestorId: text("ancestor_id").notNull(),
    reach: integer("reach").notNull(),
    kind: text("kind").notNull(),
    stage: text("stage").notNull(),
    n: integer("n").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.ancestorId, t.reach, t.kind, t.stage] })],
);

export const dashboardTimeRollups = sqliteTable(
  "dashboard_time_rollups",
  {
    schoolYear: integer("school_year").notNull(),
    // A unit id, or "*" for every unit.
    ancestorId: text("ancestor_id").notNull(),
    reach: integer("reach").notNull(),
    stage: text("stage").notNull(),
    n: integer("n").notNull().default(0),
    seconds: integer("seconds").notNull().default(0),
    h1: integer("h1").notNull().default(0),
    h4: integer("h4").notNull().default(0),
    h8: integer("h8").notNull().default(0),
    h24: integer("h24").notNull().default(0),
    h48: integer("h48").notNull().default(0),
    h72: integer("h72").notNull().default(0),
    h120: integer("h120").notNull().default(0),
    h168: integer("h168").notNull().default(0),
    h336: integer("h336").notNull().default(0),
    hMore: integer("h_more").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.schoolYear, t.ancestorId, t.reach, t.stage] })],
);

// The working calendar's overrides (DESIGN.md section 12): an admin's decision about one date,
// winning over the law's defaults (src/domain/calendar). One row per date.
export const calendarOverrides = sqliteTable("calendar_overrides", {
  date: text("date").primaryKey(),
  working: integer("working", { mode: "boolean" }).notNull(),
  name: text("name").notNull(),
  updatedBy: text("updated_by")
    .notNull()
    .references(() => users.id),
  updatedAt: text("updated_at").notNull(),
});

// Who changed the calendar, and how: one row per PUT or DELETE of an override, never updated.
export const calendarOverrideEvents = sqliteTable(
  "calendar_override_events",
  {
    id: text("id").primaryKey(),
    date: text("date").notNull(),
    action: text("action", { enum: ["put", "delete"] }).notNull(),
    // What the date was set to (put), or what was dropped (delete).
    working: integer("working", { mode: "boolean" }).notNull(),
    name: text("name").notNull(),
    actorId: text("actor_id")
      .notNull()
      .references(() => users.id),
    actorName: text("actor_name").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("calendar_override_events_date_idx").on(t.date, t.createdAt)],
);

// Reporting periods (DESIGN.md section 11): the same figures asked of a set of units by a due date.
export const PERIOD_STATUSES = ["open", "closed"] as const;
export const periods = sqliteTable(
  "periods",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    indicatorSetId: text("indicator_set_id").notNull(),
    opensAt: text("opens_at").notNull(),
    dueAt: text("due_at").notNull(),
    status: text("status", { enum: PERIOD_STATUSES }).notNull().default("open"),
    openedBy: text("opened_by")
      .notNull()
      .references(() => users.id),
    openedByName: text("opened_by_name").notNull(),
    createdAt: text("created_at").notNull(),
    closedAt: text("closed_at"),
    closedBy: text("closed_by").references(() => users.id),
    // How many units the period expects (its period_units rows, which never change once it is
    // opened): lists show it without counting them for every period on the page.
    unitCount: integer("unit_count").notNull().default(0),
  },
  (t) => [
    index("periods_created_idx").on(t.createdAt, t.id),
    index("periods_status_due_idx").on(t.status, t.dueAt),
    // "The previous period of the same set" (previous-period checks) is one seek down this index.
    index("periods_set_opens_idx").on(t.indicatorSetId, t.opensAt, t.id),
  ],
);

// The units a period expects a report from: one row each (the board walks them).
export const periodUnits = sqliteTable(
  "period_units",
  {
    periodId: text("period_id")
      .notNull()
      .references(() => periods.id),
    unitId: text("unit_id")
      .notNull()
      .references(() => units.id),
  },
  (t) => [primaryKey({ columns: [t.periodId, t.unitId] }), index("period_units_unit_idx").on(t.unitId, t.periodId)],
);

// Delegations (ủy quyền, ký thay; DESIGN.md section 13): while one runs (starts_at <= now <
// ends_at, not ended), the delegate decides the role's stages with the delegator's coverage. An
// absence is the same, one row per reviewer role of the absent person (kind 'absence'); its
// substitute also gets the emails of those stages. Ending one early sets ended_at; rows are never
// deleted (the history names who signed for whom).
export const DELEGATION_KINDS = ["delegation", "absence"] as const;
export const delegations = sqliteTable(
  "delegations",
  {
    id: text("id").primaryKey(),
    fromUserId: text("from_user_id")
      .notNull()
      .references(() => users.id),
    toUserId: text("to_user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ROLES }).notNull(),
    kind: text("kind", { enum: DELEGATION_KINDS }).notNull().default("delegation"),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    note: text("note"),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    endedAt: text("ended_at"),
    endedBy: text("ended_by").references(() => users.id),
  },
  (t) => [
    // The signed-in look-up: what the caller has received that runs now.
    index("delegations_to_idx").on(t.toUserId, t.endsAt),
    // Overlap checks and "what have I given".
    index("delegations_from_idx").on(t.fromUserId, t.role, t.endsAt),
    // The hourly sweep: delegations that ran out since the last runs.
    index("delegations_ends_idx").on(t.endsAt),
  ],
);

// The public correction log (DESIGN.md section 14): one row per republication of an article with
// the note its correction carried, shown on the page as "Đính chính ngày dd/mm/yyyy HH:mm: …" and
// in its index.json. Written by the PUBLISH workflow, once per revision.
export const portalCorrections = sqliteTable(
  "portal_corrections",
  {
    reportId: text("report_id")
      .notNull()
      .references(() => reports.id),
    revision: integer("revision").notNull(),
    at: text("at").notNull(),
    note: text("note").notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.revision] })],
);

// Reports waiting in review, counted per (unit on the report unit's path, stage role, assignee;
// '' when nobody has the stage yet, '*' for the total of the unit and role), kept by triggers on
// reports (migrations 0033, 0034) in the same statement as the report's write: the menu's and the
// inbox tabs' counts for a reviewer covering a subtree read, per subtree, the cells of its top unit
// for the assignees asked for ('', the caller, '*'): a few rows, never O(reports) or O(people).
export const reviewQueueCounts = sqliteTable(
  "review_queue_counts",
  {
    ancestorId: text("ancestor_id").notNull(),
    stageRole: text("stage_role").notNull(),
    assigneeId: text("assignee_id").notNull(),
    n: integer("n").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.ancestorId, t.stageRole, t.assigneeId] })],
);
