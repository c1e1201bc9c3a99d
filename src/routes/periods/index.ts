// Reporting periods (DESIGN.md section 11): open, list, read, close. One file per operation.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";

export function registerPeriods(_app: OpenAPIHono<HonoEnv>) {}
