import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { mayDo } from "../../domain/policy";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { getUserView, replaceGrantsStatements } from "../../queries/users";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { assertGrantUnitsExist } from "../../services/grants";
import { GrantsInput, UserSchema } from "./schemas";

export const SetGrants = z.strictObject({ grants: GrantsInput }).openapi("SetGrants");

const route = createRoute({
  method: "put",
  path: "/api/v1/users/{id}/grants",
  tags: ["users"],
  summary: "Replace a user's roles and the units each reviewer role covers (admin)",
  security,
  middleware: writeMiddleware,
  request: { params: IdParam, ...jsonBody(SetGrants) },
  responses: { 200: jsonContent(UserSchema, "The user"), ...problems(401, 403, 404, 409, 413, 415, 422) },
});

export function registerSetGrants(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const actor = c.get("actor");
    if (!mayDo(actor, "user.manage")) throw new ApiError("forbidden");
    const { id } = c.req.valid("param");
    const { grants } = c.req.valid("json");
    const db = database(c.env.DB);
    if (!(await getUserView(db, id))) throw new ApiError("not_found");
    if (id === actor.id && !grants.some((g) => g.role === "admin")) {
      throw new ApiError("conflict", { detail: "Không thể tự bỏ quyền quản trị của chính mình" });
    }
    await assertGrantUnitsExist(db, grants, "grants");
    await db.batch(replaceGrantsStatements(db, id, grants));
    const view = await getUserView(db, id);
    if (!view) throw new ApiError("not_found");
    return c.json(view, 200);
  });
}
