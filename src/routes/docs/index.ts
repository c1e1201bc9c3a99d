import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../env";

// The reference page's script and styles come from the installed swagger-ui-dist package, copied
// into public/ by scripts/vendor-assets.mjs and served as static assets: no CDN, works offline.
// Its start-up script is a file too, so the page runs under a CSP without inline scripts.
export const DOCS_ASSET_BASE = "/api/v1/docs/assets";

const PAGE = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API — Sở GD&amp;ĐT</title>
<link rel="stylesheet" href="${DOCS_ASSET_BASE}/swagger-ui-dist/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_ASSET_BASE}/swagger-ui-dist/swagger-ui-bundle.js"></script>
<script src="${DOCS_ASSET_BASE}/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n`;

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

  app.get("/api/v1/docs", (c) => c.html(PAGE));
  app.get(`${DOCS_ASSET_BASE}/init.js`, (c) => c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=300" }));
  // In production the asset router answers these paths before the Worker runs; this serves them
  // when the Worker is called directly (tests, `wrangler dev` with run_worker_first).
  app.get(`${DOCS_ASSET_BASE}/swagger-ui-dist/:file{[a-z-]+\\.(?:js|css)}`, async (c) => {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    // Asset responses have immutable headers; copy so the security headers can be added.
    return new Response(asset.body, asset);
  });
}
