import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { readPeriod } from "../../services/periods";
import { IdParam, jsonContent, problems, readMiddleware, security } from "../shared";
import { PeriodSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/periods/{id}",
  tags: ["periods"],
  summary: "One period with its unitIds (404 when the caller may not read it)",
  security,
  middleware: readMiddleware,
  request: { params: IdParam },
  responses: { 200: jsonContent(PeriodSchema, "The period"), ...problems(401, 404, 422) },
});

export function registerGetPeriod(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    return c.json(await readPeriod(c.env.DB, c.get("actor"), c.req.valid("param").id), 200);
  });
}
