import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { MAX_IMAGE_BYTES } from "../../domain/images";
import { addImage } from "../../services/attachments";
import type { HonoEnv } from "../../env";
import { requireSession } from "../../middleware/auth";
import { idempotency } from "../../middleware/idempotency";
import { limitBody, requireMediaType } from "../../middleware/request-guards";
import { attachmentView } from "../../queries/reports";
import { IdParam, jsonContent, problems, security } from "../shared";
import { AttachmentSchema } from "../reports/schemas";
import { Caption } from "./schemas";

const UploadForm = z
  .object({
    file: z.instanceof(File).openapi({ type: "string", format: "binary", description: "JPEG, PNG or WebP, at most 20 MiB and 36 megapixels" }),
    caption: Caption.openapi({ example: "Hình 1: Văn nghệ chào mừng Hội nghị" }),
  })
  .openapi("AttachmentUpload");

const route = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/attachments",
  tags: ["attachments"],
  summary: "Upload an image with its caption (author, while the report is a draft or returned)",
  security,
  // Room for the multipart envelope around the largest image.
  middleware: [limitBody(MAX_IMAGE_BYTES + 64 * 1024), requireMediaType("multipart/form-data"), requireSession(), idempotency()],
  request: { params: IdParam, body: { required: true, content: { "multipart/form-data": { schema: UploadForm } } } },
  responses: { 201: jsonContent(AttachmentSchema, "Stored"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

export function registerUploadAttachment(app: OpenAPIHono<HonoEnv>) {
  app.openapi(route, async (c) => {
    const { file, caption } = c.req.valid("form");
    const row = await addImage(c.env, c.get("actor"), c.req.valid("param").id, file, caption);
    return c.json(attachmentView(row), 201);
  });
}
