import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { delegationsFor } from "../../services/delegations";
import { cursorCodec, jsonContent, pageOf, problems, readMiddleware, security } from "../shared";
import { DelegationSchema, ListDelegationsQuery } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/delegations",
  tags: ["delegations"],
  summary:
    "Delegations newest first: scope=mine (default; given and received by the caller), given, received, or all (admin only); state=active|scheduled|ended to narrow",
  security,
  middleware: readMiddleware,
  request: { query: ListDelegationsQuery },
  responses: {
    200: jsonContent(z.object({ items: z.array(DelegationSchema), nextCursor: z.string().nullable() }), "A page of delegations"),
    ...problems(401, 403, 422),
  },
});

export function registerListDelegations(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const rows = await delegationsFor(c.env.DB, c.get("actor"), {
      scope: q.scope,
      state: q.state,
      after: q.cursor ? cursorCodec.decode(q.cursor) : undefined,
      limit: q.limit,
    });
    return c.json(pageOf(rows, q.limit, (d) => [d.createdAt, d.id]), 200);
  });
}
