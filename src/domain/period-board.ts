// The period board's rules (DESIGN.md section 11), pure: where each expected unit stands, whether
// it is late, the counts over the units shown, and the orders the board can be read in.
import type { UnitState } from "./rollup";

// Where a unit stands is one rule for the board and the export (src/domain/rollup.ts
// unitStateOf): approved includes scheduled and published; an unpublished report was taken back
// after approval, its figures no longer stand and it is with the unit again, so it is withdrawn
// (periodic reports are not published, so that is the safe reading of a case that should not arise).
export type BoardState = UnitState;

/**
 * Late: the unit first submitted after the due time, or has not submitted and the due time has
 * passed. A first submission on time stays on time whatever happens after (returned, withdrawn):
 * the board measures the unit's answer to the period, not the review.
 */
export function isLate(submittedAt: string | null, dueAt: string, now: Date): boolean {
  const due = Date.parse(dueAt);
  return submittedAt === null ? now.getTime() > due : Date.parse(submittedAt) > due;
}

export type BoardCounts = { expected: number; notStarted: number; draft: number; inReview: number; returned: number; approved: number; late: number };

/**
 * The counts over the units shown. A withdrawn report is back with its unit like a draft
 * (src/domain/review.ts EDITABLE_STATUSES), so it counts as draft ("Đang soạn"): the five state
 * counts then add up to `expected`. `late` cuts across them.
 */
export function boardCounts(units: readonly { state: BoardState; late: boolean }[]): BoardCounts {
  const counts: BoardCounts = { expected: units.length, notStarted: 0, draft: 0, inReview: 0, returned: 0, approved: 0, late: 0 };
  for (const u of units) {
    if (u.state === "not_started") counts.notStarted++;
    else if (u.state === "draft" || u.state === "withdrawn") counts.draft++;
    else if (u.state === "in_review") counts.inReview++;
    else if (u.state === "returned") counts.returned++;
    else counts.approved++;
    if (u.late) counts.late++;
  }
  return counts;
}

/** unit: missing units first, then by name (the API's order); state: in the order below; submitted: not yet first, then earliest. */
export const BOARD_SORTS = ["unit", "state", "submitted"] as const;
export type BoardSort = (typeof BOARD_SORTS)[number];

// From the units that need chasing most to those that need nothing.
const STATE_ORDER: readonly BoardState[] = ["not_started", "draft", "withdrawn", "returned", "in_review", "approved"];

// numeric: "Quận 6" before "Quận 10".
const collator = new Intl.Collator("vi", { numeric: true });

type Sortable = { unitId: string; unitName: string; state: BoardState; submittedAt: string | null };

/**
 * The units in one of the board's orders. Every order puts the units that have sent nothing yet
 * first: the board is there to see who is missing. Ties go by name (Vietnamese collation), then id.
 */
export function sortBoard<T extends Sortable>(units: readonly T[], sort: BoardSort = "unit"): T[] {
  const byName = (a: T, b: T) => collator.compare(a.unitName, b.unitName) || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0);
  const missing = (u: T) => (u.state === "not_started" ? 0 : 1);
  const compare: Record<BoardSort, (a: T, b: T) => number> = {
    unit: (a, b) => missing(a) - missing(b) || byName(a, b),
    state: (a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || byName(a, b),
    submitted: (a, b) => {
      if (a.submittedAt === null || b.submittedAt === null) return (a.submittedAt === null ? 0 : 1) - (b.submittedAt === null ? 0 : 1) || missing(a) - missing(b) || byName(a, b);
      return Date.parse(a.submittedAt) - Date.parse(b.submittedAt) || byName(a, b);
    },
  };
  return [...units].sort(compare[sort]);
}
