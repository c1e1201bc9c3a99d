import type { OpenAPIHono } from "@hono/zod-openapi";
import { swaggerUI } from "@hono/swagger-ui";
import type { HonoEnv } from "../../env";

// The reference page's script and styles come from the installed swagger-ui-dist package, copied
// into public/ by scripts/vendor-assets.mjs and served as static assets: no CDN, works offline.
export const DOCS_ASSET_BASE = "/api/v1/docs/assets";

export function registerDocs(app: OpenAPIHono<HonoEnv>) {
  app.doc31("/api/v1/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Sở GD&ĐT — tiếp nhận, thẩm định và đăng tin",
      version: "1.0.0",
      description: "Reports and news from the department's units: drafts, staged review, publication to the portal.",
    },
    servers: [{ url: "/" }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
  app.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", { type: "apiKey", in: "cookie", name: "sogd_session" });

  app.get("/api/v1/docs", swaggerUI({ url: "/api/v1/openapi.json", baseUrl: DOCS_ASSET_BASE, title: "API — Sở GD&ĐT" }));
  // In production the asset router answers these paths before the Worker runs; this serves them
  // when the Worker is called directly (tests, `wrangler dev` with run_worker_first).
  app.get(`${DOCS_ASSET_BASE}/swagger-ui-dist/:file{[a-z-]+\\.(?:js|css)}`, async (c) => {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    // Asset responses have immutable headers; copy so the security headers can be added.
    return new Response(asset.body, asset);
  });
}
