import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { users } from "../../db/schema";
import { newId, nowIso } from "../../domain/ids";
import { hashPassword } from "../../domain/password";
import { mayDo } from "../../domain/policy";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { isUniqueViolation } from "../../queries/errors";
import { getUnit } from "../../queries/units";
import { getUserView, replaceGrantsStatements } from "../../queries/users";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { assertGrantUnitsExist } from "./grants";
import { GrantsInput, newPassword, UserSchema, userName, userTitle } from "./schemas";

const CreateUser = z
  .strictObject({
    email: z.email().max(254),
    name: userName,
    title: userTitle,
    unitId: z.string().min(1).max(64),
    password: newPassword,
    grants: GrantsInput.default([]),
  })
  .openapi("CreateUser");

const route = createRoute({
  method: "post",
  path: "/api/v1/users",
  tags: ["users"],
  summary: "Create a user with roles (admin)",
  security,
  middleware: writeMiddleware,
  request: jsonBody(CreateUser),
  responses: { 201: jsonContent(UserSchema, "Created"), ...problems(401, 403, 409, 413, 415, 422) },
});

export function registerCreateUser(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    if (!mayDo(c.get("actor"), "user.manage")) throw new ApiError("forbidden");
    const input = c.req.valid("json");
    const db = database(c.env.DB);
    if (!(await getUnit(db, input.unitId))) {
      throw new ApiError("validation_failed", { errors: [{ path: "unitId", in: "json", message: "Đơn vị không tồn tại" }] });
    }
    await assertGrantUnitsExist(db, input.grants, "grants");
    const id = newId();
    const now = nowIso();
    try {
      await db.batch([
        db.insert(users).values({
          id,
          email: input.email.trim().toLowerCase(),
          name: input.name.normalize("NFC"),
          title: input.title?.normalize("NFC") ?? null,
          unitId: input.unitId,
          passwordHash: await hashPassword(input.password),
          createdAt: now,
          updatedAt: now,
        }),
        ...replaceGrantsStatements(db, id, input.grants),
      ]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError("conflict", { errors: [{ path: "email", in: "json", message: "Email đã được dùng" }] });
      throw err;
    }
    const view = await getUserView(db, id);
    if (!view) throw new ApiError("internal");
    return c.json(view, 201);
  });
}
