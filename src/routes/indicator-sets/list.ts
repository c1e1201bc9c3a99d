import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { IndicatorRegistry } from "../../../indicators";
import type { HonoEnv } from "../../env";
import { jsonContent, problems, readMiddleware, security } from "../shared";
import { IndicatorSetListSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/indicator-sets",
  tags: ["indicator-sets"],
  summary: "The indicator sets in force, in id order, for forms and clients to build from (any signed-in user)",
  security,
  middleware: readMiddleware,
  responses: { 200: jsonContent(IndicatorSetListSchema, "Every indicator set"), ...problems(401) },
});

export function registerListIndicatorSets(app: OpenAPIHono<HonoEnv>, registry: IndicatorRegistry) {
  app.openapi(route, (c) => c.json({ items: [...registry.list()] }, 200));
}
