import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import type { HonoEnv } from "../../env";
import { checksOf } from "../../services/period-reports";
import { reportView } from "../../queries/reports";
import { readableReport } from "../../services/report-access";
import { IdParam, jsonContent, problems, readMiddleware, security } from "../shared";
import { etagOf } from "./access";
import { ReportSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}",
  tags: ["reports"],
  summary: "One report, if the caller may see it (ETag carries the version)",
  security,
  middleware: readMiddleware,
  request: { params: IdParam },
  responses: { 200: jsonContent(ReportSchema, "The report"), ...problems(401, 404) },
});

export function registerGetReport(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const db = database(c.env.DB);
    // The report and its attachments in one round trip; a periodic report's checks in a second.
    const { report, attachments } = await readableReport(db, c.get("actor"), c.req.valid("param").id);
    c.header("etag", etagOf(report.version));
    c.header("cache-control", "private, no-cache");
    return c.json(reportView(report, attachments, await checksOf(c.env.DB, report)), 200);
  });
}
