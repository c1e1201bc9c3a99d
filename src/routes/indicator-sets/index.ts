// The indicator sets (DESIGN.md section 11): GET /api/v1/indicator-sets and /:id.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";

export function registerIndicatorSets(_app: OpenAPIHono<HonoEnv>) {}
