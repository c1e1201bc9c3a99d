import { z } from "@hono/zod-openapi";
import { singleLineText } from "../../domain/text";
import { IdParam } from "../shared";

export const AttachmentParams = IdParam.extend({
  attachmentId: z.string().min(1).max(64).openapi({ param: { name: "attachmentId", in: "path" } }),
});

export const Caption = singleLineText(500).min(1);
