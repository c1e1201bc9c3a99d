import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { calendarHistory, currentVnYear } from "../../services/calendar";
import { cursorCodec, jsonContent, ListQueryBase, pageOf, problems, readMiddleware, security } from "../shared";
import { calendarDate, OverrideEventSchema, yearQuery } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/calendar/history",
  tags: ["calendar"],
  summary: "The calendar's audit trail: who set or dropped which override, when (admin). By date, then oldest first",
  security,
  middleware: readMiddleware,
  request: {
    query: z.strictObject({
      year: yearQuery.optional().openapi({ example: "2025", description: "The changes to this year's dates (the current year in Viet Nam by default)" }),
      date: calendarDate.optional().openapi({ description: "Only this date's changes (year is then ignored)" }),
      ...ListQueryBase,
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(OverrideEventSchema), nextCursor: z.string().nullable() }), "A page of the trail"),
    ...problems(401, 403, 422),
  },
});

export function registerCalendarHistory(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    // The cursor's sort key is "date|createdAt": the trail is walked in (date, createdAt, id) order.
    const after = q.cursor ? cursorCodec.decode(q.cursor) : undefined;
    const [date = "", createdAt = ""] = after ? after[0].split("|") : [];
    const rows = await calendarHistory(c.env.DB, c.get("actor"), {
      year: q.year ?? currentVnYear(),
      date: q.date,
      after: after ? [date, createdAt, after[1]] : undefined,
      limit: q.limit + 1,
    });
    return c.json(pageOf(rows, q.limit, (e) => [`${e.date}|${e.createdAt}`, e.id]), 200);
  });
}
