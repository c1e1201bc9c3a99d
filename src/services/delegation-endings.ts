// When a delegation or an absence ends early (or is replaced), what its delegate was given goes back:
// a stage assigned to someone who no longer signs for anyone with that role would otherwise wait
// for a person who cannot decide it (issue 13: never silently stuck). The rules of ending are in
// services/delegations.ts; this adds the hand-back, which needs the ReportFlow objects (env).
import type { Actor } from "../env";
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
