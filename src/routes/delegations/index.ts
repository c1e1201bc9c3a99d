// Delegations (ủy quyền, ký thay) and absence (DESIGN.md section 13): create, list, end; the
// caller's own absence. One file per operation; the rules are in src/services/delegations.ts.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";

export function registerDelegations(_app: OpenAPIHono<HonoEnv>) {}
