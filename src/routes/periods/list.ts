import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { periodsFor } from "../../services/periods";
import { cursorCodec, jsonContent, ListQueryBase, pageOf, problems, readMiddleware, security } from "../shared";
import { PeriodSchema } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/periods",
  tags: ["periods"],
  summary: "The periods the caller may read, newest first (openers, reviewers covering one of its units, the units asked to report; an admin all). Each with unitCount",
  security,
  middleware: readMiddleware,
  request: { query: z.strictObject({ status: z.enum(["open", "closed"]).optional(), ...ListQueryBase }) },
  responses: {
    200: jsonContent(z.object({ items: z.array(PeriodSchema), nextCursor: z.string().nullable() }), "A page of periods"),
    ...problems(401, 403, 422),
  },
});

export function registerListPeriods(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const rows = await periodsFor(c.env.DB, c.get("actor"), { status: q.status, after: q.cursor ? cursorCodec.decode(q.cursor) : undefined, limit: q.limit });
    return c.json(pageOf(rows, q.limit, (p) => [p.createdAt, p.id]), 200);
  });
}
