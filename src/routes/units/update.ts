import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { database } from "../../db/client";
import { units } from "../../db/schema";
import { nowIso } from "../../domain/ids";
import { mayDo } from "../../domain/policy";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { isUniqueViolation } from "../../queries/errors";
import { getUnit, unitView } from "../../queries/units";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { UnitSchema, unitCode, unitName } from "./schemas";

export const UpdateUnit = z
  .strictObject({ code: unitCode.optional(), name: unitName.optional(), active: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, { message: "Cần ít nhất một trường để cập nhật" })
  .openapi("UpdateUnit");

const route = createRoute({
  method: "patch",
  path: "/api/v1/units/{id}",
  tags: ["units"],
  summary: "Rename, recode, deactivate or reactivate a unit (admin)",
  security,
  middleware: writeMiddleware,
  request: { params: IdParam, ...jsonBody(UpdateUnit) },
  responses: { 200: jsonContent(UnitSchema, "Updated"), ...problems(401, 403, 404, 409, 413, 415, 422) },
});

export function registerUpdateUnit(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    if (!mayDo(c.get("actor"), "unit.manage")) throw new ApiError("forbidden");
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = database(c.env.DB);
    if (!(await getUnit(db, id))) throw new ApiError("not_found");
    try {
      await db
        .update(units)
        .set({ ...input, ...(input.name ? { name: input.name.normalize("NFC") } : {}), updatedAt: nowIso() })
        .where(eq(units.id, id))
        .run();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError("conflict", { errors: [{ path: "code", in: "json", message: "Đã tồn tại" }] });
      throw err;
    }
    const row = await getUnit(db, id);
    if (!row) throw new ApiError("not_found");
    return c.json(unitView(row), 200);
  });
}
