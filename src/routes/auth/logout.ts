import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteCookie } from "hono/cookie";
import type { HonoEnv } from "../../env";
import { SESSION_COOKIE } from "../../middleware/auth";
import { revokeSession } from "../../queries/sessions";
import { jsonContent, problems, security, actionMiddleware } from "../shared";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/logout",
  tags: ["auth"],
  summary: "End the current session",
  security,
  middleware: actionMiddleware,
  responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), "Signed out"), ...problems(401) },
});

export function registerLogout(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    await revokeSession(c.env.DB, c.get("actor").sessionTokenHash);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
    return c.json({ ok: true as const }, 200);
  });
}
