// Web pages: /app/periods, /app/periods/new. Filled by its own commit.
import type { Hono } from "hono";
import type { WebEnv } from "./session";

export function registerWebPeriods(_web: Hono<WebEnv>) {}
