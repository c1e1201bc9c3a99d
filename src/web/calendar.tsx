// The admin's calendar page under /app/admin/calendar (DESIGN.md section 12).
import type { Hono } from "hono";
import type { WebEnv } from "./session";

export function registerWebCalendar(_app: Hono<WebEnv>) {}
