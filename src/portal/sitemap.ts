// /portal/sitemap.xml (sitemaps.org 0.9): the front page, the unit directory, the pages of units
// with live articles, and every live article with the time of its latest publication.
import { cleanText } from "./clean";
import { siteOf, DIRECTORY_PATH } from "./directory";
import { urlOf } from "./paths";
import { directoryUnits, SITEMAP_CAP, sitemapArticles } from "./search";

const escapeXml = (s: string) => cleanText(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

const url = (loc: string, lastmod?: string) => `<url><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${escapeXml(lastmod)}</lastmod>` : ""}</url>`;

/**
 * Reads every live article (O(live articles), one indexed walk) and the units (O(units)). A
 * sitemap may list 50,000 addresses: past that the newest are listed and the rest are still
 * reachable from the archive pages (a sitemap index in chunks of seq would be the next step).
 */
export async function sitemapXml(db: D1Database, portalBase: string): Promise<string> {
  const site = siteOf(portalBase);
  const units = (await directoryUnits(db)).filter((u) => u.live);
  const fixed = [url(`${site}${urlOf("")}`), url(`${site}${urlOf(DIRECTORY_PATH)}`), ...units.map((u) => url(`${site}${urlOf(u.path)}`))];
  const articles = await sitemapArticles(db, Math.max(0, SITEMAP_CAP - fixed.length));
  const lines = [...fixed, ...articles.map((a) => url(`${site}${urlOf(a.path)}`, a.lastmod))];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${lines.join("\n")}\n</urlset>\n`;
}
