// The indicator sets (DESIGN.md section 11): GET /api/v1/indicator-sets and /:id. Each operation
// is a file beside this one; both read the registry, so a set added to it is served as it is.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { INDICATOR_SETS, type IndicatorRegistry } from "../../../indicators";
import type { HonoEnv } from "../../env";
import { registerGetIndicatorSet } from "./get";
import { registerListIndicatorSets } from "./list";

export function registerIndicatorSets(app: OpenAPIHono<HonoEnv>, registry: IndicatorRegistry = INDICATOR_SETS) {
  registerListIndicatorSets(app, registry);
  registerGetIndicatorSet(app, registry);
}
