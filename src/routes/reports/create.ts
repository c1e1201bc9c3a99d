import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { checksOf } from "../../services/period-reports";
import { reportView } from "../../queries/reports";
import { createDraft } from "../../services/reports";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { etagOf } from "./access";
import { CreateReport, ReportSchema } from "./schemas";

const route = createRoute({
  method: "post",
  path: "/api/v1/reports",
  tags: ["reports"],
  summary: "Create a draft report for the caller's unit (author)",
  security,
  middleware: writeMiddleware,
  request: jsonBody(CreateReport),
  responses: { 201: jsonContent(ReportSchema, "The new draft"), ...problems(401, 403, 409, 413, 415, 422) },
});

export function registerCreateReport(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const row = await createDraft(c.env.DB, c.get("actor"), c.req.valid("json"));
    c.header("etag", etagOf(row.version));
    c.header("location", `/api/v1/reports/${row.id}`);
    return c.json(reportView(row, [], await checksOf(c.env.DB, row)), 201);
  });
}
