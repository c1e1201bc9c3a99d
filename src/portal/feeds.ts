// RSS 2.0, Atom and JSON Feed of the latest live entries, made with the `feed` library.
import { Feed } from "feed";
import { cleanDeep, cleanText } from "./clean";
import { SITE_NAME } from "./views/layout";

export type FeedEntry = { url: string; title: string; summary: string | null; unitName: string; publishedAt: string; updatedAt: string | null };

// Titles and summaries are plain text. RSS and Atom put them where readers expect HTML (inside
// CDATA, which the XML library does not fully guard), so they go in escaped; JSON Feed keeps
// `title` as text and gets the escaped form only as `content_html`.
const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

function makeFeed(site: string, entries: FeedEntry[], asHtml: boolean): Feed {
  const text = (s: string) => (asHtml ? escapeHtml(s) : s);
  const feed = new Feed({
    title: `${SITE_NAME} — Tin tức`,
    description: "Tin tức, sự kiện và báo cáo của các đơn vị trực thuộc, đã được thẩm định.",
    id: `${site}/portal/`,
    link: `${site}/portal/`,
    language: "vi",
    copyright: `© ${SITE_NAME}`,
    updated: entries[0] ? new Date(entries[0].updatedAt ?? entries[0].publishedAt) : new Date(0),
    feedLinks: { rss: `${site}/portal/feed.xml`, atom: `${site}/portal/atom.xml`, json: `${site}/portal/feed.json` },
  });
  for (const e of entries) {
    feed.addItem({
      title: text(e.title),
      id: `${site}${e.url}`,
      link: `${site}${e.url}`,
      description: e.summary ? text(e.summary) : undefined,
      content: e.summary ? escapeHtml(e.summary) : undefined,
      author: [{ name: text(e.unitName) }],
      date: new Date(e.updatedAt ?? e.publishedAt),
      published: new Date(e.publishedAt),
    });
  }
  return feed;
}

/** Stored text may hold characters XML forbids (see clean.ts): they are dropped from every field. */
export function buildFeeds(baseUrl: string, dirtyEntries: FeedEntry[]): { rss: string; atom: string; json: string } {
  const site = cleanText(baseUrl).replace(/\/portal\/?$/, "");
  const entries = cleanDeep(dirtyEntries);
  const html = makeFeed(site, entries, true);
  return { rss: html.rss2(), atom: html.atom1(), json: makeFeed(site, entries, false).json1() };
}
