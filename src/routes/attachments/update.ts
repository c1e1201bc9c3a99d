import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { ApiError } from "../../errors";
import type { HonoEnv } from "../../env";
import { getAttachment, setCaption, softDeleteAttachment } from "../../queries/attachments";
import { attachmentView } from "../../queries/reports";
import { jsonBody, jsonContent, problems, security, writeMiddleware } from "../shared";
import { reportFor } from "../reports/access";
import { AttachmentSchema } from "../reports/schemas";
import { AttachmentParams, Caption } from "./schemas";

const path = "/api/v1/reports/{id}/attachments/{attachmentId}";

const captionRoute = createRoute({
  method: "patch",
  path,
  tags: ["attachments"],
  summary: "Change an image's caption (author, draft or returned)",
  security,
  middleware: writeMiddleware,
  request: { params: AttachmentParams, ...jsonBody(z.strictObject({ caption: Caption }).openapi("UpdateAttachment")) },
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
    const db = database(c.env.DB);
    const { id, attachmentId } = c.req.valid("param");
    const report = await reportFor(db, c.get("actor"), id, "attachment.write");
    if (!(await getAttachment(db, report.id, attachmentId))) throw new ApiError("not_found");
    await setCaption(db, report.id, attachmentId, c.req.valid("json").caption);
    const row = await getAttachment(db, report.id, attachmentId);
    if (!row) throw new ApiError("not_found");
    return c.json(attachmentView(row), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const db = database(c.env.DB);
    const { id, attachmentId } = c.req.valid("param");
    const report = await reportFor(db, c.get("actor"), id, "attachment.write");
    if (!(await getAttachment(db, report.id, attachmentId))) throw new ApiError("not_found");
    await softDeleteAttachment(db, report.id, attachmentId);
    return c.body(null, 204);
  });
}
