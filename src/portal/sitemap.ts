// The portal's sitemaps (sitemaps.org 0.9), read live from D1 so a retraction leaves them at once.
// /portal/sitemap.xml is a sitemap index: one sitemap of the fixed pages (front page, unit
// directory, the pages of units with live articles) and one per block of SITEMAP_BLOCK articles
// in order of first publication (seq). Each answer reads a bounded number of rows whatever the
// portal holds: the index reads one row (the newest live article's seq), a block at most
// SITEMAP_BLOCK rows by the unique index on seq, the fixed pages O(units). The sitemaps sit beside
// the index in /portal/ (sitemaps.org: a sitemap lists only addresses under its own folder), and a
// block's address never changes meaning; each article in it carries its lastmod (the index gives
// none per block: that would read every block).
import { cleanText } from "./clean";
import { siteOf, DIRECTORY_PATH } from "./directory";
import { urlOf } from "./paths";
import { directoryUnits, highestLiveSeq, sitemapArticles } from "./search";

/** Articles per block sitemap (the protocol allows 50,000; a block is read whole per request). */
export const SITEMAP_BLOCK = 1_000;
export const SITEMAP_PAGES_PATH = "sitemap-trang.xml";
export const sitemapBlockPath = (n: number) => `sitemap-bai-viet-${n}.xml`;
/** `sitemap-bai-viet-<n>.xml` -> n, or null for any other name. */
export function sitemapBlockOf(file: string): number | null {
  const m = /^sitemap-bai-viet-([1-9][0-9]{0,8})\.xml$/.exec(file);
  return m ? Number(m[1]) : null;
}

const escapeXml = (s: string) => cleanText(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"';
const tagged = (tag: "url" | "sitemap", loc: string, lastmod?: string | null) =>
  `<${tag}><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${escapeXml(lastmod)}</lastmod>` : ""}</${tag}>`;
const urlset = (lines: string[]) => `${XML}<urlset ${NS}>\n${lines.map((l) => `${l}\n`).join("")}</urlset>\n`;

/** The index: the fixed pages' sitemap and every block up to the newest live article. One row read. */
export async function sitemapIndexXml(db: D1Database, portalBase: string): Promise<string> {
  const site = siteOf(portalBase);
  const blocks = Math.ceil((await highestLiveSeq(db)) / SITEMAP_BLOCK);
  const lines = [tagged("sitemap", `${site}${urlOf(SITEMAP_PAGES_PATH)}`)];
  for (let n = 1; n <= blocks; n++) lines.push(tagged("sitemap", `${site}${urlOf(sitemapBlockPath(n))}`));
  return `${XML}<sitemapindex ${NS}>\n${lines.map((l) => `${l}\n`).join("")}</sitemapindex>\n`;
}

/** The front page, the unit directory and the page of every unit with a live article. */
export async function sitemapPagesXml(db: D1Database, portalBase: string): Promise<string> {
  const site = siteOf(portalBase);
  const units = (await directoryUnits(db)).filter((u) => u.live);
  return urlset([tagged("url", `${site}${urlOf("")}`), tagged("url", `${site}${urlOf(DIRECTORY_PATH)}`), ...units.map((u) => tagged("url", `${site}${urlOf(u.path)}`))]);
}

/**
 * Block n: the live articles first published as seq (n-1)*SITEMAP_BLOCK+1 .. n*SITEMAP_BLOCK, with
 * the time of their latest publication. Null for a block past the newest live article (a 404); an
 * older block whose articles were all retracted is an empty urlset (it is still listed).
 */
export async function sitemapBlockXml(db: D1Database, portalBase: string, n: number): Promise<string | null> {
  const first = (n - 1) * SITEMAP_BLOCK + 1;
  if (first > (await highestLiveSeq(db))) return null;
  const site = siteOf(portalBase);
  const articles = await sitemapArticles(db, first, first + SITEMAP_BLOCK - 1);
  return urlset(articles.map((a) => tagged("url", `${site}${urlOf(a.path)}`, a.lastmod)));
}
