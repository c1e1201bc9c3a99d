// GET /api/v1/periods/:id/rollup and /export (DESIGN.md section 11). Filled by the roll-up commit.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";

export function registerPeriodRollup(_app: OpenAPIHono<HonoEnv>) {}
