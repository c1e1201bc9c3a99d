import { z } from "@hono/zod-openapi";
import { UNIT_TYPES } from "../../db/schema";
import { singleLineText } from "../../domain/text";

export const UnitSchema = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    type: z.enum(UNIT_TYPES),
    code: z.string(),
    name: z.string(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Unit");

export const unitCode = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, "Mã đơn vị: chữ, số, '-', '_', '.', tối đa 40 ký tự");
export const unitName = singleLineText(200).min(2);
