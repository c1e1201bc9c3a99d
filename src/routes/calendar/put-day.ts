import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { setCalendarDay } from "../../services/calendar";
import { DateParam, DayStateSchema, SetDay } from "./schemas";

const route = createRoute({
  method: "put",
  path: "/api/v1/calendar/days/{date}",
  tags: ["calendar"],
  summary: "Make a date a working day or a day off, winning over the law (admin). Recorded in the audit trail; repeating the same request changes nothing and records nothing",
  security,
  middleware: writeMiddleware,
  request: { params: DateParam, ...jsonBody(SetDay) },
  responses: { 200: jsonContent(DayStateSchema, "The date as it now is"), ...problems(401, 403, 413, 415, 422) },
});

export function registerPutCalendarDay(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const { date } = c.req.valid("param");
    const { day } = await setCalendarDay(c.env.DB, c.get("actor"), date, c.req.valid("json"));
    return c.json(day, 200);
  });
}
