// Units and users: operations shared by the admin API and the admin pages.
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { users, type UnitType } from "../db/schema";
import { newId, nowIso } from "../domain/ids";
import { hashPassword } from "../domain/password";
import { mayDo } from "../domain/policy";
import { ApiError } from "../errors";
import type { Actor } from "../env";
import { isUniqueViolation } from "../queries/errors";
import { getUnit, insertUnit, type UnitRow } from "../queries/units";
import { getUserView, replaceGrantsStatements, revokeUserSessions, type GrantInput } from "../queries/users";
import { assertGrantUnitsExist } from "./grants";
import { assertNothingStranded } from "./routing";
import { releaseLostAssignments } from "./assignment";

const field = (path: string, message: string) => new ApiError("validation_failed", { errors: [{ path, in: "json", message }] });

export async function createUnit(db: D1Database, actor: Actor, input: { code: string; name: string; type: UnitType; parentId?: string | null }): Promise<UnitRow> {
  if (!mayDo(actor, "unit.manage")) throw new ApiError("forbidden");
  const d = database(db);
  const parent = input.parentId ? await getUnit(d, input.parentId) : undefined;
  if (input.parentId && !parent) throw field("parentId", "Đơn vị cấp trên không tồn tại");
  if (input.type !== "department" && !parent) throw field("parentId", "Đơn vị này cần có đơn vị cấp trên");
  try {
    return await insertUnit(d, { code: input.code, name: input.name.normalize("NFC"), type: input.type, parent });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError("conflict", { detail: "Mã đơn vị đã tồn tại", errors: [{ path: "code", in: "json", message: "Đã tồn tại" }] });
    throw err;
  }
}

export async function createUser(
  db: D1Database,
  actor: Actor,
  input: { email: string; name: string; title?: string | null; unitId: string; password: string; grants: GrantInput[] },
) {
  if (!mayDo(actor, "user.manage")) throw new ApiError("forbidden");
  const d = database(db);
  if (!(await getUnit(d, input.unitId))) throw field("unitId", "Đơn vị không tồn tại");
  await assertGrantUnitsExist(d, input.grants, "grants");
  const id = newId();
  const now = nowIso();
  try {
    await d.batch([
      d.insert(users).values({
        id,
        email: input.email.trim().toLowerCase(),
        name: input.name.normalize("NFC"),
        title: input.title?.normalize("NFC") ?? null,
        unitId: input.unitId,
        passwordHash: await hashPassword(input.password),
        createdAt: now,
        updatedAt: now,
      }),
      ...replaceGrantsStatements(d, id, input.grants),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError("conflict", { errors: [{ path: "email", in: "json", message: "Email đã được dùng" }] });
    throw err;
  }
  const view = await getUserView(d, id);
  if (!view) throw new ApiError("internal");
  return view;
}

/** Deactivating ends the user's sessions in the same batch: they stop working at once. */
export async function setUserActive(env: Env, actor: Actor, id: string, active: boolean) {
  const db = env.DB;
  if (!mayDo(actor, "user.manage")) throw new ApiError("forbidden");
  const d = database(db);
  const user = await getUserView(d, id);
  if (!user) throw new ApiError("not_found");
  if (!active && id === actor.id) throw new ApiError("conflict", { detail: "Không thể tự khoá tài khoản đang dùng" });
  // Reports waiting at a stage only this user decides would wait for nobody.
  if (!active && user.active) await assertNothingStranded(db, user, null);
  const update = d.update(users).set({ active, updatedAt: nowIso() }).where(eq(users.id, id));
  if (!active) await d.batch([update, revokeUserSessions(d, id)]);
  else await update.run();
  // What waited for them alone goes back to the stage's other holders.
  if (!active) await releaseLostAssignments(env, id);
  const view = await getUserView(d, id);
  if (!view) throw new ApiError("not_found");
  return view;
}
