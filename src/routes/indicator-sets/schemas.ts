import { z } from "@hono/zod-openapi";
import { indicatorSetSchema } from "../../../indicators";

// The response shows the definition exactly as the registry holds it: the schema every set file
// is parsed with, named for the API description.
export const IndicatorSetSchema = indicatorSetSchema.openapi("IndicatorSet", {
  description: "An indicator set: the figures a unit reports each period, and the rules between them",
});

export const IndicatorSetListSchema = z.object({ items: z.array(IndicatorSetSchema) }).openapi("IndicatorSetList");

export const IndicatorSetIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "gdtx-hoc-ki" }),
});
