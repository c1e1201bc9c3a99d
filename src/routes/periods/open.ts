import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { openPeriod } from "../../services/periods";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { OpenPeriod, PeriodSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/periods",
  tags: ["periods"],
  summary:
    "Open a reporting period (a specialist or director for units they cover, or an admin). unitIds default to every active centre and school the opener covers; a due date without a time is 17:00 Asia/Ho_Chi_Minh",
  security,
  middleware: writeMiddleware,
  request: jsonBody(OpenPeriod),
  responses: { 201: jsonContent(PeriodSchema, "Opened"), ...problems(401, 403, 413, 415, 422) },
});

export function registerOpenPeriod(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    return c.json(await openPeriod(c.env.DB, c.get("actor"), c.req.valid("json")), 201);
  });
}
