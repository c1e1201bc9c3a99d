import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { noteBookmark } from "../../middleware/d1-session";
import { assignReport } from "../../services/assignment";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { etagOf } from "../reports/access";
import { ReviewStateSchema, reviewState } from "./flow";

const Assignment = z
  .strictObject({
    userId: z
      .string()
      .min(1)
      .max(64)
      .nullable()
      .openapi({ description: "Who takes the current stage (the caller's own id: claiming); null hands it back to all its holders", example: "u-specialist-1" }),
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, "Mã bước không hợp lệ")
      .optional()
      .openapi({ description: "The stage the caller means (as on the page they saw): 409 if the report has moved on", example: "specialist" }),
  })
  .openapi("Assignment");

const route = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/assignee",
  tags: ["review"],
  summary: "Assign the report's current stage to one of its holders, claim it, or hand it back (DESIGN.md section 13)",
  description:
    "By a holder of the stage's role covering the report's unit (or their delegate); the assignee must hold the role over the unit or sign for someone who does. Once assigned, only the assignee (or their delegate) decides the stage; it is theirs (or an admin's) to pass on or hand back.",
  security,
  middleware: writeMiddleware,
  request: { params: IdParam, ...jsonBody(Assignment) },
  responses: {
    200: jsonContent(ReviewStateSchema, "The review state, with its assignee"),
    ...problems(401, 403, 404, 409, 413, 415, 422, 503),
  },
});

export function registerAssign(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const { userId, stage } = c.req.valid("json");
    const view = await assignReport(c.env, c.get("actor"), c.req.valid("param").id, userId, stage);
    noteBookmark(c, view.bookmark);
    c.header("etag", etagOf(view.version));
    return c.json(reviewState(view), 200);
  });
}
