// GET /api/v1/periods/:id/board (DESIGN.md section 11). Filled by the board commit.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";

export function registerPeriodBoard(_app: OpenAPIHono<HonoEnv>) {}
