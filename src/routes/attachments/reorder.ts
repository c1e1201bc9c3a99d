import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { attachmentView } from "../../queries/reports";
import { reorderImages } from "../../services/attachments";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { AttachmentSchema } from "../reports/schemas";

export const Reorder = z.strictObject({ ids: z.array(z.string().min(1).max(64)).max(100) }).openapi("ReorderAttachments");

const route = createRoute({
  method: "put",
  path: "/api/v1/reports/{id}/attachments/order",
  tags: ["attachments"],
  summary: "Set the order of the images: every live image id, once, in the new order",
  security,
  middleware: writeMiddleware,
  request: { params: IdParam, ...jsonBody(Reorder) },
  responses: { 200: jsonContent(z.object({ items: z.array(AttachmentSchema) }), "The new order"), ...problems(401, 403, 404, 409, 413, 415, 422) },
});

export function registerReorderAttachments(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const rows = await reorderImages(c.env.DB, c.get("actor"), c.req.valid("param").id, c.req.valid("json").ids);
    return c.json({ items: rows.map(attachmentView) }, 200);
  });
}
