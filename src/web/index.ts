// The web interface under /app: server-rendered pages over the same services as the API.
import { Hono } from "hono";
import { registerWebAdmin } from "./admin";
import { registerWebAuth } from "./auth";
import { registerWebReports } from "./reports";
import { registerWebReview } from "./review";
import type { WebEnv } from "./session";

export function webApp(): Hono<WebEnv> {
  const web = new Hono<WebEnv>();
  registerWebAuth(web);
  registerWebReports(web);
  registerWebReview(web);
  registerWebAdmin(web);
  // Served by the static asset router in production; here when the Worker is called directly.
  web.get("/app/assets/:file{[a-z-]+\\.(?:js|css)}", async (c) => {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    return new Response(asset.body, asset);
  });
  return web;
}
