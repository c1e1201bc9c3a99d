import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { multiLineText } from "../../domain/text";
import type { HonoEnv } from "../../env";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { etagOf, optionalVersion } from "../reports/access";
import { decideReport } from "../../services/review";
import { noteBookmark } from "../../middleware/d1-session";
import { IfMatchHeader, ReviewStateSchema, reviewState } from "./flow";

export const Decision = z
  .strictObject({
    action: z.enum(["approve", "return"]),
    stage: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "Mã bước không hợp lệ").openapi({ description: "The stage being decided (must be the current one)", example: "specialist" }),
    comment: multiLineText(5000).optional().openapi({ description: "Required to return" }),
  })
  .openapi("Decision");

const route = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/decisions",
  tags: ["review"],
  summary: "Approve or return the report at its current stage (holder of the stage's role covering its unit)",
  security,
  middleware: writeMiddleware,
  request: { params: IdParam, headers: IfMatchHeader, ...jsonBody(Decision) },
  responses: {
    200: jsonContent(ReviewStateSchema, "The new state"),
    ...problems(401, 403, 404, 409, 412, 413, 415, 422, 503),
  },
});

export function registerDecide(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const view = await decideReport(c.env, c.get("actor"), c.req.valid("param").id, c.req.valid("json"), optionalVersion(c.req.header("if-match")));
    noteBookmark(c, view.bookmark);
    c.header("etag", etagOf(view.version));
    return c.json(reviewState(view), 200);
  });
}
