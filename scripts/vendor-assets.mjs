// Copies the API reference page's assets from the installed swagger-ui-dist package into public/,
// where Workers static assets serve them (no CDN at run time).
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve("swagger-ui-dist/package.json"));
const out = join(import.meta.dirname, "..", "public", "api", "v1", "docs", "assets", "swagger-ui-dist");
mkdirSync(out, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) copyFileSync(join(dist, file), join(out, file));
