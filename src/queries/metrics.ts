// The decisions behind the stage metrics (DESIGN.md section 12): every approve and return of one
// period on a report the caller may read, with when its stage started.
//
// Cost: one walk of report_events_decided_idx (migration 0022: decisions only, in time order) over
// the period, and for each decision one seek of its report (primary key) and one of the event
// before it (report_events_report_seq_uq). So a request reads about three rows per decision made in
// the period across the department, whatever the number of reports or units, and binds two
// parameters plus the coverage ranges (visibility.ts: never one per unit). The period is at most
// MAX_PERIOD_DAYS (domain/metrics.ts), which bounds it. A director of one division still walks
// the other divisions' decisions of the period (report_events carries no unit); they are dropped
// by the visibility test on the report row and never leave D1.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { rankOf } from "../domain/policy";
import type { GroupBy, Period } from "../domain/metrics";
import type { Actor } from "../env";
import { visibleTo } from "./visibility";

export type DecisionRow = {
  /** report_events.created_at of the decision and of the event before it (the stage's start). */
  decidedAt: string;
  startedAt: string;
  action: "approve" | "return";
  stage: string;
  kind: string;
  /** What the row is grouped by: the stage id, the reviewer's user id or the report's unit id. */
  key: string | null;
  /** The reviewer's name at the time of the decision, or the unit's name; null by stage. */
  label: string | null;
};

/**
 * Whose metrics the caller sees: the reports their reviewing grants (a stage of the review chain,
 * or admin) let them read. An author's grant adds nothing: "an author sees none" (section 12),
 * even for someone who also reviews. Null when no grant reviews: the caller may not see metrics.
 */
export function metricsViewer(actor: Actor): Actor | null {
  const grants = actor.grants.filter((g) => rankOf(g.role) > 0 || g.role === "admin");
  return grants.length ? { ...actor, grants } : null;
}

const GROUP_COLUMNS: Record<GroupBy, { key: SQL; label: SQL }> = {
  stage: { key: sql`d.stage`, label: sql`NULL` },
  reviewer: { key: sql`d.actor_id`, label: sql`d.actor_name` },
  unit: { key: sql`reports.unit_id`, label: sql`reports.unit_name` },
};

/** The period's decisions on reports `viewer` may read (see metricsViewer), oldest first. */
export async function decisionsIn(db: Db, viewer: Actor, period: Period, groupBy: GroupBy): Promise<DecisionRow[]> {
  const visible = visibleTo(viewer);
  if (!visible) return [];
  const { key, label } = GROUP_COLUMNS[groupBy];
  // CROSS JOIN keeps report_events (through the partial index, named so that a plan that would
  // rather start from reports fails loudly) as the outer loop; the action term repeats the index's
  // WHERE literally, which SQLite needs to use a partial index.
  return db
    .select({
      decidedAt: sql<string>`d.created_at`,
      startedAt: sql<string>`p.created_at`,
      action: sql<"approve" | "return">`d.action`,
      stage: sql<string>`d.stage`,
      kind: sql<string>`reports.kind`,
      key: sql<string | null>`${key}`,
      label: sql<string | null>`${label}`,
    })
    .from(sql`report_events AS d INDEXED BY report_events_decided_idx CROSS JOIN reports CROSS JOIN report_events AS p`)
    .where(
      sql`d.action IN ('approve', 'return') AND d.created_at >= ${period.from} AND d.created_at < ${period.to}
        AND reports.id = d.report_id AND p.report_id = d.report_id AND p.seq = d.seq - 1 AND ${visible}`,
    )
    .orderBy(sql`d.created_at`);
}
