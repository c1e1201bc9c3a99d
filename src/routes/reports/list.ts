import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { REPORT_KINDS } from "../../../workflows";
import { database } from "../../db/client";
import { REPORT_STATUSES } from "../../db/schema";
import type { HonoEnv } from "../../env";
import { listReports, reportListView } from "../../queries/reports";
import { cursorCodec, jsonContent, ListQueryBase, pageOf, problems, readMiddleware, security } from "../shared";
import { ReportListItem } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/reports",
  tags: ["reports"],
  summary: "Reports the caller may see, newest first; q matches with or without diacritics",
  security,
  middleware: readMiddleware,
  request: {
    query: z.strictObject({
      status: z.enum(REPORT_STATUSES).optional(),
      kind: z.enum(REPORT_KINDS).optional(),
      unit: z.string().min(1).max(64).optional(),
      q: z.string().trim().min(1).max(200).optional(),
      ...ListQueryBase,
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(ReportListItem), nextCursor: z.string().nullable() }), "A page of reports"),
    ...problems(401, 422),
  },
});

export function registerListReports(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const rows = await listReports(database(c.env.DB), c.get("actor"), {
      status: q.status,
      kind: q.kind,
      unitId: q.unit,
      q: q.q,
      after: q.cursor ? cursorCodec.decode(q.cursor) : undefined,
      limit: q.limit,
    });
    const page = pageOf(rows, q.limit, (r) => [r.createdAt, r.id]);
    return c.json({ items: page.items.map(reportListView), nextCursor: page.nextCursor }, 200);
  });
}
