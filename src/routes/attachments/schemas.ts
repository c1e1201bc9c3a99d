import { z } from "@hono/zod-openapi";
import { IdParam } from "../shared";

export const AttachmentParams = IdParam.extend({
  attachmentId: z.string().min(1).max(64).openapi({ param: { name: "attachmentId", in: "path" } }),
});

export const Caption = z.string().normalize("NFC").trim().min(1).max(500);
