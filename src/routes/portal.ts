// The public portal, served from R2: only objects under portal/ (what publication wrote),
// with ETag / 304, cache headers, a Vietnamese 404 and a 410 for retracted pages. A path that
// names nothing we could have written (too long, odd characters, '..') is a 404 without a lookup.
import type { Hono } from "hono";
import type { HonoEnv } from "../env";
import { PORTAL_PREFIX } from "../portal/paths";
import { MAX_AGE } from "../portal/publish";
import { NotFound } from "../portal/views/listing";
import { toDocument } from "../portal/views/layout";

const SAFE_PATH = /^[a-z0-9][a-z0-9._/-]*$/;
// Publication's longest paths are about 100 characters (an article's slug is cut at 70); R2 refuses
// keys over 1,024 bytes with an error, so anything near that is refused here first.
const MAX_PATH = 300;

/**
 * The object's Cache-Control, capped: whatever a retraction or correction can change must not be
 * cached for more than MAX_AGE seconds (objects written before that rule may say `immutable`).
 */
function cacheControl(stored: string | undefined): string {
  const ages = [...(stored ?? "").matchAll(/(?:^|[\s,])(?:s-)?max-age=(\d+)/gi)].map((m) => Number(m[1]));
  const ok = stored && ages.length > 0 && ages.every((a) => a <= MAX_AGE) && !/immutable|stale-/i.test(stored);
  return ok ? stored : `public, max-age=${MAX_AGE}`;
}

async function notFound(): Promise<Response> {
  return new Response(await toDocument(NotFound()), {
    status: 404,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": `public, max-age=${MAX_AGE}` },
  });
}

export function registerPortal(app: Hono<HonoEnv>) {
  app.get("/portal", (c) => c.redirect("/portal/", 301));
  app.get("/portal/*", async (c) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(c.req.url).pathname).slice("/portal/".length);
    } catch {
      return notFound(); // a malformed percent-escape names nothing we serve
    }
    if (path.length > MAX_PATH || (path !== "" && (!SAFE_PATH.test(path) || path.includes("..")))) return notFound();
    let key = `${PORTAL_PREFIX}${path === "" || path.endsWith("/") ? `${path}index.html` : path}`;
    let object = await c.env.BUCKET.get(key, { onlyIf: c.req.raw.headers });
    if (!object && !path.endsWith("/") && !path.includes(".")) {
      // A page asked for without its trailing slash.
      if (await c.env.BUCKET.head(`${key}/index.html`)) return c.redirect(`/portal/${path}/`, 301);
      return notFound();
    }
    if (!object) return notFound();
    const headers = new Headers();
    object.writeHttpMetadata(headers);
    headers.set("cache-control", cacheControl(object.httpMetadata?.cacheControl));
    headers.set("etag", object.httpEtag);
    headers.set("x-content-type-options", "nosniff");
    const gone = object.customMetadata?.gone === "1";
    if (!("body" in object)) return new Response(null, { status: 304, headers });
    return new Response(object.body, { status: gone ? 410 : 200, headers });
  });
}
