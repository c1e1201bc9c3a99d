import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { endDelegation } from "../../services/delegation-endings";
import { actionMiddleware, IdParam, jsonContent, problems, security } from "../shared";
import { DelegationSchema } from "./schemas";

const route = createRoute({
  method: "delete",
  path: "/api/v1/delegations/{id}",
  tags: ["delegations"],
  summary:
    "End a delegation at once (the row stays, ended): its delegator, its delegate (declining it) or an admin; 404 for anyone else. Already ended or past: 409",
  security,
  middleware: actionMiddleware,
  request: { params: IdParam },
  responses: { 200: jsonContent(DelegationSchema, "The delegation, ended"), ...problems(400, 401, 404, 409, 415) },
});

export function registerEndDelegation(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    return c.json(await endDelegation(c.env, c.get("actor"), c.req.valid("param").id), 200);
  });
}
