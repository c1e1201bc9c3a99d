// Web pages: /app/periods/:id (the board). Filled by its own commit.
import type { Hono } from "hono";
import type { WebEnv } from "./session";

export function registerWebPeriodBoard(_web: Hono<WebEnv>) {}
