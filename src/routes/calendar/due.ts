import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { jsonContent, problems, readMiddleware, security } from "../shared";
import { calendarDue } from "../../services/calendar";
import { DueQuery, DueSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/calendar/due",
  tags: ["calendar"],
  summary: "When is it due? 17:00 Asia/Ho_Chi_Minh on the n-th working day after the day of `from` (that day never counts) (any signed-in user)",
  security,
  middleware: readMiddleware,
  request: { query: DueQuery },
  responses: { 200: jsonContent(DueSchema, "The due time and the working days counted"), ...problems(401, 422) },
});

export function registerCalendarDue(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const { from, workingDays } = c.req.valid("query");
    return c.json(await calendarDue(c.env.DB, from, workingDays), 200);
  });
}
