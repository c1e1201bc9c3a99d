// GET /api/v1/metrics: time to decide in working hours, on time and returned, per stage, reviewer
// or unit, over the decisions on reports the caller may read (DESIGN.md section 12).
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { stageMetrics } from "../../services/metrics";
import { jsonContent, problems, readMiddleware, security } from "../shared";
import { MetricsQuery, MetricsSchema, PERIOD_RULE, periodOf } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/metrics",
  tags: ["metrics"],
  summary: "Stage metrics in working hours: decisions, median and p90 time, on time and returned",
  description: `Reviewers and admins; counts only decisions on reports the caller may read. Period: ${PERIOD_RULE}; default the last 30 days.`,
  security,
  middleware: readMiddleware,
  request: { query: MetricsQuery },
  responses: { 200: jsonContent(MetricsSchema, "One row per group, stages in review order, reviewers and units by name"), ...problems(401, 403, 422) },
});

export function registerGetMetrics(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    return c.json(await stageMetrics(c.env.DB, c.get("actor"), periodOf(q), q.groupBy), 200);
  });
}
