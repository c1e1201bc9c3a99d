import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { WORKFLOWS } from "../../workflows";
import type { HonoEnv } from "../env";
import { jsonContent, problems, readMiddleware, security } from "./shared";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflows",
  tags: ["workflows"],
  summary: "The review-chain definitions in force, one per report kind",
  security,
  middleware: readMiddleware,
  responses: { 200: jsonContent(z.object({ items: z.array(z.record(z.string(), z.unknown())) }), "Definitions"), ...problems(401) },
});

export function registerWorkflows(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, (c) => c.json({ items: Object.values(WORKFLOWS) }, 200));
}
