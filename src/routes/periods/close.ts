import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { closePeriodAs } from "../../services/periods";
import { actionMiddleware, IdParam, jsonContent, problems, security } from "../shared";
import { PeriodSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/periods/{id}/close",
  tags: ["periods"],
  summary:
    "Close a period (an admin, or a specialist or director covering every unit of it): it takes no new reports, reports already in it carry on. Closing a closed period changes nothing and answers 200",
  security,
  middleware: actionMiddleware,
  request: { params: IdParam },
  responses: { 200: jsonContent(PeriodSchema, "The period, closed"), ...problems(400, 401, 403, 404, 415, 422) },
});

export function registerClosePeriod(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    return c.json(await closePeriodAs(c.env.DB, c.get("actor"), c.req.valid("param").id), 200);
  });
}
