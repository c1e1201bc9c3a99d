import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import type { HonoEnv } from "../../env";
import { attachmentView, liveAttachments } from "../../queries/reports";
import { IdParam, jsonContent, problems, readMiddleware, security } from "../shared";
import { reportFor } from "../reports/access";
import { AttachmentSchema } from "../reports/schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}/attachments",
  tags: ["attachments"],
  summary: "The report's images in their order",
  security,
  middleware: readMiddleware,
  request: { params: IdParam },
  responses: { 200: jsonContent(z.object({ items: z.array(AttachmentSchema) }), "The images"), ...problems(401, 404) },
});

export function registerListAttachments(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const db = database(c.env.DB);
    const report = await reportFor(db, c.get("actor"), c.req.valid("param").id, "report.read");
    return c.json({ items: (await liveAttachments(db, report.id)).map(attachmentView) }, 200);
  });
}
