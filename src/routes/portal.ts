// The public portal, served from R2: only objects under portal/ (what publication wrote),
// with ETag / 304, cache headers, a Vietnamese 404 and a 410 for retracted pages. A path that
// names nothing we could have written (too long, odd characters, '..') is a 404 without a lookup.
import type { Hono } from "hono";
import type { HonoEnv } from "../env";
import { DIRECTORY_PATH, directoryDocument, siteOf } from "../portal/directory";
import { PORTAL_PREFIX, urlOf } from "../portal/paths";
import { FRONT_HEADING, MAX_AGE } from "../portal/publish";
import { MAX_QUERY, portalMatch, searchPortal, SEARCH_PAGE, type SearchHit } from "../portal/search";
import { sitemapBlockOf, sitemapBlockXml, sitemapIndexXml, sitemapPagesXml } from "../portal/sitemap";
import { Listing, NotFound } from "../portal/views/listing";
import { toDocument } from "../portal/views/layout";
import { SearchPage, type SearchPageProps } from "../portal/views/search";

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

const SHORT_CACHE = `public, max-age=${MAX_AGE}`;

/** The front page as publication writes it (src/portal/publish.ts rebuildListings), with nothing on it yet. */
const emptyFrontPage = (portalBase: string) =>
  toDocument(Listing({ heading: FRONT_HEADING, entries: [], newer: null, older: null, canonical: `${siteOf(portalBase)}${urlOf("")}`, feed: undefined }));

function xml(body: string): Response {
  return new Response(body, {
    headers: { "content-type": "application/xml; charset=utf-8", "cache-control": SHORT_CACHE, "x-content-type-options": "nosniff" },
  });
}

function html(body: string, status: number, cacheControl = SHORT_CACHE): Response {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": cacheControl } });
}

/**
 * GET /portal/search?q=<words>&truoc=<seq>: live articles matching every word, newest first, 20 a
 * page; `truoc` (before) is the last shown article's seq, so each page is one indexed walk that
 * stops at the page (never OFFSET). Every answer is a page: no words -> a hint (no query run);
 * over MAX_QUERY characters -> 400 saying so; nothing searchable (punctuation) -> no results.
 */
async function search(db: D1Database, portalBase: string, rawQuery: string | undefined, rawBefore: string | undefined): Promise<Response> {
  const query = (rawQuery ?? "").trim();
  const page = (state: SearchPageProps["state"], hits: SearchHit[] = [], continued = false) => {
    const shown = hits.slice(0, SEARCH_PAGE);
    const more = hits.length > SEARCH_PAGE ? shown[shown.length - 1] : undefined;
    return toDocument(
      SearchPage({
        query: [...query].slice(0, MAX_QUERY).join(""),
        state,
        results: shown.map((h) => ({ url: urlOf(h.path), title: h.title, summary: h.summary, unitName: h.unit_name, publishedAt: h.first_published_at })),
        next: more ? `/portal/search?q=${encodeURIComponent(query)}&truoc=${more.seq}` : null,
        continued,
        canonical: state === "empty" ? `${siteOf(portalBase)}/portal/search` : undefined,
        maxLength: MAX_QUERY,
      }),
    );
  };
  if (query === "") return html(await page("empty"), 200);
  if ([...query].length > MAX_QUERY) return html(await page("too-long"), 400);
  const match = portalMatch(query);
  if (!match) return html(await page("no-words"), 200);
  // A cursor that is not a positive whole number starts from the newest match.
  const before = rawBefore && /^[1-9]\d{0,14}$/.test(rawBefore) ? Number(rawBefore) : null;
  return html(await page("results", await searchPortal(db, match, before), before !== null), 200);
}

export function registerPortal(app: Hono<HonoEnv>) {
  app.get("/portal", (c) => c.redirect("/portal/", 301));
  app.get("/portal/search", async (c) => search(c.env.DB, c.env.PORTAL_BASE_URL, c.req.query("q"), c.req.query("truoc")));
  app.get("/portal/search/", (c) => c.redirect(`/portal/search${new URL(c.req.url).search}`, 301));
  // Live from D1: what is on the portal right now, retractions included.
  app.get("/portal/sitemap.xml", async (c) => xml(await sitemapIndexXml(c.env.DB, c.env.PORTAL_BASE_URL)));
  app.get("/portal/sitemap-trang.xml", async (c) => xml(await sitemapPagesXml(c.env.DB, c.env.PORTAL_BASE_URL)));
  app.get("/portal/:file{sitemap-bai-viet-[0-9]+\\.xml}", async (c) => {
    const block = sitemapBlockOf(c.req.param("file"));
    const body = block === null ? null : await sitemapBlockXml(c.env.DB, c.env.PORTAL_BASE_URL, block);
    return body === null ? notFound() : xml(body);
  });
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
    if (!object && path !== "" && !path.endsWith("/") && !path.includes(".")) {
      // A page asked for without its trailing slash.
      if (await c.env.BUCKET.head(`${key}/index.html`)) return c.redirect(`/portal/${path}/`, 301);
      return notFound();
    }
    // The front page and the directory are written with the listings; before the first
    // publication they are made here (an empty front page, not a 404 for the portal's own address).
    // Not kept by caches: the first publication writes the real pages, to be seen at once.
    if (!object && path === "") return html(await emptyFrontPage(c.env.PORTAL_BASE_URL), 200, "no-cache");
    if (!object && path === DIRECTORY_PATH) return html(await directoryDocument(c.env.DB, c.env.PORTAL_BASE_URL), 200, "no-cache");
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
