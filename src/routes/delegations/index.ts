// Delegations (ủy quyền, ký thay) and absence (DESIGN.md section 13): create, list, end; the
// caller's own absence. One file per operation; the rules are in src/services/delegations.ts.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { registerAbsence } from "./absence";
import { registerCreateDelegation } from "./create";
import { registerEndDelegation } from "./end";
import { registerListDelegations } from "./list";

export function registerDelegations(app: OpenAPIHono<HonoEnv>) {
  registerListDelegations(app);
  registerCreateDelegation(app);
  registerEndDelegation(app);
  registerAbsence(app);
}
