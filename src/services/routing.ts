// Routing that cannot stall (issue 13): every stage of a unit's review chains needs someone to
// decide it. Admin changes to people (deactivating, regrants, moving unit) are refused when they
// would leave reports already waiting at a stage with nobody to decide them; the units page shows
// which stages have nobody for which unit, before any report finds out at submit.
import { WORKFLOWS } from "../../workflows";
import { database } from "../db/client";
import { ROLES, type Role } from "../db/schema";
import { ApiError } from "../errors";
import { REPORTING_UNIT_TYPES } from "../queries/periods";
import {
  firstStageWithoutHolder,
  holdersKey,
  stageHoldersByUnitQuery,
  strandedUnitsStatement,
  type HoldingAfter,
  type Holder,
  type StageScope,
} from "../queries/stage-holders";
import type { GrantInput } from "../queries/users";

/**
 * Each (role, scope) some workflow's stage has: its stage ids, its label, the workflows using it,
 * and `reachedFrom`: for each of those workflows (by kind), the stages a report waits at that will
 * still come to this one (this stage and the ones before it). A report waiting at the specialist's
 * stage needs a director later as much as one already at the director's.
 */
type StageKind = { role: Role; scope: StageScope; stageIds: string[]; label: string; workflows: string[]; reachedFrom: { kind: string; stageIds: string[] }[] };

const STAGE_KINDS: StageKind[] = (() => {
  const kinds = new Map<string, StageKind>();
  for (const w of Object.values(WORKFLOWS)) {
    w.stages.forEach((s, i) => {
      const kind = kinds.get(holdersKey(s)) ?? { role: s.role, scope: s.scope, stageIds: [], label: s.label, workflows: [], reachedFrom: [] };
      if (!kind.stageIds.includes(s.id)) kind.stageIds.push(s.id);
      if (!kind.workflows.includes(w.label)) kind.workflows.push(w.label);
      kind.reachedFrom.push({ kind: w.kind, stageIds: w.stages.slice(0, i + 1).map((x) => x.id) });
      kinds.set(holdersKey(s), kind);
    });
  }
  return [...kinds.values()];
})();

const NAMED_IN_DETAIL = 5;

const MOST_STAGES = Math.max(...Object.values(WORKFLOWS).map((w) => w.stages.length));

/** A unit with reports waiting at a stage that a change would leave with nobody to decide. */
export type Stranded = { unitId: string; unitName: string; stage: string; role: Role; waiting: number };

/**
 * Refuses (409 stage_stranded, nothing written) a change to a user after which some unit's
 * reports already in review, at a stage the user decides today or at one before it, would come to
 * a stage with nobody to decide it.
 * `after` is what the user holds once the change is written (null: deactivated). One batch, one
 * statement per stage role the user holds; each reads the reports waiting at that stage.
 */
export async function assertNothingStranded(d1: D1Database, user: { id: string; unitId: string; grants: readonly GrantInput[] }, after: HoldingAfter): Promise<void> {
  const held = new Set(user.grants.map((g) => g.role));
  const kinds = STAGE_KINDS.filter((k) => held.has(k.role));
  if (kinds.length === 0) return;
  const results = await d1.batch<{ unitId: string; unitName: string; waiting: number }>(kinds.map((k) => strandedUnitsStatement(d1, k, user, after)));
  const stranded: Stranded[] = kinds.flatMap((k, i) => results[i]!.results.map((r) => ({ unitId: r.unitId, unitName: r.unitName, stage: k.label, role: k.role, waiting: Number(r.waiting) })));
  if (stranded.length === 0) return;
  // The first few by name, the rest counted: the whole list is in `stranded`.
  const named = stranded.slice(0, NAMED_IN_DETAIL).map((s) => `bước “${s.stage}” của ${s.unitName} (${s.waiting} báo cáo đang chờ)`);
  const more = stranded.length > NAMED_IN_DETAIL ? ` và ${stranded.length - NAMED_IN_DETAIL} mục khác` : "";
  const list = `${named.join("; ")}${more}`;
  throw new ApiError("stage_stranded", {
    detail: `Thay đổi này sẽ khiến báo cáo đang chờ không còn ai thẩm định: ${list}. Hãy cấp vai trò tương ứng cho người khác trước, rồi thực hiện lại.`,
    extra: { stranded },
  });
}

/** What a user holds after their grants are replaced by `grants` (their unit unchanged unless given). */
export function holdingAfter(unitId: string, grants: readonly GrantInput[]): HoldingAfter {
  return { unitId, roles: grants.map((g) => g.role), covers: new Map(grants.map((g) => [g.role, g.unitIds])) };
}

/** A stage of some workflows that nobody can decide for a unit. */
export type MissingStage = { label: string; role: Role; workflows: string[] };

/**
 * For each of these units that is an active centre or school: the stages of its workflows that
 * nobody can decide for it (by the rule submit applies: firstStageWithoutHolder, so a person who
 * is the only holder of two stages of one chain counts for one): an empty list when every stage
 * has someone; other units are absent. One batch: one statement per (role, scope) over all the units.
 */
export async function stagesWithoutHolder(
  d1: D1Database,
  units: readonly { id: string; type: string; active: boolean }[],
): Promise<Map<string, MissingStage[]>> {
  const out = new Map<string, MissingStage[]>();
  const ids = units.filter((u) => u.active && (REPORTING_UNIT_TYPES as readonly string[]).includes(u.type)).map((u) => u.id);
  if (ids.length === 0) return out;
  const db = database(d1);
  const [first, ...rest] = STAGE_KINDS.map((k) => stageHoldersByUnitQuery(db, k.role, k.scope, ids, MOST_STAGES));
  const lists = await db.batch([first!, ...rest]);
  const byUnit = new Map<string, Map<string, Holder[]>>();
  STAGE_KINDS.forEach((k, i) => {
    for (const row of lists[i]!) {
      const holders = byUnit.get(row.unitId) ?? new Map<string, Holder[]>();
      holders.set(holdersKey(k), [...(holders.get(holdersKey(k)) ?? []), { id: row.id, email: row.email, name: row.name }]);
      byUnit.set(row.unitId, holders);
    }
  });
  for (const id of ids) {
    const holders = byUnit.get(id) ?? new Map<string, Holder[]>();
    const missing = new Map<string, MissingStage>();
    for (const w of Object.values(WORKFLOWS)) {
      // Every stage with nobody at all, and the stage submit would name (separation of duties).
      const empty = w.stages.filter((s) => (holders.get(holdersKey(s)) ?? []).length === 0);
      const first = firstStageWithoutHolder(w.stages, holders);
      for (const s of first && !empty.includes(first) ? [...empty, first] : empty) {
        const m = missing.get(holdersKey(s)) ?? { label: s.label, role: s.role, workflows: [] };
        m.workflows.push(w.label);
        missing.set(holdersKey(s), m);
      }
    }
    out.set(id, [...missing.values()].sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role)));
  }
  return out;
}
