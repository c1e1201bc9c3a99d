import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { attachmentView } from "../../queries/reports";
import { captionImage, removeImage } from "../../services/attachments";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { AttachmentSchema } from "../reports/schemas";
import { AttachmentParams, Caption } from "./schemas";

const path = "/api/v1/reports/{id}/attachments/{attachmentId}";

export const CaptionPatch = z.strictObject({ caption: Caption }).openapi("UpdateAttachment");

const captionRoute = createRoute({
  method: "patch",
  path,
  tags: ["attachments"],
  summary: "Change an image's caption (author, draft or returned)",
  security,
  middleware: writeMiddleware,
  request: { params: AttachmentParams, ...jsonBody(CaptionPatch) },
  responses: { 200: jsonContent(AttachmentSchema, "Updated"), ...problems(401, 403, 404, 409, 413, 415, 422) },
});

const deleteRoute = createRoute({
  method: "delete",
  path,
  tags: ["attachments"],
  summary: "Remove an image (author, draft or returned)",
  security,
  middleware: writeMiddleware,
  request: { params: AttachmentParams },
  responses: { 204: { description: "Removed" }, ...problems(401, 403, 404, 409) },
});

export function registerEditAttachment(app: OpenAPIHono<HonoEnv>) {
  app.openapi(captionRoute, async (c) => {
    const { id, attachmentId } = c.req.valid("param");
    const row = await captionImage(c.env.DB, c.get("actor"), id, attachmentId, c.req.valid("json").caption);
    return c.json(attachmentView(row), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { id, attachmentId } = c.req.valid("param");
    await removeImage(c.env.DB, c.get("actor"), id, attachmentId);
    return c.body(null, 204);
  });
}
