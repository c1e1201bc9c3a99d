import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { jsonContent, problems, readMiddleware, security } from "../shared";
import { calendarYear, currentVnYear } from "../../services/calendar";
import { CalendarYearSchema, yearQuery } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/calendar",
  tags: ["calendar"],
  summary: "A year of the working calendar: the weekdays off and the weekend days worked, and the admin's overrides (any signed-in user; who set each override, updatedBy, only for an admin)",
  security,
  middleware: readMiddleware,
  request: {
    query: z.strictObject({ year: yearQuery.optional().openapi({ example: "2025", description: "2000 to 2100, in plain decimal digits; the current year in Viet Nam by default" }) }),
  },
  responses: { 200: jsonContent(CalendarYearSchema, "The year's special days, in date order"), ...problems(401, 422) },
});

export function registerGetCalendar(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const { year } = c.req.valid("query");
    return c.json(await calendarYear(c.env.DB, c.get("actor"), year ?? currentVnYear()), 200);
  });
}
