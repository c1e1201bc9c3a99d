import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { ROLES } from "../../db/schema";
import { mayDo } from "../../domain/policy";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { listUsers } from "../../queries/users";
import { cursorCodec, jsonContent, ListQueryBase, pageOf, problems, readMiddleware, security } from "../shared";
import { UserSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/users",
  tags: ["users"],
  summary: "List users by name (admin)",
  security,
  middleware: readMiddleware,
  request: {
    query: z.strictObject({
      unitId: z.string().max(64).optional(),
      role: z.enum(ROLES).optional(),
      active: z.enum(["true", "false"]).optional(),
      q: z.string().trim().min(1).max(100).optional(),
      ...ListQueryBase,
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(UserSchema), nextCursor: z.string().nullable() }), "A page of users"),
    ...problems(401, 403, 422),
  },
});

export function registerListUsers(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    if (!mayDo(c.get("actor"), "user.manage")) throw new ApiError("forbidden");
    const q = c.req.valid("query");
    const rows = await listUsers(database(c.env.DB), {
      unitId: q.unitId,
      role: q.role,
      active: q.active === undefined ? undefined : q.active === "true",
      q: q.q?.normalize("NFC"),
      after: q.cursor ? cursorCodec.decode(q.cursor) : undefined,
      limit: q.limit,
    });
    const page = pageOf(rows, q.limit, (r) => [r.row.name, r.row.id]);
    return c.json({ items: page.items.map((r) => r.view), nextCursor: page.nextCursor }, 200);
  });
}
