import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { UNIT_TYPES } from "../../db/schema";
import { database } from "../../db/client";
import type { HonoEnv } from "../../env";
import { mayDo } from "../../domain/policy";
import { ApiError } from "../../errors";
import { listUnits, unitView } from "../../queries/units";
import { cursorCodec, jsonContent, ListQueryBase, pageOf, problems, readMiddleware, security } from "../shared";
import { UnitSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/units",
  tags: ["units"],
  summary: "List units by name (any signed-in user: forms need unit names)",
  security,
  middleware: readMiddleware,
  request: {
    query: z.strictObject({
      type: z.enum(UNIT_TYPES).optional(),
      parentId: z.string().max(64).optional(),
      active: z.enum(["true", "false"]).optional(),
      q: z.string().trim().min(1).max(100).optional(),
      ...ListQueryBase,
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(UnitSchema), nextCursor: z.string().nullable() }), "A page of units"),
    ...problems(401, 422),
  },
});

export function registerListUnits(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    if (!mayDo(c.get("actor"), "unit.read")) throw new ApiError("forbidden");
    const q = c.req.valid("query");
    const rows = await listUnits(database(c.env.DB), {
      type: q.type,
      parentId: q.parentId,
      active: q.active === undefined ? undefined : q.active === "true",
      q: q.q?.normalize("NFC"),
      after: q.cursor ? cursorCodec.decode(q.cursor) : undefined,
      limit: q.limit,
    });
    const page = pageOf(rows, q.limit, (u) => [u.name, u.id]);
    return c.json({ items: page.items.map(unitView), nextCursor: page.nextCursor }, 200);
  });
}
