import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { database } from "../../db/client";
import { users } from "../../db/schema";
import { nowIso } from "../../domain/ids";
import { hashPassword } from "../../domain/password";
import { mayDo } from "../../domain/policy";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { getUnit } from "../../queries/units";
import { getUserView, revokeUserSessions } from "../../queries/users";
import { assertNothingStranded, holdingAfter } from "../../services/routing";
import { releaseLostAssignments } from "../../services/assignment";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { newPassword, UserSchema, userName, userTitle } from "./schemas";

export const UpdateUser = z
  .strictObject({
    name: userName.optional(),
    title: userTitle,
    unitId: z.string().min(1).max(64).optional(),
    password: newPassword.optional(),
    emailOptOut: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "Cần ít nhất một trường để cập nhật" })
  .openapi("UpdateUser");

const route = createRoute({
  method: "patch",
  path: "/api/v1/users/{id}",
  tags: ["users"],
  summary: "Update a user's name, title, unit, password or email preference (admin)",
  security,
  middleware: writeMiddleware,
  request: { params: IdParam, ...jsonBody(UpdateUser) },
  responses: { 200: jsonContent(UserSchema, "Updated"), ...problems(401, 403, 404, 409, 413, 415, 422) },
});

export function registerUpdateUser(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    if (!mayDo(c.get("actor"), "user.manage")) throw new ApiError("forbidden");
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = database(c.env.DB);
    const user = await getUserView(db, id);
    if (!user) throw new ApiError("not_found");
    if (input.unitId && !(await getUnit(db, input.unitId))) {
      throw new ApiError("validation_failed", { errors: [{ path: "unitId", in: "json", message: "Đơn vị không tồn tại" }] });
    }
    // A centre head moved out of their unit no longer signs its reports (nor does a reviewer moved into a unit they cover).
    if (input.unitId && input.unitId !== user.unitId && user.active) await assertNothingStranded(c.env.DB, user, holdingAfter(input.unitId, user.grants));
    const { password, ...rest } = input;
    const update = db
      .update(users)
      .set({
        ...rest,
        ...(rest.name ? { name: rest.name.normalize("NFC") } : {}),
        ...(rest.title ? { title: rest.title.normalize("NFC") } : {}),
        ...(password ? { passwordHash: await hashPassword(password) } : {}),
        updatedAt: nowIso(),
      })
      .where(eq(users.id, id));
    // A new password or a move to another unit ends the user's sessions.
    if (password || input.unitId) await db.batch([update, revokeUserSessions(db, id)]);
    else await update.run();
    // A centre head moved out of their unit no longer decides its reports assigned to them.
    if (input.unitId && input.unitId !== user.unitId) await releaseLostAssignments(c.env, id);
    const view = await getUserView(db, id);
    if (!view) throw new ApiError("not_found");
    return c.json(view, 200);
  });
}
