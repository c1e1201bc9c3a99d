import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { createDelegation } from "../../services/delegations";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { CreateDelegation, DelegationSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/delegations",
  tags: ["delegations"],
  summary:
    "Delegate a reviewer role (ủy quyền, ký thay) for a time: a holder of the role for themselves, or an admin naming fromUserId. The delegate decides that role's stages with the delegator's coverage while it runs. An overlapping live delegation of the same role by the same person is a 409 naming it (`conflicting`)",
  security,
  middleware: writeMiddleware,
  request: jsonBody(CreateDelegation),
  responses: { 201: jsonContent(DelegationSchema, "Created"), ...problems(401, 403, 409, 413, 415, 422) },
});

export function registerCreateDelegation(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    return c.json(await createDelegation(c.env.DB, c.get("actor"), c.req.valid("json")), 201);
  });
}
