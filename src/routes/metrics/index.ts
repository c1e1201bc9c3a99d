// Stage metrics in working hours (DESIGN.md section 12). Each operation is a file beside this one.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { registerExportMetrics } from "./export";
import { registerGetMetrics } from "./get";

export function registerMetrics(app: OpenAPIHono<HonoEnv>) {
  registerGetMetrics(app);
  registerExportMetrics(app);
}
