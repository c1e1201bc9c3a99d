import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { createUser } from "../../services/admin";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { GrantsInput, newPassword, UserSchema, userName, userTitle } from "./schemas";

export const CreateUser = z
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
    return c.json(await createUser(c.env.DB, c.get("actor"), c.req.valid("json")), 201);
  });
}
