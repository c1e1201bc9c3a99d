import { z } from "@hono/zod-openapi";
import { ROLES } from "../../db/schema";

export const GrantSchema = z.object({ role: z.enum(ROLES), unitIds: z.array(z.string()) }).openapi("Grant");

export const MeSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    unitId: z.string(),
    roles: z.array(z.enum(ROLES)),
    grants: z.array(GrantSchema),
  })
  .openapi("Me");
