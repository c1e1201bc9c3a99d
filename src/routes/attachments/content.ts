import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { getAttachment } from "../../queries/attachments";
import { problems, readMiddleware, security } from "../shared";
import { reportFor } from "../reports/access";
import { AttachmentParams } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}/attachments/{attachmentId}/content",
  tags: ["attachments"],
  summary: "The image itself, to those who may see the report",
  security,
  middleware: readMiddleware,
  request: { params: AttachmentParams },
  responses: {
    200: { description: "The image", content: { "image/*": { schema: z.string().openapi({ format: "binary" }) } } },
    ...problems(401, 404),
  },
});

export function registerAttachmentContent(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const db = database(c.env.DB);
    const { id, attachmentId } = c.req.valid("param");
    const report = await reportFor(db, c.get("actor"), id, "report.read");
    const row = await getAttachment(db, report.id, attachmentId);
    const object = row ? await c.env.BUCKET.get(row.r2Key) : null;
    if (!row || !object) throw new ApiError("not_found");
    return new Response(object.body, {
      headers: {
        "content-type": row.contentType,
        "content-length": String(row.size),
        "cache-control": "private, max-age=300",
        "x-content-type-options": "nosniff",
        "content-disposition": "inline",
        etag: `"${row.sha256}"`,
      },
    });
  });
}
