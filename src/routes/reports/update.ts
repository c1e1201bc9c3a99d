import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { ReportKind } from "../../../workflows";
import { database } from "../../db/client";
import { kindRuleErrors } from "../../domain/report-rules";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { getReport, liveAttachments, reportView, updateReportContent } from "../../queries/reports";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { etagOf, expectedVersion, reportFor } from "./access";
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
    const db = database(c.env.DB);
    const actor = c.get("actor");
    const { id } = c.req.valid("param");
    const patch = c.req.valid("json");
    const report = await reportFor(db, actor, id, "report.update");
    const version = expectedVersion(c.req.header("if-match"));
    const errors = kindRuleErrors(report.kind as ReportKind, {
      figures: patch.figures === undefined ? report.figures : patch.figures,
      publishAt: patch.publishAt === undefined ? report.publishAt : patch.publishAt,
    });
    if (errors.length) throw new ApiError("validation_failed", { errors });

    if (!(await updateReportContent(db, id, version, patch))) {
      const now = await getReport(db, id);
      if (now && now.version !== version) {
        throw new ApiError("precondition_failed", { extra: { currentVersion: now.version }, headers: { etag: etagOf(now.version) } });
      }
      throw new ApiError("conflict", { detail: `Báo cáo đang ở trạng thái "${now?.status}"`, extra: { currentStatus: now?.status } });
    }
    const updated = await getReport(db, id);
    if (!updated) throw new ApiError("not_found");
    c.header("etag", etagOf(updated.version));
    return c.json(reportView(updated, await liveAttachments(db, id)), 200);
  });
}
