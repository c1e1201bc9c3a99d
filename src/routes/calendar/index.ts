// The working calendar's API (DESIGN.md section 12). Each operation is a file beside this one;
// the operations themselves, shared with the admin page, are in src/services/calendar.ts.
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
