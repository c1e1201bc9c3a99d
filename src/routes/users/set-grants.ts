import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { setUserGrants } from "../../services/grants";
import { GrantsInput, UserSchema } from "./schemas";

export const SetGrants = z.strictObject({ grants: GrantsInput }).openapi("SetGrants");

const route = createRoute({
  method: "put",
  path: "/api/v1/users/{id}/grants",
  tags: ["users"],
  summary: "Replace a user's roles and the units each reviewer role covers (admin); 409 stage_stranded when reports waiting at a stage would be left with nobody to decide them",
  security,
  middleware: writeMiddleware,
  request: { params: IdParam, ...jsonBody(SetGrants) },
  responses: { 200: jsonContent(UserSchema, "The user"), ...problems(401, 403, 404, 409, 413, 415, 422) },
});

export function registerSetGrants(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const view = await setUserGrants(c.env, c.get("actor"), c.req.valid("param").id, c.req.valid("json").grants);
    return c.json(view, 200);
  });
}
