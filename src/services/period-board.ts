// The period board (DESIGN.md section 11): every unit a period expects, where its report stands
// and whether it is late, for the JSON API and the /app page alike. One D1 statement
// (src/queries/period-board.ts); who sees what is decided here from the policy table.
//
// Who: a caller who may not read the period (src/services/periods.ts) gets 404, as for GET
// /periods/:id; one who reads it without period.monitor over any of its units (an author or
// centre head of one of them, an opener who no longer covers it) gets 403. A reviewer covering
// only some of the period's units sees only those units, and the counts are over them alone;
// `period` is the period as GET /periods/:id shows it to the same caller (all its unitIds).
import { WORKFLOWS } from "../../workflows";
import { boardCounts, isLate, sortBoard, type BoardCounts, type BoardSort, type BoardState } from "../domain/period-board";
import { allows, type UnitPlace } from "../domain/policy";
import { unitStateOf } from "../domain/rollup";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { periodBoardRows, type BoardUnitRow } from "../queries/period-board";
import { coveragesFor, coveredBy, mayRead, PERIOD_MESSAGES, view, type PeriodView } from "./periods";

export const BOARD_MESSAGES = {
  mayNotMonitor: "Chỉ chuyên viên, lãnh đạo phòng phụ trách các đơn vị của kỳ hoặc quản trị viên được xem bảng theo dõi kỳ báo cáo",
} as const;

export type BoardUnit = {
  unitId: string;
  unitName: string;
  state: BoardState;
  /** The stage the report waits at while in review, else null. */
  stage: string | null;
  stageLabel: string | null;
  reportId: string | null;
  submittedAt: string | null;
  late: boolean;
};

export type PeriodBoard = { period: PeriodView; counts: BoardCounts; units: BoardUnit[] };

/** The board, and which of its reports the caller may open (reviewers read a report from their own stage on, never a draft). */
export type BoardForActor = { board: PeriodBoard; openable: ReadonlySet<string> };

// Periodic reports run the periodic workflow; the stage ids are the reviewing roles in every
// workflow, so another workflow's label is the same word if a report ever ran one.
const STAGES = [...WORKFLOWS.periodic.stages, ...Object.values(WORKFLOWS).flatMap((w) => w.stages)];
const stageLabel = (id: string | null) => (id === null ? null : (STAGES.find((s) => s.id === id)?.label ?? id));

function unitOf(row: BoardUnitRow, dueAt: string, now: Date): BoardUnit {
  const state = unitStateOf(row.status);
  const stage = state === "in_review" ? row.stage : null;
  return {
    unitId: row.unitId,
    unitName: row.unitName,
    state,
    stage,
    stageLabel: stageLabel(stage),
    reportId: row.reportId,
    submittedAt: row.submittedAt,
    late: isLate(row.submittedAt, dueAt, now),
  };
}

/** The board of period `id` as the caller may see it, in `sort` order (the API's: missing units first, then by name). */
export async function periodBoardFor(db: D1Database, actor: Actor, id: string, opts: { now?: Date; sort?: BoardSort } = {}): Promise<BoardForActor> {
  const found = await periodBoardRows(db, id);
  if (!found) throw new ApiError("not_found", { detail: PERIOD_MESSAGES.notFound });
  const { period, units } = found;
  const places: UnitPlace[] = units.map((u) => ({ unitId: u.unitId, unitPath: u.unitPath }));
  if (!mayRead(actor, period, places)) throw new ApiError("not_found", { detail: PERIOD_MESSAGES.notFound });

  const monitor = coveragesFor(actor, "period.monitor");
  const shown = units.filter((u) => coveredBy(monitor, u));
  // Reading the period but monitoring none of its units: told, not hidden (the period itself is visible).
  if (monitor !== null && shown.length === 0) throw new ApiError("forbidden", { detail: BOARD_MESSAGES.mayNotMonitor });

  const now = opts.now ?? new Date();
  const boardUnits = sortBoard(
    shown.map((u) => unitOf(u, period.dueAt, now)),
    opts.sort,
  );
  const openable = new Set(
    shown.flatMap((r) =>
      r.reportId && r.status && allows(actor, "report.read", { unitId: r.unitId, unitPath: r.unitPath, status: r.status, reviewReach: r.reviewReach ?? 0 }) ? [r.reportId] : [],
    ),
  );
  const unitIds = places.map((p) => p.unitId).sort();
  return { board: { period: view(period, unitIds.length, unitIds), counts: boardCounts(boardUnits), units: boardUnits }, openable };
}
