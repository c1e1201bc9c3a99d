// The working calendar's API (DESIGN.md section 12). Each operation is a file beside this one.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";

export function registerCalendar(_app: OpenAPIHono<HonoEnv>) {}
