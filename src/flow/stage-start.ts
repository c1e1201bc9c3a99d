// A stage as it starts: whose it is at once, when exactly one person can decide it (DESIGN.md
// section 13). Shared by the submit (its first stage) and the decisions (the stage each starts).
import { stageOf as waitingAt, transition, type EventDraft, type FlowState } from "../domain/review";
import type { Role } from "../db/schema";
import { holdersKey, stageHoldersStatement, type Holder, type StageScope } from "../queries/stage-holders";
import type { FlowRecord } from "./storage";

/** Holders read past the stage's earlier deciders: enough to tell one eligible holder from two. */
export const HOLDERS_PAST_DECIDERS = 3;

/** A stage's holders already read (by holdersKey), so that assigning it reads nothing more. */
export type PreRead = { key: string; list: Holder[] } | null;

/** The holders read for `stage`, as assignToOnlyHolder takes them; null when either is missing. */
export const preReadOf = (stage: { role: Role; scope: StageScope } | undefined, list: Holder[] | null | undefined): PreRead =>
  stage && list ? { key: holdersKey(stage), list } : null;

/** The stage a state waits at, if it is in review (undefined, as the stage-start reads take it). */
export const stageOf = (state: FlowState) => waitingAt(state) ?? undefined;

/**
 * A stage that starts with exactly one person able to decide it for the report's unit is theirs
 * at once: holders of its role over the unit, less the report's author and anyone who decided
 * another stage of this revision (in their own name or signed for). The holders come from
 * `preRead` when the caller read them for this stage already (in the batch with the calendar),
 * else from one small D1 read; if that fails the stage starts open to its holders.
 */
export async function assignToOnlyHolder(
  db: D1Database,
  flow: FlowRecord,
  next: FlowState,
  deciders: ReadonlyMap<string, string>,
  now: Date,
  preRead: PreRead = null,
): Promise<{ next: FlowState; then: EventDraft[] }> {
  const stage = stageOf(next);
  if (!stage) return { next, then: [] };
  let holders: Holder[];
  if (preRead && preRead.key === holdersKey(stage)) {
    holders = preRead.list;
  } else {
    try {
      // Enough to see past everyone who cannot take it (earlier deciders) to whether one remains, or two.
      holders = (await stageHoldersStatement(db, stage.role, stage.scope, { ofReport: flow.reportId }, deciders.size + HOLDERS_PAST_DECIDERS).all<Holder>()).results;
    } catch (err) {
      console.warn(JSON.stringify({ level: "warn", message: "stage holders unavailable; stage left unassigned", reportId: flow.reportId, error: String(err) }));
      return { next, then: [] };
    }
  }
  const eligible = holders.filter((h) => h.id !== flow.authorId && (deciders.get(h.id) ?? stage.id) === stage.id);
  if (eligible.length !== 1) return { next, then: [] };
  const only = eligible[0]!;
  const auto = transition(next, { type: "assign", stage: stage.id, assignee: { userId: only.id, name: only.name }, auto: true }, null, flow, deciders, now, null);
  return { next: auto.next, then: [auto.event] };
}
