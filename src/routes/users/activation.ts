import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { setUserActive } from "../../services/admin";
import { IdParam, jsonContent, problems, security, actionMiddleware } from "../shared";
import { UserSchema } from "./schemas";

function activationRoute(action: "deactivate" | "activate") {
  return createRoute({
    method: "post",
    path: `/api/v1/users/{id}/${action}`,
    tags: ["users"],
    summary:
      action === "deactivate"
        ? "Deactivate a user: their sessions stop working at once (admin); 409 stage_stranded when reports waiting at a stage only they decide would be left with nobody"
        : "Reactivate a user (admin)",
    security,
    middleware: actionMiddleware,
    request: { params: IdParam },
    responses: { 200: jsonContent(UserSchema, "The user"), ...problems(401, 403, 404, 409) },
  });
}

export function registerUserActivation(app: OpenAPIHono<HonoEnv>) {
  for (const action of ["deactivate", "activate"] as const) {
    app.openapi(activationRoute(action), async (c) => {
      return c.json(await setUserActive(c.env, c.get("actor"), c.req.valid("param").id, action === "activate"), 200);
    });
  }
}
