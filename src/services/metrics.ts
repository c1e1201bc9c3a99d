// Stage metrics in working hours (DESIGN.md section 12), for the API, its exports and the
// dashboard page alike: who may see them, the decisions read, and one row per group.
import { WORKFLOWS, type ReportKind, type Stage } from "../../workflows";
import { database } from "../db/client";
import type { WorkingCalendar } from "../domain/calendar";
import { figuresOf, type Decision, type Figures, type GroupBy, type Period } from "../domain/metrics";
import { rankOf } from "../domain/policy";
import type { Actor } from "../env";
import { ApiError } from "../errors";
import { workingCalendarOf } from "../queries/calendar";
import { decisionsIn, metricsViewer, type DecisionRow } from "../queries/metrics";

export type MetricsRow = { key: string; label: string } & Figures;
export type Metrics = { from: string; to: string; groupBy: GroupBy; rows: MetricsRow[] };

const stageOf = (kind: string, stageId: string): Stage | undefined => WORKFLOWS[kind as ReportKind]?.stages.find((s) => s.id === stageId);
// Stage ids are the reviewing roles: every workflow names and ranks the same stage the same way.
const anyStage = (stageId: string): Stage | undefined => Object.values(WORKFLOWS).flatMap((w) => w.stages).find((s) => s.id === stageId);

/** May the caller see metrics at all (a reviewer of some stage, or an admin)? */
export const maySeeMetrics = (actor: Actor) => metricsViewer(actor) !== null;

/**
 * One decision's figures: the working hours from its stage's start (the report's event before it)
 * to the decision, and whether it came by the stage's due time as the calendar sets it: 17:00 on
 * the n-th working day after the start, n the stage's slaWorkingDays in the report's workflow.
 * The definitions in force are used (workflows/ keeps no older versions): version 1's service
 * levels in hours read as the same working days (src/flow/sla.ts withWorkingDays: 48 h -> 2).
 */
export function decisionOf(row: DecisionRow, calendar: WorkingCalendar): Decision {
  const stage = stageOf(row.kind, row.stage);
  const dueAt = stage ? calendar.due(row.startedAt, stage.slaWorkingDays).dueAt : null;
  return {
    workingHours: calendar.workingHoursBetween(row.startedAt, row.decidedAt),
    onTime: dueAt === null ? null : Date.parse(row.decidedAt) <= Date.parse(dueAt),
    returned: row.action === "return",
  };
}

const collator = new Intl.Collator("vi", { sensitivity: "base", numeric: true });

/**
 * The metrics of one period, grouped. Cost: the rows of decisionsIn (queries/metrics.ts) and, in
 * the Worker, for each decision its working hours and due time (a loop over the days its stage
 * took, a few at most) and one sort per group for the percentiles: O(n log n) in the decisions of
 * the period, which MAX_PERIOD_DAYS bounds.
 */
export async function stageMetrics(d1: D1Database, actor: Actor, period: Period, groupBy: GroupBy): Promise<Metrics> {
  const viewer = metricsViewer(actor);
  if (!viewer) throw new ApiError("forbidden", { detail: "Chỉ người thẩm định và quản trị xem được thời gian xử lý" });
  const [calendar, rows] = await Promise.all([workingCalendarOf(d1), decisionsIn(database(d1), viewer, period, groupBy)]);

  const groups = new Map<string, { label: string; decisions: Decision[] }>();
  for (const row of rows) {
    const key = row.key ?? "";
    const group = groups.get(key) ?? { label: "", decisions: [] };
    // Rows come oldest first: a reviewer renamed during the period is shown by their latest name.
    group.label = labelOf(groupBy, key, row.label);
    group.decisions.push(decisionOf(row, calendar));
    groups.set(key, group);
  }
  const out: MetricsRow[] = [...groups].map(([key, g]) => ({ key, label: g.label, ...figuresOf(g.decisions) }));
  out.sort(groupBy === "stage" ? byChain : (a, b) => collator.compare(a.label, b.label) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { from: period.from, to: period.to, groupBy, rows: out };
}

function labelOf(groupBy: GroupBy, key: string, label: string | null): string {
  if (groupBy === "stage") return anyStage(key)?.label ?? key;
  return label || (groupBy === "reviewer" ? "(không rõ người thẩm định)" : "(không rõ đơn vị)");
}

/** Stages in the order of the review chain (centre head, specialist, deputy head, director). */
function byChain(a: MetricsRow, b: MetricsRow): number {
  const rank = (r: MetricsRow) => rankOf(anyStage(r.key)?.role) || Number.MAX_SAFE_INTEGER;
  return rank(a) - rank(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
