import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { diffRevisions } from "../../domain/revision-diff";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { diffBase, revisionContent } from "../../queries/review";
import { IdParam, jsonContent, problems, readMiddleware, security } from "../shared";
import { reportFor } from "../reports/access";

const Diff = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    fields: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
    body: z.array(z.object({ op: z.enum(["equal", "insert", "delete"]), text: z.string() })),
    bodyChanged: z.boolean(),
  })
  .openapi("RevisionDiff");

const route = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}/diff",
  tags: ["review"],
  summary: "What changed between two revisions. Defaults: to = latest; from = the revision live on the portal (a correction), else the one the caller returned, else the one before",
  security,
  middleware: readMiddleware,
  request: {
    params: IdParam,
    query: z.strictObject({
      from: z.coerce.number().int().min(1).max(100_000).optional(),
      to: z.coerce.number().int().min(1).max(100_000).optional(),
    }),
  },
  responses: { 200: jsonContent(Diff, "The changes"), ...problems(401, 404, 422) },
});

export function registerDiff(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const actor = c.get("actor");
    const report = await reportFor(database(c.env.DB), actor, c.req.valid("param").id, "report.read");
    const q = c.req.valid("query");
    const to = q.to ?? report.revision;
    const from = q.from ?? (await diffBase(c.env.DB, report.id, actor.id, to)) ?? to - 1;
    if (from >= to || from < 1) {
      throw new ApiError("validation_failed", { errors: [{ path: "from", in: "query", message: "Cần hai phiên bản khác nhau, from < to" }] });
    }
    const [a, b] = await Promise.all([revisionContent(c.env.DB, report.id, from), revisionContent(c.env.DB, report.id, to)]);
    if (!a || !b) throw new ApiError("not_found", { detail: `Không có phiên bản ${!a ? from : to}` });
    return c.json({ from, to, ...diffRevisions(a.content, b.content) }, 200);
  });
}
