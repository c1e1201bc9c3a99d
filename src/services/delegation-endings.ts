// When a delegation or an absence ends early (or is replaced), what its delegate was given goes back:
// a stage assigned to someone who no longer signs for anyone with that role would otherwise wait
// for a person who cannot decide it (issue 13: never silently stuck). The rules of ending are in
// services/delegations.ts; this adds the hand-back, which needs the ReportFlow objects (env).
import type { Actor } from "../env";
import { delegatesRunOut } from "../queries/delegations";
import { releaseLostAssignments } from "./assignment";
import { absenceOf, endAbsenceOf, endDelegationAs, putAbsence, type AbsenceView, type DelegationView, type PutAbsenceInput } from "./delegations";

export async function endDelegation(env: Env, actor: Actor, id: string): Promise<DelegationView> {
  const ended = await endDelegationAs(env.DB, actor, id);
  await releaseLostAssignments(env, ended.to.userId);
  return ended;
}

export async function endAbsence(env: Env, actor: Actor): Promise<void> {
  const before = await absenceOf(env.DB, actor);
  await endAbsenceOf(env.DB, actor);
  if (before) await releaseLostAssignments(env, before.substitute.userId);
}

/** Sets the caller's absence; a substitute replaced by another gives back what they held for it. */
export async function setAbsence(env: Env, actor: Actor, input: PutAbsenceInput): Promise<AbsenceView> {
  const before = await absenceOf(env.DB, actor);
  const absence = await putAbsence(env.DB, actor, input);
  if (before && before.substitute.userId !== absence.substitute.userId) await releaseLostAssignments(env, before.substitute.userId);
  return absence;
}

/** How far back the hourly sweep looks: two runs, so one missed run loses nothing. */
export const RUN_OUT_WINDOW_MS = 2 * 3600_000;

/**
 * The cron's hand-back (src/index.ts): stages assigned to delegates whose delegation or absence
 * ran out in the last RUN_OUT_WINDOW_MS go back to their holders, who are mailed again, rather than
 * waiting for the next person who comes to act on them (releaseIfAssigneeCannot). Each release is
 * ReportFlow's and a no-op when the delegate still may decide (another delegation, their own
 * grant). Returns the number of stages handed back.
 */
export async function releaseRunOutDelegations(env: Env, now: Date = new Date()): Promise<number> {
  const delegates = await delegatesRunOut(env.DB, new Date(now.getTime() - RUN_OUT_WINDOW_MS).toISOString(), now.toISOString());
  let released = 0;
  for (const userId of delegates) released += await releaseLostAssignments(env, userId);
  return released;
}
