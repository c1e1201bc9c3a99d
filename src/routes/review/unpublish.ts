import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { multiLineText } from "../../domain/text";
import type { HonoEnv } from "../../env";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { etagOf } from "../reports/access";
import { cancelPublication, unpublishReport } from "../../services/review";
import { noteBookmark } from "../../middleware/d1-session";
import { ReviewStateSchema, reviewState } from "./flow";

export const Unpublish = z
  .strictObject({ reason: multiLineText(2000).min(5).openapi({ example: "Số liệu trong bài chưa chính xác, đơn vị sẽ hiệu chỉnh." }) })
  .openapi("Unpublish");

const route = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/unpublish",
  tags: ["review"],
  summary: "Take a published report off the portal, with the reason shown in its place (director covering its unit, or admin)",
  security,
  middleware: writeMiddleware,
  request: { params: IdParam, ...jsonBody(Unpublish) },
  responses: { 200: jsonContent(ReviewStateSchema, "Unpublished"), ...problems(401, 403, 404, 409, 413, 415, 422, 503) },
});

const cancelRoute = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/cancel-publication",
  tags: ["review"],
  summary: "Call off a scheduled publication before it goes live (director covering its unit, or admin); the report goes back to its unit. The unit's author withdraws it instead (POST …/withdraw)",
  security,
  middleware: writeMiddleware,
  request: { params: IdParam, ...jsonBody(Unpublish) },
  responses: { 200: jsonContent(ReviewStateSchema, "Withdrawn; nothing published"), ...problems(401, 403, 404, 409, 413, 415, 422, 503) },
});

export function registerUnpublish(app: OpenAPIHono<HonoEnv>) {
  app.openapi(cancelRoute, async (c) => {
    const view = await cancelPublication(c.env, c.get("actor"), c.req.valid("param").id, c.req.valid("json").reason);
    noteBookmark(c, view.bookmark);
    c.header("etag", etagOf(view.version));
    return c.json(reviewState(view), 200);
  });
  app.openapi(route, async (c) => {
    const view = await unpublishReport(c.env, c.get("actor"), c.req.valid("param").id, c.req.valid("json").reason);
    noteBookmark(c, view.bookmark);
    c.header("etag", etagOf(view.version));
    return c.json(reviewState(view), 200);
  });
}
