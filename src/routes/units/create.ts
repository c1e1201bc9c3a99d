import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { UNIT_TYPES } from "../../db/schema";
import { mayDo } from "../../domain/policy";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { getUnit, insertUnit, unitView } from "../../queries/units";
import { isUniqueViolation } from "../../queries/errors";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { UnitSchema, unitCode, unitName } from "./schemas";

const CreateUnit = z
  .strictObject({
    code: unitCode,
    name: unitName,
    type: z.enum(UNIT_TYPES),
    parentId: z.string().max(64).nullable().optional(),
  })
  .openapi("CreateUnit");

const route = createRoute({
  method: "post",
  path: "/api/v1/units",
  tags: ["units"],
  summary: "Create a unit (admin)",
  security,
  middleware: writeMiddleware,
  request: jsonBody(CreateUnit),
  responses: { 201: jsonContent(UnitSchema, "Created"), ...problems(401, 403, 409, 413, 415, 422) },
});

export function registerCreateUnit(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    if (!mayDo(c.get("actor"), "unit.manage")) throw new ApiError("forbidden");
    const input = c.req.valid("json");
    const db = database(c.env.DB);
    const parent = input.parentId ? await getUnit(db, input.parentId) : undefined;
    if (input.parentId && !parent) {
      throw new ApiError("validation_failed", { errors: [{ path: "parentId", in: "json", message: "Đơn vị cấp trên không tồn tại" }] });
    }
    if (input.type !== "department" && !parent) {
      throw new ApiError("validation_failed", { errors: [{ path: "parentId", in: "json", message: "Đơn vị này cần có đơn vị cấp trên" }] });
    }
    try {
      const row = await insertUnit(db, { code: input.code, name: input.name.normalize("NFC"), type: input.type, parent });
      return c.json(unitView(row), 201);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError("conflict", { detail: "Mã đơn vị đã tồn tại", errors: [{ path: "code", in: "json", message: "Đã tồn tại" }] });
      throw err;
    }
  });
}
