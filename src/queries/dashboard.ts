// The director's and admin's dashboard figures. Every aggregate is over the reports the caller may
// read (visibleTo, from the policy table), exactly as the lists are: a count is information too.
import { and, asc, count, eq, gte, inArray, lt, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client";
import { reportEvents, reports, units } from "../db/schema";
import type { Actor } from "../env";
import { visibleTo } from "./reports";

export type Dashboard = {
  byStage: { kind: string; stage: string | null; n: number }[];
  byUnit: { unit: string; status: string; n: number }[];
  overdue: { id: string; title: string; kind: string; stage: string | null; stageDueAt: string | null; unit: string }[];
  durations: { kind: string; stage: string | null; hours: number }[];
};

const DAY = 24 * 3600_000;

export async function dashboardFigures(db: Db, actor: Actor, now = new Date()): Promise<Dashboard> {
  const visible = visibleTo(actor);
  if (!visible) return { byStage: [], byUnit: [], overdue: [], durations: [] };
  const since = new Date(now.getTime() - 365 * DAY).toISOString();
  const previous = alias(reportEvents, "previous");
  const [byStage, byUnit, overdue, durations] = await db.batch([
    db
      .select({ kind: reports.kind, stage: reports.stage, n: count() })
      .from(reports)
      .where(and(visible, eq(reports.status, "in_review")))
      .groupBy(reports.kind, reports.stage),
    db
      .select({ unit: units.name, status: reports.status, n: count() })
      .from(reports)
      .innerJoin(units, eq(units.id, reports.unitId))
      .where(and(visible, gte(reports.createdAt, since), ne(reports.status, "draft")))
      .groupBy(units.name, reports.status)
      .orderBy(asc(units.name)),
    db
      .select({ id: reports.id, title: reports.title, kind: reports.kind, stage: reports.stage, stageDueAt: reports.stageDueAt, unit: units.name })
      .from(reports)
      .innerJoin(units, eq(units.id, reports.unitId))
      .where(and(visible, eq(reports.status, "in_review"), lt(reports.stageDueAt, now.toISOString())))
      .orderBy(asc(reports.stageDueAt))
      .limit(50),
    // Time in a stage: from the event that brought the report there to the decision that left it.
    db
      .select({
        kind: reports.kind,
        stage: reportEvents.stage,
        hours: sql<number>`(julianday(${reportEvents.createdAt}) - julianday(${previous.createdAt})) * 24`,
      })
      .from(reportEvents)
      .innerJoin(previous, and(eq(previous.reportId, reportEvents.reportId), eq(previous.seq, sql`${reportEvents.seq} - 1`)))
      .innerJoin(reports, eq(reports.id, reportEvents.reportId))
      .where(and(visible, inArray(reportEvents.action, ["approve", "return"]), gte(reportEvents.createdAt, new Date(now.getTime() - 90 * DAY).toISOString())))
      .limit(5000),
  ]);
  return { byStage, byUnit, overdue, durations };
}
