// GET /api/v1/periods/:id/rollup and /export (DESIGN.md section 11). The sums and rates are in
// src/domain/rollup.ts, who sees which units in src/services/period-rollup.ts.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { periodRollup, type PeriodRollup } from "../../services/period-rollup";
import { IdParam, jsonContent, problems, readMiddleware, security } from "../shared";
import { registerPeriodExport } from "./export";

const Extreme = z
  .object({ value: z.number(), unitId: z.string(), unitName: z.string() })
  .nullable()
  .openapi({ description: "The unit with the lowest (highest) value and that value; null when no approved report gives the figure" });

export const RollupSchema = z
  .object({
    periodId: z.string(),
    title: z.string(),
    indicatorSetId: z.string(),
    unitsExpected: z.number().int().openapi({ description: "Units of the period the caller monitors (every unit for an admin)" }),
    unitsReported: z.number().int().openapi({ description: "Of those, the units whose report is approved (approved, scheduled or published)" }),
    indicators: z.array(
      z.object({
        indicatorId: z.string(),
        label: z.string(),
        type: z.enum(["count", "decimal", "percent"]),
        unitLabel: z.string(),
        aggregate: z.enum(["sum", "rate", "none"]).openapi({
          description: "sum: the units' values added; rate: a ratio's target recomputed from the sums of its terms (never an average of rates); none: a percent that no ratio defines, not added up",
        }),
        decimals: z.number().int(),
        value: z.number().nullable(),
        unitsCounted: z.number().int().openapi({ description: "Units whose figures went into value" }),
        min: Extreme,
        max: Extreme,
      }),
    ),
  })
  .openapi("PeriodRollup");

const route = createRoute({
  method: "get",
  path: "/api/v1/periods/{id}/rollup",
  tags: ["periods"],
  summary: "The period's figures added up over its approved reports",
  description:
    "Counts are summed; a ratio's target (completionRate = completed / enrolled) is recomputed from the sums, rounded as the set states. For the department's reviewers over the units they cover (a reviewer covering some of the period's units gets the roll-up of those units) and admins; 404 when the caller may not read the period, 403 when they read it but monitor none of its units.",
  security,
  middleware: readMiddleware,
  request: { params: IdParam },
  responses: { 200: jsonContent(RollupSchema, "The roll-up"), ...problems(401, 403, 404, 422) },
});

export const rollupView = (r: PeriodRollup): z.infer<typeof RollupSchema> => ({
  periodId: r.period.id,
  title: r.period.title,
  indicatorSetId: r.period.indicatorSetId,
  unitsExpected: r.unitsExpected,
  unitsReported: r.rollup.unitsReported,
  indicators: r.rollup.indicators,
});

export function registerPeriodRollup(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    return c.json(rollupView(await periodRollup(c.env.DB, c.get("actor"), c.req.valid("param").id)), 200);
  });
  registerPeriodExport(app);
}
