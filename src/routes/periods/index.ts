// Reporting periods (DESIGN.md section 11): open, list, read, close. One file per operation; the
// rules are in src/services/periods.ts and the policy table.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";
import { registerPeriodBoard } from "./board";
import { registerClosePeriod } from "./close";
import { registerGetPeriod } from "./get";
import { registerListPeriods } from "./list";
import { registerOpenPeriod } from "./open";
import { registerPeriodRollup } from "./rollup";

export function registerPeriods(app: OpenAPIHono<HonoEnv>) {
  registerListPeriods(app);
  registerGetPeriod(app);
  registerOpenPeriod(app);
  registerClosePeriod(app);
  registerPeriodBoard(app);
  registerPeriodRollup(app);
}
