import { z } from "@hono/zod-openapi";
import { ROLES, type Role } from "../../db/schema";
import { isWellFormedText, singleLineText, TEXT_MESSAGES } from "../../domain/text";
import { GrantSchema } from "../auth/schemas";

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    title: z.string().nullable(),
    unitId: z.string(),
    active: z.boolean(),
    emailOptOut: z.boolean(),
    roles: z.array(z.enum(ROLES)),
    grants: z.array(GrantSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("User");

// Roles whose reach is the units they are given; the others reach their own unit or everything.
const COVERING_ROLES: readonly Role[] = ["specialist", "deputy_head", "director"];

export const GrantsInput = z
  .array(
    z.strictObject({
      role: z.enum(ROLES),
      unitIds: z.array(z.string().min(1).max(64)).max(200).default([]),
    }),
  )
  .max(ROLES.length)
  .superRefine((grants, ctx) => {
    const seen = new Set<string>();
    grants.forEach((g, i) => {
      if (seen.has(g.role)) ctx.addIssue({ code: "custom", path: [i, "role"], message: "Vai trò bị lặp" });
      seen.add(g.role);
      if (COVERING_ROLES.includes(g.role) && g.unitIds.length === 0)
        ctx.addIssue({ code: "custom", path: [i, "unitIds"], message: "Vai trò thẩm định cần ít nhất một đơn vị phụ trách" });
      g.unitIds.forEach((u, j) => {
        if (g.unitIds.indexOf(u) !== j) ctx.addIssue({ code: "custom", path: [i, "unitIds", j], message: "Đơn vị bị lặp" });
      });
      if (!COVERING_ROLES.includes(g.role) && g.unitIds.length > 0)
        ctx.addIssue({ code: "custom", path: [i, "unitIds"], message: "Vai trò này không nhận danh sách đơn vị phụ trách" });
    });
  });

export const userName = singleLineText(120).min(2);
export const userTitle = singleLineText(200).nullable().optional();
// At least 10 characters: these accounts sign public statements of a government department.
// Any character may be in a password except half a surrogate pair, which could not be typed again.
export const newPassword = z.string().min(10).max(256).refine(isWellFormedText, TEXT_MESSAGES.notText);
