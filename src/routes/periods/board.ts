// GET /api/v1/periods/:id/board (DESIGN.md section 11): every unit the period expects, where its
// report stands and whether it is late. The rules are in src/services/period-board.ts.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { UNIT_STATES } from "../../domain/rollup";
import type { HonoEnv } from "../../env";
import { periodBoardFor } from "../../services/period-board";
import { IdParam, jsonContent, problems, readMiddleware, security } from "../shared";
import { PeriodSchema } from "./schemas";

const count = z.number().int().min(0);

const PeriodBoardSchema = z
  .object({
    period: PeriodSchema,
    counts: z
      .object({ expected: count, notStarted: count, draft: count, inReview: count, returned: count, approved: count, late: count })
      .openapi({ description: "Over the units shown. draft includes withdrawn reports (back with the unit); the five states add up to expected; late cuts across them" }),
    units: z.array(
      z.object({
        unitId: z.string(),
        unitName: z.string(),
        state: z.enum(UNIT_STATES).openapi({ description: "approved includes scheduled and published; an unpublished report is withdrawn" }),
        stage: z.string().nullable().openapi({ description: "The stage the report waits at while in review, else null" }),
        stageLabel: z.string().nullable().openapi({ example: "Lãnh đạo đơn vị" }),
        reportId: z.string().nullable(),
        submittedAt: z.string().nullable().openapi({ description: "The report's first submission" }),
        late: z.boolean().openapi({ description: "First submitted after dueAt, or not submitted and dueAt has passed" }),
      }),
    ),
  })
  .openapi("PeriodBoard");

const route = createRoute({
  method: "get",
  path: "/api/v1/periods/{id}/board",
  tags: ["periods"],
  summary:
    "The board of a period: each expected unit's state, stage, report, first submission and lateness, units with no report first, then by name. Reviewers (period.monitor) see the units they cover, counts over those; an admin all. 404 when the caller may not read the period, 403 when they read it but monitor none of its units",
  security,
  middleware: readMiddleware,
  request: { params: IdParam },
  responses: { 200: jsonContent(PeriodBoardSchema, "The board"), ...problems(401, 403, 404, 422) },
});

export function registerPeriodBoard(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const { board } = await periodBoardFor(c.env.DB, c.get("actor"), c.req.valid("param").id);
    return c.json(board, 200);
  });
}
