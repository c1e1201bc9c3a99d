import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { UNIT_TYPES } from "../../db/schema";
import type { HonoEnv } from "../../env";
import { unitView } from "../../queries/units";
import { createUnit } from "../../services/admin";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { UnitSchema, unitCode, unitName } from "./schemas";

export const CreateUnit = z
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
    const row = await createUnit(c.env.DB, c.get("actor"), c.req.valid("json"));
    return c.json(unitView(row), 201);
  });
}
