import { database, type Db } from "../db/client";
import { mayDo } from "../domain/policy";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { unitsExist } from "../queries/units";
import { getUserView, replaceGrantsStatements, type GrantInput } from "../queries/users";
import { assertNothingStranded, holdingAfter } from "./routing";
import { releaseLostAssignments } from "./assignment";

/** Every unit a grant names must exist; the field path says which. */
export async function assertGrantUnitsExist(db: Db, grants: GrantInput[], field: string): Promise<void> {
  const missing = await unitsExist(db, [...new Set(grants.flatMap((g) => g.unitIds))]);
  if (missing.length === 0) return;
  const errors = grants.flatMap((g, i) =>
    g.unitIds.flatMap((u, j) => (missing.includes(u) ? [{ path: `${field}.${i}.unitIds.${j}`, in: "json", message: "Đơn vị không tồn tại" }] : [])),
  );
  throw new ApiError("validation_failed", { errors });
}

/**
 * Replaces a user's grants (admin). Refused, with nothing written, when an admin would drop their
 * own admin role, or when reports already waiting at a stage only this user decides for their
 * unit would be left with nobody to decide them (services/routing.ts).
 */
export async function setUserGrants(env: Env, actor: Actor, id: string, grants: GrantInput[]) {
  const d1 = env.DB;
  if (!mayDo(actor, "user.manage")) throw new ApiError("forbidden");
  const db = database(d1);
  const user = await getUserView(db, id);
  if (!user) throw new ApiError("not_found");
  if (id === actor.id && !grants.some((g) => g.role === "admin")) {
    throw new ApiError("conflict", { detail: "Không thể tự bỏ quyền quản trị của chính mình" });
  }
  await assertGrantUnitsExist(db, grants, "grants");
  if (user.active) await assertNothingStranded(d1, user, holdingAfter(user.unitId, grants));
  await db.batch(replaceGrantsStatements(db, id, grants));
  // Stages assigned to them that the new grants no longer let them decide go back to their holders.
  await releaseLostAssignments(env, id);
  const view = await getUserView(db, id);
  if (!view) throw new ApiError("not_found");
  return view;
}
