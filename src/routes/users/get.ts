import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { mayDo } from "../../domain/policy";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { getUserView } from "../../queries/users";
import { IdParam, jsonContent, problems, readMiddleware, security } from "../shared";
import { UserSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/users/{id}",
  tags: ["users"],
  summary: "One user with their roles (admin)",
  security,
  middleware: readMiddleware,
  request: { params: IdParam },
  responses: { 200: jsonContent(UserSchema, "The user"), ...problems(401, 403, 404) },
});

export function registerGetUser(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    if (!mayDo(c.get("actor"), "user.manage")) throw new ApiError("forbidden");
    const view = await getUserView(database(c.env.DB), c.req.valid("param").id);
    if (!view) throw new ApiError("not_found");
    return c.json(view, 200);
  });
}
