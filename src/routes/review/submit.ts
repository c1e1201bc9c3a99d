import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { multiLineText } from "../../domain/text";
import type { HonoEnv } from "../../env";
import { IdParam, jsonContent, problems, security, actionMiddleware, writeMiddleware } from "../shared";
import { etagOf, optionalVersion } from "../reports/access";
import { submitReport, withdrawReport } from "../../services/review";
import { noteBookmark } from "../../middleware/d1-session";
import { IfMatchHeader, ReviewStateSchema, reviewState } from "./flow";

const route = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/submit",
  tags: ["review"],
  summary: "Submit a draft, returned or withdrawn report for review; freezes a revision (author of its unit)",
  security,
  middleware: actionMiddleware,
  request: { params: IdParam, headers: IfMatchHeader },
  responses: { 200: jsonContent(ReviewStateSchema, "In review at its first stage"), ...problems(401, 403, 404, 409, 412, 503) },
});

export const Withdraw = z.strictObject({ comment: multiLineText(2000).optional() });

const withdrawRoute = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/withdraw",
  tags: ["review"],
  summary: "Withdraw a report from review (author of its unit); it can be edited and submitted again",
  security,
  middleware: writeMiddleware,
  request: {
    params: IdParam,
    headers: IfMatchHeader,
    body: { required: false, content: { "application/json": { schema: Withdraw } } },
  },
  responses: { 200: jsonContent(ReviewStateSchema, "Withdrawn"), ...problems(401, 403, 404, 409, 412, 422, 503) },
});

export function registerSubmit(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const view = await submitReport(c.env, c.get("actor"), c.req.valid("param").id, optionalVersion(c.req.header("if-match")));
    noteBookmark(c, view.bookmark);
    c.header("etag", etagOf(view.version));
    return c.json(reviewState(view), 200);
  });

  app.openapi(withdrawRoute, async (c) => {
    const comment = c.req.header("content-type") ? c.req.valid("json")?.comment : undefined;
    const view = await withdrawReport(c.env, c.get("actor"), c.req.valid("param").id, comment, optionalVersion(c.req.header("if-match")));
    noteBookmark(c, view.bookmark);
    c.header("etag", etagOf(view.version));
    return c.json(reviewState(view), 200);
  });
}
