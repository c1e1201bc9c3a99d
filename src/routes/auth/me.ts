import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Actor, HonoEnv } from "../../env";
import { jsonContent, problems, readMiddleware, security } from "../shared";
import { MeSchema } from "./schemas";

export function meOf(actor: Actor) {
  return {
    id: actor.id,
    email: actor.email,
    name: actor.name,
    unitId: actor.unitId,
    roles: [...new Set(actor.grants.map((g) => g.role))],
    grants: actor.grants,
  };
}

const route = createRoute({
  method: "get",
  path: "/api/v1/me",
  tags: ["auth"],
  summary: "The signed-in user",
  security,
  middleware: readMiddleware,
  responses: { 200: jsonContent(MeSchema, "The caller"), ...problems(401) },
});

export function registerMe(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, (c) => c.json(meOf(c.get("actor")), 200));
}
