import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { reorderAttachments } from "../../queries/attachments";
import { attachmentView, liveAttachments } from "../../queries/reports";
import { IdParam, jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { reportFor } from "../reports/access";
import { AttachmentSchema } from "../reports/schemas";

const Reorder = z.strictObject({ ids: z.array(z.string().min(1).max(64)).max(100) }).openapi("ReorderAttachments");

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
    const db = database(c.env.DB);
    const report = await reportFor(db, c.get("actor"), c.req.valid("param").id, "attachment.write");
    const { ids } = c.req.valid("json");
    const live = await liveAttachments(db, report.id);
    const liveIds = new Set(live.map((a) => a.id));
    const isPermutation = ids.length === live.length && new Set(ids).size === ids.length && ids.every((x) => liveIds.has(x));
    if (!isPermutation) {
      throw new ApiError("validation_failed", {
        errors: [{ path: "ids", in: "json", message: "Phải liệt kê đúng mỗi ảnh hiện có một lần" }],
      });
    }
    if (ids.length > 0) await reorderAttachments(db, report.id, ids);
    return c.json({ items: (await liveAttachments(db, report.id)).map(attachmentView) }, 200);
  });
}
