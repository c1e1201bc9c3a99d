import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import type { HonoEnv } from "../../env";
import { checksOf } from "../../services/period-reports";
import { liveAttachments, reportView } from "../../queries/reports";
import { editReport } from "../../services/reports";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { etagOf, optionalVersion } from "./access";
import { ReportSchema, UpdateReport } from "./schemas";

const route = createRoute({
  method: "patch",
  path: "/api/v1/reports/{id}",
  tags: ["reports"],
  summary: "Edit a draft or returned report (author of its unit); If-Match: <version>",
  security,
  middleware: writeMiddleware,
  request: {
    params: IdParam,
    headers: z.object({ "if-match": z.string().max(40).optional().openapi({ description: "The version being edited, e.g. \"3\"" }) }),
    ...jsonBody(UpdateReport),
  },
  responses: { 200: jsonContent(ReportSchema, "The edited report"), ...problems(401, 403, 404, 409, 412, 413, 415, 422, 428) },
});

export function registerUpdateReport(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const patch = c.req.valid("json");
    const actor = c.get("actor");
    const updated = await editReport(c.env.DB, actor, id, optionalVersion(c.req.header("if-match")), patch);
    c.header("etag", etagOf(updated.version));
    const [atts, checks] = await Promise.all([liveAttachments(database(c.env.DB), id), checksOf(c.env.DB, updated)]);
    return c.json(reportView(updated, atts, checks), 200);
  });
}
