import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { WORKFLOWS } from "../../../workflows";
import { database } from "../../db/client";
import { mayDo } from "../../domain/policy";
import { kindRuleErrors } from "../../domain/report-rules";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { getUnit } from "../../queries/units";
import { insertReport, reportView } from "../../queries/reports";
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
    const actor = c.get("actor");
    if (!mayDo(actor, "report.create")) throw new ApiError("forbidden");
    const input = c.req.valid("json");
    const errors = kindRuleErrors(input.kind, input);
    if (errors.length) throw new ApiError("validation_failed", { errors });
    const db = database(c.env.DB);
    const unit = await getUnit(db, actor.unitId);
    if (!unit?.active) throw new ApiError("conflict", { detail: "Đơn vị đã ngừng hoạt động" });
    const def = WORKFLOWS[input.kind];
    const row = await insertReport(db, actor, input, { id: def.id, version: def.version });
    c.header("etag", etagOf(row.version));
    c.header("location", `/api/v1/reports/${row.id}`);
    return c.json(reportView(row, []), 201);
  });
}
