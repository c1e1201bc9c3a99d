// Web pages: /app/periods/:id/rollup. Filled by its own commit.
import type { Hono } from "hono";
import type { WebEnv } from "./session";

export function registerWebPeriodRollup(_web: Hono<WebEnv>) {}
