import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import type { HonoEnv } from "../../env";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { etagOf, optionalVersion, reportFor } from "../reports/access";
import { flowOf, IfMatchHeader, reviewActorOf, ReviewStateSchema, unwrap } from "./flow";

const Decision = z
  .strictObject({
    action: z.enum(["approve", "return"]),
    stage: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).openapi({ description: "The stage being decided (must be the current one)", example: "specialist" }),
    comment: z.string().normalize("NFC").trim().max(5000).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.action === "return" && !d.comment) ctx.addIssue({ code: "custom", path: ["comment"], message: "Trả lại cần có ý kiến" });
  })
  .openapi("Decision");

const route = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/decisions",
  tags: ["review"],
  summary: "Approve or return the report at its current stage (holder of the stage's role covering its unit)",
  security,
  middleware: writeMiddleware,
  request: { params: IdParam, headers: IfMatchHeader, ...jsonBody(Decision) },
  responses: {
    200: jsonContent(ReviewStateSchema, "The new state"),
    ...problems(401, 403, 404, 409, 412, 413, 415, 422, 503),
  },
});

export function registerDecide(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const actor = c.get("actor");
    const { id } = c.req.valid("param");
    const decision = c.req.valid("json");
    // Existence is checked against what the caller may see; everything else is the DO's to decide.
    await reportFor(database(c.env.DB), actor, id, "report.read");
    const expectedVersion = optionalVersion(c.req.header("if-match"));
    const view = unwrap(await flowOf(c.env, id).decide({ reportId: id, actor: reviewActorOf(actor), ...decision, expectedVersion }));
    c.header("etag", etagOf(view.version));
    return c.json(view, 200);
  });
}
