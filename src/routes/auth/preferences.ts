import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { nowIso } from "../../domain/ids";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";

export const Preferences = z.strictObject({ emailOptOut: z.boolean() }).openapi("Preferences");

const route = createRoute({
  method: "patch",
  path: "/api/v1/me/preferences",
  tags: ["auth"],
  summary: "Switch off non-essential emails (awaiting review, assigned and returned are always sent)",
  security,
  middleware: writeMiddleware,
  request: jsonBody(Preferences),
  responses: { 200: jsonContent(Preferences, "Saved"), ...problems(401, 413, 415, 422) },
});

export function registerPreferences(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const { emailOptOut } = c.req.valid("json");
    await c.env.DB.prepare("UPDATE users SET email_opt_out = ?, updated_at = ? WHERE id = ?").bind(emailOptOut ? 1 : 0, nowIso(), c.get("actor").id).run();
    return c.json({ emailOptOut }, 200);
  });
}
