// The working calendar's API (DESIGN.md section 12). Each operation is a file beside this one;
// ./operations.ts holds what the API and the admin page share.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { registerDeleteCalendarDay } from "./delete-day";
import { registerCalendarDue } from "./due";
import { registerGetCalendar } from "./get";
import { registerCalendarHistory } from "./history";
import { registerPutCalendarDay } from "./put-day";

export function registerCalendar(app: OpenAPIHono<HonoEnv>) {
  registerGetCalendar(app);
  registerCalendarDue(app);
  registerCalendarHistory(app);
  registerPutCalendarDay(app);
  registerDeleteCalendarDay(app);
}
