import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { actionMiddleware, jsonContent, problems, security } from "../shared";
import { dropCalendarDay } from "../../services/calendar";
import { DateParam, DayStateSchema } from "./schemas";

const route = createRoute({
  method: "delete",
  path: "/api/v1/calendar/days/{date}",
  tags: ["calendar"],
  summary: "Drop a date's override: the law decides the date again (admin). Recorded in the audit trail; 404 when there is no override",
  security,
  middleware: actionMiddleware,
  request: { params: DateParam },
  responses: { 200: jsonContent(DayStateSchema, "The date as it now is, by the law"), ...problems(400, 401, 403, 404, 415, 422) },
});

export function registerDeleteCalendarDay(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const { date } = c.req.valid("param");
    const { day } = await dropCalendarDay(c.env.DB, c.get("actor"), date);
    return c.json(day, 200);
  });
}
