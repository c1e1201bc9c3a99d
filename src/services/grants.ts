import type { Db } from "../db/client";
import { ApiError } from "../errors";
import { unitsExist } from "../queries/units";
import type { GrantInput } from "../queries/users";

/** Every unit a grant names must exist; the field path says which. */
export async function assertGrantUnitsExist(db: Db, grants: GrantInput[], field: string): Promise<void> {
  const missing = await unitsExist(db, [...new Set(grants.flatMap((g) => g.unitIds))]);
  if (missing.length === 0) return;
  const errors = grants.flatMap((g, i) =>
    g.unitIds.flatMap((u, j) => (missing.includes(u) ? [{ path: `${field}.${i}.unitIds.${j}`, in: "json", message: "Đơn vị không tồn tại" }] : [])),
  );
  throw new ApiError("validation_failed", { errors });
}
