import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { database } from "../../db/client";
import { users } from "../../db/schema";
import { nowIso } from "../../domain/ids";
import { mayDo } from "../../domain/policy";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { getUserView, revokeUserSessions } from "../../queries/users";
import { IdParam, jsonContent, problems, security, writeMiddleware } from "../shared";
import { UserSchema } from "./schemas";

function activationRoute(action: "deactivate" | "activate") {
  return createRoute({
    method: "post",
    path: `/api/v1/users/{id}/${action}`,
    tags: ["users"],
    summary:
      action === "deactivate"
        ? "Deactivate a user: their sessions stop working at once (admin)"
        : "Reactivate a user (admin)",
    security,
    middleware: writeMiddleware,
    request: { params: IdParam },
    responses: { 200: jsonContent(UserSchema, "The user"), ...problems(401, 403, 404, 409) },
  });
}

export function registerUserActivation(app: OpenAPIHono<HonoEnv>) {
  for (const action of ["deactivate", "activate"] as const) {
    app.openapi(activationRoute(action), async (c) => {
      const actor = c.get("actor");
      if (!mayDo(actor, "user.manage")) throw new ApiError("forbidden");
      const { id } = c.req.valid("param");
      const db = database(c.env.DB);
      if (!(await getUserView(db, id))) throw new ApiError("not_found");
      if (action === "deactivate" && id === actor.id) {
        throw new ApiError("conflict", { detail: "Không thể tự khoá tài khoản đang dùng" });
      }
      const update = db.update(users).set({ active: action === "activate", updatedAt: nowIso() }).where(eq(users.id, id));
      if (action === "deactivate") await db.batch([update, revokeUserSessions(db, id)]);
      else await update.run();
      const view = await getUserView(db, id);
      if (!view) throw new ApiError("not_found");
      return c.json(view, 200);
    });
  }
}
