// RSS 2.0, Atom and JSON Feed of the latest live entries, made with the `feed` library: the
// portal's own (all units) and one per unit, beside the unit's page.
import { Feed } from "feed";
import { cleanDeep, cleanText } from "./clean";
import { textToHtml } from "./plain";
import { SITE_NAME } from "./views/layout";

export type FeedEntry = {
  url: string;
  title: string;
  summary: string | null;
  /** The full article as plain text (portal_entries.body_text); the feeds carry it whole. */
  bodyText?: string;
  unitName: string;
  publishedAt: string;
  updatedAt: string | null;
};

/** Whose feed: the portal's (no scope) or one unit's, at its page's folder (e.g. "/portal/don-vi/q6/"). */
export type FeedScope = { unitName: string; url: string };

// Titles and summaries are plain text. RSS and Atom put them where readers expect HTML (inside
// CDATA, which the XML library does not fully guard), so they go in escaped; JSON Feed keeps
// `title` as text and gets the escaped form only as `content_html`. The full text is escaped
// paragraph by paragraph (plain.ts textToHtml), so no markup of the author's can reach a reader.
const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** The item's full text as HTML: the summary as a lead paragraph, then the body. */
function contentHtml(e: FeedEntry): string | undefined {
  const parts = [e.summary ? `<p><strong>${escapeHtml(e.summary)}</strong></p>` : "", e.bodyText ? textToHtml(e.bodyText) : ""].filter(Boolean);
  return parts.length ? parts.join("\n") : undefined;
}

type Format = "rss" | "atom" | "json";

function makeFeed(site: string, entries: FeedEntry[], format: Format, scope?: FeedScope): Feed {
  const asHtml = format !== "json";
  const text = (s: string) => (asHtml ? escapeHtml(s) : s);
  const home = scope ? `${site}${scope.url}` : `${site}/portal/`;
  const feed = new Feed({
    title: scope ? `${SITE_NAME} — ${scope.unitName}` : `${SITE_NAME} — Tin tức`,
    description: scope
      ? `Tin tức, sự kiện và báo cáo của ${scope.unitName}, đã được thẩm định.`
      : "Tin tức, sự kiện và báo cáo của các đơn vị trực thuộc, đã được thẩm định.",
    id: home,
    link: home,
    language: "vi",
    copyright: `© ${SITE_NAME}`,
    updated: entries[0] ? new Date(entries[0].updatedAt ?? entries[0].publishedAt) : new Date(0),
    feedLinks: { rss: `${home}feed.xml`, atom: `${home}atom.xml`, json: `${home}feed.json` },
    // The channel's author is the publisher, never a person's address.
    author: { name: scope?.unitName ?? SITE_NAME },
  });
  for (const e of entries) {
    feed.addItem({
      title: text(e.title),
      id: `${site}${e.url}`,
      link: `${site}${e.url}`,
      description: e.summary ? text(e.summary) : undefined,
      content: contentHtml(e),
      // The unit that published the article. RSS 2.0's <author> must be an email address, so RSS
      // names the unit in <dc:creator> instead (plain text: the XML writer escapes it).
      author: format === "rss" ? undefined : [{ name: text(e.unitName) }],
      extensions: format === "rss" ? [{ name: "dc:creator", objects: { _text: e.unitName } }] : undefined,
      date: new Date(e.updatedAt ?? e.publishedAt),
      published: new Date(e.publishedAt),
    });
  }
  return feed;
}

// The library declares the dc: namespace only when an item has content; <dc:creator> needs it always.
const withDcNamespace = (rss: string) => (rss.includes("xmlns:dc=") ? rss : rss.replace("<rss ", '<rss xmlns:dc="http://purl.org/dc/elements/1.1/" '));

/** Stored text may hold characters XML forbids (see clean.ts): they are dropped from every field. */
export function buildFeeds(baseUrl: string, dirtyEntries: FeedEntry[], dirtyScope?: FeedScope): { rss: string; atom: string; json: string } {
  const site = cleanText(baseUrl).replace(/\/portal\/?$/, "");
  const entries = cleanDeep(dirtyEntries);
  const scope = dirtyScope ? cleanDeep(dirtyScope) : undefined;
  return {
    rss: withDcNamespace(makeFeed(site, entries, "rss", scope).rss2()),
    atom: makeFeed(site, entries, "atom", scope).atom1(),
    json: makeFeed(site, entries, "json", scope).json1(),
  };
}
