import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { IndicatorRegistry } from "../../../indicators";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { jsonContent, problems, readMiddleware, security } from "../shared";
import { IndicatorSetIdParam, IndicatorSetSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/indicator-sets/{id}",
  tags: ["indicator-sets"],
  summary: "One indicator set: its indicators, bounds, rules and change thresholds (any signed-in user)",
  security,
  middleware: readMiddleware,
  request: { params: IndicatorSetIdParam },
  responses: { 200: jsonContent(IndicatorSetSchema, "The indicator set"), ...problems(401, 404, 422) },
});

export function registerGetIndicatorSet(app: OpenAPIHono<HonoEnv>, registry: IndicatorRegistry) {
  app.openapi(route, (c) => {
    const set = registry.get(c.req.valid("param").id);
    if (!set) throw new ApiError("not_found", { detail: "Không có bộ chỉ tiêu này" });
    return c.json(set, 200);
  });
}
